#include "sim/sim_sidecar.hpp"

#include "backends/sim_backend.hpp"  // plugins/snp: reports signed by the simulated VCEK
#include "cchost/claims.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/verify/posix_files.hpp"
#include "cert_table.hpp"
#include "json_strict.hpp"
#include "report.hpp"
#include "runtime_data.hpp"
#include "sim/sim_uvm.hpp"

namespace cchost::aci::sim {
namespace {

SidecarReply error_reply(int status, const std::string& message) {
  return {status, "{\"error\":" + sdk::json_quote(message) + "}"};
}

std::string pem_of(ByteView der) {
  const std::string b64 = crypto::base64_encode(der);
  std::string out = "-----BEGIN CERTIFICATE-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END CERTIFICATE-----\n";
}

template <std::size_t N>
std::array<std::uint8_t, N> array_of(const Bytes& b) {
  std::array<std::uint8_t, N> a{};
  std::copy_n(b.begin(), std::min(N, b.size()), a.begin());
  return a;
}

}  // namespace

Result<SimSidecar> SimSidecar::load(const std::filesystem::path& ca_dir, SimGuest guest) {
  auto maa = SimMaa::load(ca_dir);
  if (!maa) return maa.error();
  SimSidecar sidecar(std::move(*maa), guest);
  std::error_code ec;
  if (std::filesystem::exists(ca_dir / "snp" / "ark.pem", ec)) {
    snp::SimBackendConfig config;
    config.ca_dir = ca_dir / "snp";
    config.fields.measurement = array_of<48>(*crypto::hex_decode(kSimMeasurement));
    config.fields.host_data = array_of<32>(crypto::sha256(as_bytes(kSimCcePolicy)));
    config.fields.guest_svn = 1;
    if (guest.debuggable) config.fields.policy |= std::uint64_t{1} << 19;  // POLICY.DEBUG
    auto backend = snp::make_sim_backend(config);
    if (!backend) return make_error("sim sidecar: " + backend.message());
    sidecar.reports_ = std::move(*backend);
    auto cose = vkit::read_whole_file(ca_dir / kSimEndorsementFile, 64 * 1024);
    if (!cose) return make_error("sim sidecar: " + cose.message());
    sidecar.endorsement_ = std::move(*cose);
  }
  return sidecar;
}

SidecarReply SimSidecar::attest_combined(std::string_view body) {
  if (!reports_) return error_reply(500, "this simulated sidecar has no SNP CA (sim_provision's snp/)");
  auto request = parse_json_object(body, "request");
  if (!request) return error_reply(400, request.message());
  const auto runtime = request->find("runtime_data");
  if (runtime == request->end() || !runtime->is_string()) return error_reply(400, "expected {\"runtime_data\": string}");
  auto bytes = crypto::base64_decode(runtime->get<std::string>());
  if (!bytes) return error_reply(400, "runtime_data: " + bytes.message());
  auto evidence = reports_->get_report(report_data_for(*bytes));
  if (!evidence) return error_reply(500, evidence.message());
  auto table = snp::parse_cert_table(evidence->cert_table);
  if (!table) return error_reply(500, table.message());
  std::string pems;
  for (const auto* guid : {&snp::kGuidVcek, &snp::kGuidAsk, &snp::kGuidArk}) {
    if (auto der = table->find(*guid)) pems += pem_of(*der);
  }
  auto report = snp::parse_snp_report(evidence->report);
  if (!report) return error_reply(500, report.message());
  Bytes tcbm(8);
  for (int i = 0; i < 8; ++i) tcbm[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(report->reported_tcb >> (56 - 8 * i));
  return {200, "{\"evidence\":" + sdk::json_quote(crypto::base64_encode(evidence->report)) +
                   ",\"endorsements\":" + sdk::json_quote(crypto::base64_encode(as_bytes(pems))) +
                   ",\"uvm_endorsements\":" + sdk::json_quote(crypto::base64_encode(endorsement_)) +
                   ",\"endorsed_tcb\":" + sdk::json_quote(crypto::hex_encode(tcbm)) + "}"};
}

SidecarReply SimSidecar::attest_maa(std::string_view body, std::int64_t now) const {
  auto request = parse_json_object(body, "request");
  if (!request) return error_reply(400, request.message());
  const auto endpoint = request->find("maa_endpoint");
  const auto runtime = request->find("runtime_data");
  if (endpoint == request->end() || !endpoint->is_string() || runtime == request->end() || !runtime->is_string()) {
    return error_reply(400, "expected {\"maa_endpoint\": string, \"runtime_data\": string}");
  }
  // One simulated instance: asking for another one is the caller's mistake, said plainly.
  if (endpoint->get<std::string>() != kSimMaaHost) {
    return error_reply(400, "the simulated sidecar serves MAA instance " + std::string(kSimMaaHost) + " only, not " +
                                endpoint->get<std::string>());
  }
  auto bytes = crypto::base64_decode(runtime->get<std::string>());
  if (!bytes) return error_reply(400, "runtime_data: " + bytes.message());
  auto token = maa_.issue(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()), now, guest_);
  if (!token) return error_reply(400, token.message());
  return {200, "{\"token\":" + sdk::json_quote(*token) + "}"};
}

}  // namespace cchost::aci::sim
