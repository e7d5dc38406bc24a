#include "cchost/attest/bundle.hpp"

#include "cchost/attest/binding.hpp"
#include "cchost/claims/namespace_claims.hpp"
#include "cchost/crypto/encoding.hpp"

namespace cchost::attest {

bool lists_device(const EvidenceBundle& bundle, std::string_view ns) {
  for (const auto& d : bundle.devices)
    if (d.ns == ns) return true;
  return false;
}

Result<Bytes> bundle_binding(const EvidenceBundle& bundle, std::size_t size, std::string_view ns) {
  if (bundle.binding_version != 2) return binding_of_size(bundle.nonce, bundle.identity_key, bundle.name, size);
  const Bytes device_digest =
      bundle.devices.empty() || lists_device(bundle, ns) ? Bytes{} : device_list_digest(bundle.devices);
  return binding_v2_of_size({bundle.nonce, bundle.identity_key, bundle.name, bundle.job_key, device_digest}, size);
}

nlohmann::json bundle_header(const EvidenceBundle& bundle) {
  nlohmann::json namespaces = nlohmann::json::array();
  for (const auto& t : bundle.tokens) namespaces.push_back(t.ns);
  nlohmann::json header = {{"name", bundle.name},
                           {"identity_key", crypto::hex_encode(bundle.identity_key)},
                           {"nonce", crypto::hex_encode(bundle.nonce)},
                           {"issued_at", bundle.issued_at},
                           {"namespaces", namespaces}};
  // A v1 header stays exactly as before, so v1 peers and tools read it unchanged.
  if (bundle.binding_version == 2) {
    header["binding"] = 2;
    if (!bundle.job_key.empty()) header["job_key"] = crypto::hex_encode(bundle.job_key);
    if (!bundle.devices.empty()) {
      nlohmann::json devices = nlohmann::json::array();
      for (const auto& d : bundle.devices) devices.push_back({{"ns", d.ns}, {"sha256", crypto::hex_encode(d.sha256)}});
      header["devices"] = devices;
    }
  }
  return header;
}

std::vector<Bytes> bundle_blobs(const EvidenceBundle& bundle) {
  std::vector<Bytes> blobs;
  blobs.reserve(bundle.tokens.size());
  for (const auto& t : bundle.tokens) blobs.push_back(t.token);
  return blobs;
}

namespace {

Result<std::string> string_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return make_error(std::string("bundle: missing string field '") + key + "'");
  return it->get<std::string>();
}

Result<Bytes> hex_field(const nlohmann::json& j, const char* key, std::size_t expected_size) {
  auto text = string_field(j, key);
  if (!text) return text.error();
  auto bytes = crypto::hex_decode(*text);
  if (!bytes) return make_error(std::string("bundle: field '") + key + "': " + bytes.message());
  if (bytes->size() != expected_size)
    return make_error(std::string("bundle: field '") + key + "': expected " + std::to_string(expected_size) +
                      " bytes, got " + std::to_string(bytes->size()));
  return bytes;
}

// `devices`: at most one entry per token, each exactly {ns: a namespace, sha256: 32 bytes hex}.
Result<std::vector<DeviceEntry>> devices_field(const nlohmann::json& header) {
  const auto& list = header["devices"];
  if (!list.is_array() || list.empty()) return make_error("bundle: field 'devices' must be a non-empty array");
  if (list.size() > kMaxTokensPerBundle)
    return make_error("bundle: field 'devices' lists " + std::to_string(list.size()) + " entries, at most " +
                      std::to_string(kMaxTokensPerBundle) + " allowed");
  std::vector<DeviceEntry> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& e = list[i];
    const std::string where = "bundle: devices[" + std::to_string(i) + "]";
    if (!e.is_object() || e.size() != 2 || !e.contains("ns") || !e.contains("sha256"))
      return make_error(where + " must be exactly {ns, sha256}");
    if (!e["ns"].is_string() || !cchost::claims::is_valid_namespace(e["ns"].get<std::string>()))
      return make_error(where + ".ns is not x-[a-z0-9-]+");
    auto digest = hex_field(e, "sha256", 32);
    if (!digest) return make_error(where + ": " + digest.message());
    out.push_back({e["ns"].get<std::string>(), std::move(*digest)});
  }
  return out;
}

}  // namespace

