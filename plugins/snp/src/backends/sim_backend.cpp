// The sim backend (DESIGN.md "Evidence, binding, freshness"): same bytes a real guest would get,
// signed by a chain rooted at a simulated ARK the verifier trusts only when told to.
#include "backends/sim_backend.hpp"

#include <algorithm>
#include <string>

#include "cchost/crypto/random.hpp"
#include "cchost/snp/sim_ca.hpp"
#include "sim/cert_table_writer.hpp"
#include "sim/key_files.hpp"
#include "sim/report_signer.hpp"
#include "sim/report_writer.hpp"
#include "sim/sim_ca_files.hpp"
#include "sim/vcek_issuer.hpp"

namespace cchost::snp {
namespace {

class SimBackend final : public ReportBackend {
 public:
  SimBackend(sim::SimReportFields fields, sim::EvpPkeyPtr vcek_key, Bytes cert_table)
      : fields_(std::move(fields)), vcek_key_(std::move(vcek_key)), cert_table_(std::move(cert_table)) {}

  std::string_view name() const override { return "sim"; }

  Result<RawEvidence> get_report(const std::array<std::uint8_t, 64>& report_data) override {
    sim::SimReportFields fields = fields_;
    fields.report_data = report_data;
    auto report = sim::write_report(fields);
    if (!report) return make_error("sim backend: " + report.message());
    if (auto s = sim::sign_report(*report, vcek_key_.get()); !s) {
      return make_error("sim backend: " + s.message());
    }
    return RawEvidence{std::move(*report), cert_table_};
  }

 private:
  const sim::SimReportFields fields_;
  const sim::EvpPkeyPtr vcek_key_;
  const Bytes cert_table_;
};

}  // namespace

Result<std::unique_ptr<ReportBackend>> make_sim_backend(SimBackendConfig config) {
  sim::SimReportFields& fields = config.fields;
  // Refuse a configuration the writer would refuse, now rather than on the first request.
  if (auto probe = sim::write_report(fields); !probe) {
    return make_error("sim backend: " + probe.message());
  }
  std::error_code ec;
  if (config.create_ca_if_missing &&
      !std::filesystem::exists(config.ca_dir / sim::kArkCertFile, ec)) {
    if (auto made = sim::create_sim_ca(config.ca_dir, product_name(fields.product)); !made) {
      return make_error("sim backend: creating the sim CA: " + made.message());
    }
  }
  auto ca = sim::load_sim_ca(config.ca_dir, fields.product);
  if (!ca) {
    return make_error("sim backend: loading the sim CA from [sim] ca_dir: " + ca.message());
  }
  auto vcek = sim::issue_vcek(*ca, fields.chip_id, fields.reported_tcb);
  if (!vcek) return make_error("sim backend: issuing the VCEK: " + vcek.message());
  auto ask_der = sim::certificate_der(ca->ask.get());
  if (!ask_der) return ask_der.error();
  auto ark_der = sim::certificate_der(ca->ark.get());
  if (!ark_der) return ark_der.error();
  if (!config.report_id_given) {
    // Real firmware gives each guest its own REPORT_ID; so does each sim backend instance.
    const Bytes id = crypto::random_bytes(fields.report_id.size());
    std::copy(id.begin(), id.end(), fields.report_id.begin());
  }
  Bytes table = sim::write_sim_cert_table(vcek->der, *ask_der, *ark_der);
  return std::unique_ptr<ReportBackend>(
      std::make_unique<SimBackend>(std::move(fields), std::move(vcek->key), std::move(table)));
}

}  // namespace cchost::snp
