// Decoding and encoding NVIDIA's evidence-list JSON (see evidence_list.hpp).
#include "evidence/evidence_list.hpp"

#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "cchost/crypto/encoding.hpp"

namespace cchost::nv {
namespace {

Result<std::string> string_field(const nlohmann::json& entry, const char* key, std::size_t index) {
  auto it = entry.find(key);
  if (it == entry.end()) return make_error("evidence[" + std::to_string(index) + "]: \"" + key + "\" is missing");
  if (!it->is_string()) return make_error("evidence[" + std::to_string(index) + "]: \"" + key + "\" must be a string");
  return it->get<std::string>();
}

Result<EvidenceEntry> parse_entry(const nlohmann::json& entry, std::size_t index) {
  const std::string where = "evidence[" + std::to_string(index) + "]";
  if (!entry.is_object()) return make_error(where + ": must be an object");
  for (const auto& [key, value] : entry.items()) {
    if (key == "arch" || key == "nonce" || key == "evidence" || key == "certificate") continue;
    // NVIDIA's PPCIe tools add what the host's driver said; unsigned, so read as text only and
    // never used (the signed report is the only source of versions).
    if (key == "driver_version" || key == "vbios_version" || key == "version") {
      if (!value.is_string() || value.get_ref<const std::string&>().size() > 64) {
        return make_error(where + ": \"" + key + "\" must be a string of at most 64 characters");
      }
      continue;
    }
    return make_error(where + ": unknown field \"" + key + "\" (expected arch, nonce, evidence, certificate)");
  }
  EvidenceEntry out;
  auto arch = string_field(entry, "arch", index);
  if (!arch) return arch.error();
  if (arch->empty() || arch->size() > 16) return make_error(where + ": \"arch\" must be 1..16 characters");
  out.arch = *arch;

  auto evidence = string_field(entry, "evidence", index);
  if (!evidence) return evidence.error();
  if (evidence->size() > (kMaxReportBytes / 3 + 1) * 4) {
    return make_error(where + ": \"evidence\" exceeds " + std::to_string(kMaxReportBytes) + " bytes");
  }
  auto report = crypto::base64_decode(*evidence);
  if (!report) return make_error(where + ": \"evidence\" is not base64: " + report.message());
  if (report->empty()) return make_error(where + ": \"evidence\" is empty");
  out.report = std::move(*report);

  auto certificate = string_field(entry, "certificate", index);
  if (!certificate) return certificate.error();
  if (certificate->size() > (kMaxChainBytes / 3 + 1) * 4) {
    return make_error(where + ": \"certificate\" exceeds " + std::to_string(kMaxChainBytes) + " bytes");
  }
  auto pem = crypto::base64_decode(*certificate);
  if (!pem) return make_error(where + ": \"certificate\" is not base64: " + pem.message());
  out.certificate_pem.assign(pem->begin(), pem->end());

  if (entry.contains("nonce")) {
    auto nonce_hex = string_field(entry, "nonce", index);
    if (!nonce_hex) return nonce_hex.error();
    auto nonce = crypto::hex_decode(*nonce_hex);
    if (!nonce || nonce->size() != 32) {
      return make_error(where + ": \"nonce\" must be 64 hex digits, got \"" + nonce_hex->substr(0, 80) + "\"");
    }
    out.nonce = std::move(*nonce);
  }
  return out;
}

// nlohmann keeps the last of two equal keys; two readers of one token could then see different
// devices. The parser callback tracks the keys of every open object and flags a repeat.
struct DuplicateKeys {
  std::vector<std::set<std::string>> open;
  bool found = false;
  std::string key;
};

}  // namespace

Result<std::vector<EvidenceEntry>> parse_evidence_list(std::string_view json) {
  if (json.size() > kMaxEvidenceListBytes) {
    return make_error("evidence list exceeds " + std::to_string(kMaxEvidenceListBytes) + " bytes");
  }
  DuplicateKeys dup;
  const auto doc = nlohmann::json::parse(
      json,
      [&dup](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        using E = nlohmann::json::parse_event_t;
        if (event == E::object_start) dup.open.emplace_back();
        if (event == E::object_end && !dup.open.empty()) dup.open.pop_back();
        if (event == E::key && !dup.open.empty() && !dup.open.back().insert(parsed.get<std::string>()).second && !dup.found) {
          dup.found = true;
          dup.key = parsed.get<std::string>();
        }
        return true;
      },
      /*allow_exceptions=*/false);
  if (doc.is_discarded()) return make_error("evidence list is not JSON");
  if (dup.found) return make_error("evidence list: the key \"" + dup.key.substr(0, 64) + "\" appears twice in one object");
  if (!doc.is_array()) return make_error("evidence list must be a JSON array of device entries");
  if (doc.empty()) return make_error("evidence list holds no device");
  if (doc.size() > kMaxDevices) {
    return make_error("evidence list holds " + std::to_string(doc.size()) + " devices, at most " +
                      std::to_string(kMaxDevices) + " allowed");
  }
  std::vector<EvidenceEntry> out;
  out.reserve(doc.size());
  for (std::size_t i = 0; i < doc.size(); ++i) {
    auto entry = parse_entry(doc[i], i);
    if (!entry) return entry.error();
    out.push_back(std::move(*entry));
  }
  return out;
}

std::string write_evidence_list(const std::vector<EvidenceEntry>& entries) {
  nlohmann::json doc = nlohmann::json::array();
  for (const auto& e : entries) {
    nlohmann::json entry = {{"arch", e.arch},
                            {"evidence", crypto::base64_encode(e.report)},
                            {"certificate", crypto::base64_encode(as_bytes(e.certificate_pem))}};
    if (e.nonce) entry["nonce"] = crypto::hex_encode(*e.nonce);
    doc.push_back(std::move(entry));
  }
  return doc.dump();
}

}  // namespace cchost::nv
