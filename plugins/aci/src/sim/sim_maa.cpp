#include "sim/sim_maa.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/verify/posix_files.hpp"
#include "json_strict.hpp"
#include "runtime_data.hpp"
#include "sim/sim_uvm.hpp"

namespace cchost::aci::sim {
namespace {

namespace fs = std::filesystem;

// The kid of a key is derived from it, so a re-provisioned CA never reuses a kid.
std::string kid_of(const MaaSigner& key) {
  return "sim-" + crypto::hex_encode(crypto::sha256(as_bytes(key.jwks_json()))).substr(0, 16);
}

Status write_new(const fs::path& path, const std::string& text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) return make_error("sim MAA: cannot create " + path.string() + ": " + vkit::errno_text(errno));
  vkit::UniqueFd guard(fd);
  if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    return make_error("sim MAA: short write to " + path.string());
  }
  return {};
}


}  // namespace

Status create_sim_maa(const fs::path& dir) {
  auto key = MaaSigner::generate(2048, "pending");
  if (!key) return key.error();
  auto pem = key->private_pem();
  auto named = MaaSigner::from_pem(pem, kid_of(*key));
  if (!named) return named.error();
  if (auto s = write_new(dir / kSimKeyFile, pem, 0600); !s) return s;
  return write_new(dir / kSimJwksFile, named->jwks_json(), 0644);
}

Result<SimMaa> SimMaa::load(const fs::path& ca_dir) {
  auto pem = vkit::read_whole_file(ca_dir / kSimKeyFile, 64 * 1024);
  if (!pem) return make_error("sim MAA: " + pem.message());
  const std::string text(pem->begin(), pem->end());
  auto probe = MaaSigner::from_pem(text, "pending");
  if (!probe) return probe.error();
  auto key = MaaSigner::from_pem(text, kid_of(*probe));
  if (!key) return key.error();
  return SimMaa(std::move(*key));
}

Result<std::string> SimMaa::issue(std::string_view runtime_data, std::int64_t now, const SimGuest& guest) const {
  auto runtime = parse_json_object(runtime_data, "sim MAA runtime_data");
  if (!runtime) return runtime.error();
  const Bytes host_data = guest.host_data.empty() ? crypto::sha256(as_bytes(kSimCcePolicy)) : guest.host_data;
  // Members in MAA's order (alphabetical), values of the shapes NOTES §3 records.
  Json p;
  p["exp"] = now + 28800;
  p["iat"] = now;
  p["iss"] = std::string("https://") + kSimMaaHost;
  p["jti"] = crypto::hex_encode(crypto::sha256(as_bytes(std::to_string(now) + std::string(runtime_data))));
  p["nbf"] = now;
  p["x-ms-attestation-type"] = "sevsnpvm";
  p["x-ms-compliance-status"] = "azure-compliant-uvm";
  p["x-ms-policy-hash"] = "cchost-simulated";
  p["x-ms-runtime"] = *runtime;
  p["x-ms-sevsnpvm-guestsvn"] = 1;
  p["x-ms-sevsnpvm-hostdata"] = crypto::hex_encode(host_data);
  p["x-ms-sevsnpvm-is-debuggable"] = guest.debuggable;
  p["x-ms-sevsnpvm-launchmeasurement"] = kSimMeasurement;
  p["x-ms-sevsnpvm-migration-allowed"] = false;
  p["x-ms-sevsnpvm-reportdata"] = crypto::hex_encode(report_data_for(as_bytes(runtime_data)));
  p["x-ms-sevsnpvm-smt-allowed"] = true;
  p["x-ms-sevsnpvm-uvm-endorsement"] = {{"x-ms-sevsnpvm-guestsvn", std::to_string(guest.uvm_svn)},
                                        {"x-ms-sevsnpvm-launchmeasurement", kSimMeasurement}};
  p["x-ms-sevsnpvm-uvm-endorsement-headers"] = {
      {"feed", "ContainerPlat-AMD-UVM"},
      {"iss", "did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.2"}};
  p["x-ms-sevsnpvm-vmpl"] = 0;
  p["x-ms-ver"] = "1.0";
  const std::string header = "{\"alg\":\"RS256\",\"jku\":\"https://" + std::string(kSimMaaHost) + "/certs\",\"kid\":\"" +
                             key_.kid() + "\",\"typ\":\"JWT\"}";
  return key_.sign_compact(header, compact_json(p), crypto::JwsAlg::RS256);
}

}  // namespace cchost::aci::sim