Result<EvidenceBundle> bundle_from_wire(const nlohmann::json& header, const std::vector<Bytes>& blobs) {
  if (!header.is_object()) return make_error("bundle: header is not an object");
  EvidenceBundle b;
  auto name = string_field(header, "name");
  if (!name) return name.error();
  b.name = *name;
  auto key = hex_field(header, "identity_key", 32);
  if (!key) return key.error();
  b.identity_key = std::move(*key);
  auto nonce = hex_field(header, "nonce", kNonceSize);
  if (!nonce) return nonce.error();
  b.nonce = std::move(*nonce);
  auto issued = header.find("issued_at");
  if (issued == header.end() || !issued->is_number_integer())
    return make_error("bundle: missing integer field 'issued_at'");
  b.issued_at = issued->get<std::int64_t>();
  // `binding` absent: v1. v2 carries the job key it binds (32 bytes, X25519); no other
  // construction exists, and a v1 header cannot smuggle a job key.
  if (auto version = header.find("binding"); version != header.end()) {
    if (!version->is_number_integer() || (version->get<std::int64_t>() != 1 && version->get<std::int64_t>() != 2))
      return make_error("bundle: field 'binding' must be 1 or 2, got " + version->dump());
    b.binding_version = static_cast<int>(version->get<std::int64_t>());
  }
  if (b.binding_version == 2) {
    // v2 binds a job key, a device list, or both; with neither it would be v1 in disguise.
    if (!header.contains("job_key") && !header.contains("devices"))
      return make_error("bundle: binding 2 carries a 'job_key', a 'devices' list or both; the header has neither");
    if (header.contains("job_key")) {
      auto job_key = hex_field(header, "job_key", 32);
      if (!job_key) return job_key.error();
      b.job_key = std::move(*job_key);
    }
    if (header.contains("devices")) {
      auto devices = devices_field(header);
      if (!devices) return devices.error();
      b.devices = std::move(*devices);
    }
  } else if (header.contains("job_key") || header.contains("devices")) {
    return make_error(std::string("bundle: field '") + (header.contains("job_key") ? "job_key" : "devices") +
                      "' belongs to binding 2, the header says binding 1");
  }
  auto namespaces = header.find("namespaces");
  if (namespaces == header.end() || !namespaces->is_array())
    return make_error("bundle: missing array field 'namespaces'");
  if (namespaces->size() > kMaxTokensPerBundle)
    return make_error("bundle: " + std::to_string(namespaces->size()) + " tokens, at most " +
                      std::to_string(kMaxTokensPerBundle) + " allowed");
  if (namespaces->size() != blobs.size())
    return make_error("bundle: header names " + std::to_string(namespaces->size()) + " tokens but " +
                      std::to_string(blobs.size()) + " evidence frames arrived");
  std::size_t total = 0;
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    const auto& ns = (*namespaces)[i];
    if (!ns.is_string()) return make_error("bundle: namespace " + std::to_string(i) + " is not a string");
    const auto text = ns.get<std::string>();
    if (!cchost::claims::is_valid_namespace(text))
      return make_error("bundle: namespace " + std::to_string(i) + " \"" + text + "\" is not x-[a-z0-9-]+");
    if (blobs[i].size() > kMaxTokenSize)
      return make_error("bundle: token for '" + text + "' is " + std::to_string(blobs[i].size()) +
                        " bytes, at most " + std::to_string(kMaxTokenSize) + " allowed");
    total += blobs[i].size();
    if (total > kMaxBundleBytes)
      return make_error("bundle: evidence totals more than " + std::to_string(kMaxBundleBytes) + " bytes");
    b.tokens.push_back({text, blobs[i]});
  }
  if (b.devices.size() > b.tokens.size())
    return make_error("bundle: 'devices' lists " + std::to_string(b.devices.size()) + " device tokens, the bundle holds " +
                      std::to_string(b.tokens.size()) + " tokens");
  return b;
}

}  // namespace cchost::attest
