#include "raw_evidence.hpp"

#include "cchost/crypto/encoding.hpp"
#include "json_strict.hpp"

namespace cchost::aci {
namespace {

constexpr const char* kMembers[] = {"evidence", "endorsements", "uvm_endorsements", "endorsed_tcb", "runtime_data",
                                    "security_policy"};

Result<Bytes> b64_member(const Json& doc, const char* name, bool required, bool& present) {
  present = false;
  const auto it = doc.find(name);
  if (it == doc.end()) {
    if (required) return make_error(std::string("ACI raw evidence: \"") + name + "\" missing");
    return Bytes{};
  }
  if (!it->is_string()) return make_error(std::string("ACI raw evidence: \"") + name + "\" is not a string");
  auto bytes = crypto::base64_decode(it->get<std::string>());
  if (!bytes) return make_error(std::string("ACI raw evidence: \"") + name + "\": " + bytes.message());
  present = true;
  return bytes;
}

}  // namespace

Result<RawEvidence> parse_raw_evidence(std::string_view json) {
  if (json.size() > kMaxRawEvidenceSize) {
    return make_error("ACI raw evidence: " + std::to_string(json.size()) + " bytes, the limit is " +
                      std::to_string(kMaxRawEvidenceSize));
  }
  auto doc = parse_json_object(json, "ACI raw evidence");
  if (!doc) return doc.error();
  for (auto it = doc->begin(); it != doc->end(); ++it) {
    if (std::find(std::begin(kMembers), std::end(kMembers), it.key()) == std::end(kMembers)) {
      return make_error("ACI raw evidence: unknown member \"" + it.key().substr(0, 64) + "\"");
    }
  }
  RawEvidence out;
  bool present = false;
  auto report = b64_member(*doc, "evidence", true, present);
  if (!report) return report.error();
  out.report = std::move(*report);
  auto pems = b64_member(*doc, "endorsements", true, present);
  if (!pems) return pems.error();
  auto certs = crypto::Certificate::all_from_pem(std::string_view(reinterpret_cast<const char*>(pems->data()), pems->size()));
  if (!certs) return make_error("ACI raw evidence: \"endorsements\": " + certs.message());
  if (certs->empty() || certs->size() > 4) {
    return make_error("ACI raw evidence: \"endorsements\": expected 1..4 certificates (VCEK, ASK, ARK), got " +
                      std::to_string(certs->size()));
  }
  out.certificates = std::move(*certs);
  auto uvm = b64_member(*doc, "uvm_endorsements", true, present);
  if (!uvm) return uvm.error();
  out.uvm_endorsement = std::move(*uvm);
  auto runtime = b64_member(*doc, "runtime_data", false, present);
  if (!runtime) return runtime.error();
  if (present) out.runtime_data = std::move(*runtime);
  auto policy = b64_member(*doc, "security_policy", true, present);
  if (!policy) return policy.error();
  out.security_policy = std::move(*policy);
  if (auto tcb = doc->find("endorsed_tcb"); tcb != doc->end()) {
    if (!tcb->is_string() || tcb->get<std::string>().size() != 16) {
      return make_error("ACI raw evidence: \"endorsed_tcb\": expected 16 hex digits");
    }
    auto bytes = crypto::hex_decode(tcb->get<std::string>());
    if (!bytes) return make_error("ACI raw evidence: \"endorsed_tcb\": " + bytes.message());
    std::uint64_t v = 0;
    for (std::uint8_t b : *bytes) v = (v << 8) | b;  // tcbm is REPORTED_TCB written most significant byte first
    out.endorsed_tcb = v;
  }
  return out;
}

}  // namespace cchost::aci
