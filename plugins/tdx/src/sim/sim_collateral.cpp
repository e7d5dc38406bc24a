// Simulated collateral: TCB Info v3 with a TDX_01 module identity and QE Identity v2 for the
// TD QE, signed by the simulated TCB Signing key over the exact bytes written (NOTES.md §5).
#include "sim/sim_collateral.hpp"

#include <fstream>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/x509.hpp"
#include "sim/sim_keys.hpp"

namespace cchost::tdx::sim {
namespace {

std::string components(const std::array<std::uint8_t, 16>& svn) {
  std::string s = "[";
  for (std::size_t i = 0; i < 16; ++i) s += (i ? "," : "") + std::string("{\"svn\":") + std::to_string(svn[i]) + "}";
  return s + "]";
}

std::string times(const CollateralOptions& o) {
  return "\"issueDate\":\"" + crypto::format_time(o.now - 24 * 3600) + "\",\"nextUpdate\":\"" +
         crypto::format_time(o.now + o.validity_days * 24 * 3600) + "\"";
}

Result<std::string> envelope(const SimPki& pki, const char* member, const std::string& body) {
  auto sig = sign_rs(pki.tcb_key.get(), as_bytes(body));
  if (!sig) return sig.error();
  return std::string("{\"") + member + "\":" + body + ",\"signature\":\"" + crypto::hex_encode(*sig) + "\"}";
}

Status write(const std::filesystem::path& p, ByteView data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!out) return make_error("sim collateral: cannot write " + p.string());
  return {};
}

}  // namespace

Result<std::string> signed_tcb_info(const SimPki& pki, const PckPlatform& p, const CollateralOptions& o) {
  const std::string zero48(96, '0');
  std::array<std::uint8_t, 16> tdx{};
  tdx[2] = kSimTeeTcbSvn[2];
  std::array<std::uint8_t, 16> old_sgx{};
  const std::string body =
      "{\"id\":\"TDX\",\"version\":3," + times(o) + ",\"fmspc\":\"" + crypto::hex_encode(o.fmspc.value_or(p.fmspc)) +
      "\",\"pceId\":\"" + crypto::hex_encode(p.pce_id) +
      "\",\"tcbType\":0,\"tcbEvaluationDataNumber\":17,\"tdxModule\":{\"mrsigner\":\"" + zero48 +
      "\",\"attributes\":\"0000000000000000\",\"attributesMask\":\"FFFFFFFFFFFFFFFF\"},"
      "\"tdxModuleIdentities\":[{\"id\":\"TDX_01\",\"mrsigner\":\"" + zero48 +
      "\",\"attributes\":\"0000000000000000\",\"attributesMask\":\"FFFFFFFFFFFFFFFF\",\"tcbLevels\":["
      "{\"tcb\":{\"isvsvn\":" + std::to_string(kSimTeeTcbSvn[0]) +
      "},\"tcbDate\":\"2024-03-13T00:00:00Z\",\"tcbStatus\":\"UpToDate\"},"
      "{\"tcb\":{\"isvsvn\":0},\"tcbDate\":\"2018-01-04T00:00:00Z\",\"tcbStatus\":\"OutOfDate\"}]}],"
      "\"tcbLevels\":[{\"tcb\":{\"sgxtcbcomponents\":" + components(p.sgx_tcb_svn) + ",\"pcesvn\":" +
      std::to_string(p.pce_svn) + ",\"tdxtcbcomponents\":" + components(tdx) +
      "},\"tcbDate\":\"2024-03-13T00:00:00Z\",\"tcbStatus\":\"UpToDate\"},"
      "{\"tcb\":{\"sgxtcbcomponents\":" + components(old_sgx) + ",\"pcesvn\":0,\"tdxtcbcomponents\":" +
      components(old_sgx) + "},\"tcbDate\":\"2018-01-04T00:00:00Z\",\"tcbStatus\":\"OutOfDate\","
      "\"advisoryIDs\":[\"INTEL-SA-00000\"]}]}";
  return envelope(pki, "tcbInfo", body);
}

Result<std::string> signed_qe_identity(const SimPki& pki, const CollateralOptions& o) {
  const std::string body =
      "{\"id\":\"TD_QE\",\"version\":2," + times(o) +
      ",\"tcbEvaluationDataNumber\":17,\"miscselect\":\"00000000\",\"miscselectMask\":\"FFFFFFFF\","
      "\"attributes\":\"11000000000000000000000000000000\",\"attributesMask\":\"FBFFFFFFFFFFFFFF0000000000000000\","
      "\"mrsigner\":\"DC9E2A7C6F948F17474E34A7FC43ED030F7C1563F1BABDDF6340C82E0E54A8C5\",\"isvprodid\":" +
      std::to_string(kSimQeProdId) + ",\"tcbLevels\":[{\"tcb\":{\"isvsvn\":" + std::to_string(kSimQeSvn) +
      "},\"tcbDate\":\"2024-03-13T00:00:00Z\",\"tcbStatus\":\"UpToDate\"},"
      "{\"tcb\":{\"isvsvn\":0},\"tcbDate\":\"2018-01-04T00:00:00Z\",\"tcbStatus\":\"OutOfDate\"}]}";
  return envelope(pki, "enclaveIdentity", body);
}

Status write_collateral_dir(const std::filesystem::path& dir, const SimPki& pki, const PckPlatform& platform,
                            const CollateralOptions& o) {
  auto tcb = signed_tcb_info(pki, platform, o);
  if (!tcb) return tcb.error();
  auto qe = signed_qe_identity(pki, o);
  if (!qe) return qe.error();
  auto signing = cert_pem(pki.tcb_signing.get());
  auto root = cert_pem(pki.root.get());
  auto root_crl = crl_der(pki.root_crl.get());
  auto pck_crl = crl_der(pki.pck_crl.get());
  if (!signing || !root || !root_crl || !pck_crl) return make_error("sim collateral: encoding certificates or CRLs");
  const std::string chain = *signing + *root;
  for (auto [name, data] : {std::pair{"tcbinfo.json", as_bytes(*tcb)}, std::pair{"qe_identity.json", as_bytes(*qe)},
                            std::pair{"tcb_info_issuer_chain.pem", as_bytes(chain)},
                            std::pair{"qe_identity_issuer_chain.pem", as_bytes(chain)},
                            std::pair{"pck_crl.der", ByteView(*pck_crl)}, std::pair{"root_ca_crl.der", ByteView(*root_crl)}}) {
    if (auto s = write(dir / name, data); !s) return s;
  }
  return {};
}

}  // namespace cchost::tdx::sim
