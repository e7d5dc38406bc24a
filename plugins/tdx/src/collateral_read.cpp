// Reading TDX collateral from a folder or a dcap-qvl bundle (collateral.hpp). Missing
// collateral is an error naming the file: verification never proceeds on partial collateral.
#include <nlohmann/json.hpp>

#include "cchost/crypto/encoding.hpp"
#include "cchost/verify/posix_files.hpp"
#include "collateral.hpp"

namespace cchost::tdx {
namespace {

constexpr std::size_t kMaxCollateralFile = 4u << 20;

Result<std::string> read_text(const std::filesystem::path& path) {
  int err = 0;
  auto data = vkit::read_whole_file(path, kMaxCollateralFile, &err);
  if (!data) return make_error("TDX collateral: " + path.filename().string() + " missing or unreadable: " + data.message());
  return std::string(data->begin(), data->end());
}

std::optional<std::filesystem::path> find_bundle(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(dir / "collateral_bundle.json", ec)) return dir / "collateral_bundle.json";
  std::optional<std::filesystem::path> found;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    const std::string suffix = ".collateral_bundle.json";
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      if (found) return std::nullopt;  // two bundles: ambiguous, read neither
      found = e.path();
    }
  }
  return found;
}

}  // namespace

Result<RawCollateral> parse_collateral_bundle(std::string_view text) {
  auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return make_error("TDX collateral bundle: not a JSON object");
  auto str = [&](const char* key) -> Result<std::string> {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return make_error(std::string("TDX collateral bundle: \"") + key + "\" (string) is missing");
    return it->get<std::string>();
  };
  auto hex = [&](const char* key) -> Result<Bytes> {
    auto s = str(key);
    if (!s) return s.error();
    auto b = crypto::hex_decode(*s);
    if (!b) return make_error(std::string("TDX collateral bundle: \"") + key + "\": " + b.message());
    return b;
  };
  RawCollateral out;
  // The bundle carries each signed body as a JSON string whose contents are the exact bytes
  // Intel signed, and the signature beside it.
  for (auto [body_key, sig_key, doc] : {std::tuple{"tcb_info", "tcb_info_signature", &out.tcb_info_doc},
                                        std::tuple{"qe_identity", "qe_identity_signature", &out.qe_identity_doc}}) {
    auto body = str(body_key);
    if (!body) return body.error();
    auto sig = hex(sig_key);
    if (!sig) return sig.error();
    if (sig->size() != 64) {
      return make_error(std::string("TDX collateral bundle: \"") + sig_key + "\" must be 64 bytes (r || s), got " +
                        std::to_string(sig->size()));
    }
    doc->body = std::move(*body);
    std::copy(sig->begin(), sig->end(), doc->signature.begin());
  }
  auto tcb_chain = str("tcb_info_issuer_chain");
  if (!tcb_chain) return tcb_chain.error();
  auto qe_chain = str("qe_identity_issuer_chain");
  if (!qe_chain) return qe_chain.error();
  auto pck_crl = hex("pck_crl");
  if (!pck_crl) return pck_crl.error();
  auto root_crl = hex("root_ca_crl");
  if (!root_crl) return root_crl.error();
  out.tcb_info_issuer_chain_pem = std::move(*tcb_chain);
  out.qe_identity_issuer_chain_pem = std::move(*qe_chain);
  out.pck_crl_der = std::move(*pck_crl);
  out.root_ca_crl_der = std::move(*root_crl);
  return out;
}

Result<RawCollateral> read_collateral_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir / kTcbInfoFile, ec)) {
    if (auto bundle = find_bundle(dir)) {
      auto text = read_text(*bundle);
      if (!text) return text.error();
      return parse_collateral_bundle(*text);
    }
  }
  RawCollateral out;
  auto tcb = read_text(dir / kTcbInfoFile);
  if (!tcb) return tcb.error();
  auto tcb_doc = parse_signed_document(*tcb, "tcbInfo");
  if (!tcb_doc) return make_error(std::string(kTcbInfoFile) + ": " + tcb_doc.message());
  out.tcb_info_doc = std::move(*tcb_doc);
  auto qe = read_text(dir / kQeIdentityFile);
  if (!qe) return qe.error();
  auto qe_doc = parse_signed_document(*qe, "enclaveIdentity");
  if (!qe_doc) return make_error(std::string(kQeIdentityFile) + ": " + qe_doc.message());
  out.qe_identity_doc = std::move(*qe_doc);
  auto tcb_chain = read_text(dir / kTcbInfoChainFile);
  if (!tcb_chain) return tcb_chain.error();
  out.tcb_info_issuer_chain_pem = std::move(*tcb_chain);
  auto qe_chain = read_text(dir / kQeIdentityChainFile);
  if (!qe_chain) return qe_chain.error();
  out.qe_identity_issuer_chain_pem = std::move(*qe_chain);
  for (auto [file, slot] : {std::pair{kPckCrlFile, &out.pck_crl_der}, std::pair{kRootCaCrlFile, &out.root_ca_crl_der}}) {
    auto data = read_text(dir / file);
    if (!data) return data.error();
    slot->assign(data->begin(), data->end());
  }
  return out;
}

}  // namespace cchost::tdx
