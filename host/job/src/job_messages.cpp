// Strict schemas of the job messages (job_messages.hpp). A reader takes what a message must
// hold field by field and, at the end, refuses any key it was not asked for; the first
// problem is reported with the message type and the field's path.
#include "job_messages.hpp"

#include <set>

#include "cchost/attest/binding.hpp"

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hpke.hpp"
#include "cchost/job/job_spec.hpp"

namespace cchost::job {
namespace {

const char* json_kind(const nlohmann::json& j) { return j.type_name(); }

class FieldReader {
 public:
  FieldReader(const nlohmann::json& object, std::string path) : object_(object), path_(std::move(path)) {
    if (!object_.is_object()) fail(path_ + " must be an object, got " + json_kind(object_));
  }

  const nlohmann::json* field(const std::string& key) {
    if (!error_.empty()) return nullptr;
    seen_.insert(key);
    auto it = object_.find(key);
    if (it == object_.end()) {
      fail(where(key) + " is missing");
      return nullptr;
    }
    return &*it;
  }
  bool has(const std::string& key) const { return error_.empty() && object_.is_object() && object_.contains(key); }

  std::string string(const std::string& key, std::size_t max_length = 1024) {
    const auto* j = field(key);
    if (!j) return {};
    if (!j->is_string()) {
      fail(where(key) + " must be a string, got " + json_kind(*j));
      return {};
    }
    const auto& s = j->get_ref<const std::string&>();
    if (s.size() > max_length) fail(where(key) + " is longer than " + std::to_string(max_length) + " characters");
    return s;
  }
  bool boolean(const std::string& key) {
    const auto* j = field(key);
    if (!j) return false;
    if (!j->is_boolean()) {
      fail(where(key) + " must be a boolean, got " + json_kind(*j));
      return false;
    }
    return j->get<bool>();
  }
  std::int64_t integer(const std::string& key, std::int64_t min, std::int64_t max) {
    const auto* j = field(key);
    if (!j) return 0;
    if (!j->is_number_integer()) return fail(where(key) + " must be an integer, got " + json_kind(*j)), 0;
    const auto v = j->get<std::int64_t>();
    if (v < min || v > max) {
      return fail(where(key) + " must be in " + std::to_string(min) + ".." + std::to_string(max) + ", got " +
                  std::to_string(v)), 0;
    }
    return v;
  }
  Bytes hex(const std::string& key, std::size_t size) {
    const std::string text = string(key, 2 * size);
    if (!error_.empty()) return {};
    auto bytes = crypto::hex_decode(text);
    if (!bytes || bytes->size() != size) {
      fail(where(key) + " must be " + std::to_string(size) + " bytes of hex");
      return {};
    }
    return *bytes;
  }
  std::string job_id(const std::string& key = "job_id") {
    std::string id = string(key, 64);
    if (error_.empty() && !is_valid_job_id(id)) fail(where(key) + " is not a valid job id");
    return id;
  }
  const nlohmann::json* object(const std::string& key, std::size_t max_entries) {
    const auto* j = field(key);
    if (!j) return nullptr;
    if (!j->is_object()) return fail(where(key) + " must be an object, got " + json_kind(*j)), nullptr;
    if (j->size() > max_entries) return fail(where(key) + " has more than " + std::to_string(max_entries) + " entries"), nullptr;
    return j;
  }
  const nlohmann::json* array(const std::string& key, std::size_t max_entries) {
    const auto* j = field(key);
    if (!j) return nullptr;
    if (!j->is_array()) return fail(where(key) + " must be an array, got " + json_kind(*j)), nullptr;
    if (j->size() > max_entries) return fail(where(key) + " has more than " + std::to_string(max_entries) + " entries"), nullptr;
    return j;
  }
  std::vector<std::string> rule_ids(const std::string& key) {
    std::vector<std::string> out;
    const auto* a = array(key, kMaxRuleIdsPerVote);
    if (!a) return out;
    for (std::size_t i = 0; i < a->size(); ++i) {
      const auto& item = (*a)[i];
      if (!item.is_string() || item.get_ref<const std::string&>().size() > kMaxRuleIdLength) {
        fail(where(key) + "[" + std::to_string(i) + "] must be a string of at most " + std::to_string(kMaxRuleIdLength) +
             " characters");
        return {};
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }
  Contributions contributions(const std::string& key) {
    Contributions out;
    const auto* o = object(key, kMaxJobParticipants);
    if (!o) return out;
    FieldReader inner(*o, where(key));
    for (const auto& [name, unused] : o->items()) {
      Bytes c = inner.hex(name, kContributionSize);
      if (!inner.ok()) break;
      out[name] = std::move(c);
    }
    if (!inner.ok()) fail(inner.error_);
    if (error_.empty() && out.empty()) fail(where(key) + " is empty");
    return out;
  }

  std::string where(const std::string& key) const { return path_ + "." + key; }
  void fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
  }
  bool ok() const { return error_.empty(); }
  // The first problem, or an unknown key: a schema lists every field a message may hold.
  Status finish() {
    if (error_.empty() && object_.is_object())
      for (const auto& [key, unused] : object_.items())
        if (!seen_.count(key)) {
          fail(where(key) + " is not a field of this message");
          break;
        }
    if (!error_.empty()) return make_error(error_);
    return {};
  }

 private:
  const nlohmann::json& object_;
  std::string path_;
  std::set<std::string> seen_;
  std::string error_;
};

// `m` must be of `type` (replies arrive by corr, so a site could answer with anything).
Status expect_type(const net::Message& m, const char* type) {
  if (m.type != type) return make_error(std::string("expected a '") + type + "' message, got '" + m.type + "'");
  return {};
}

Status expect_blobs(const net::Message& m, std::size_t count) {
  if (m.blobs.size() != count)
    return make_error(m.type + ": expected " + std::to_string(count) + " binary frame(s), got " + std::to_string(m.blobs.size()));
  return {};
}

}  // namespace

nlohmann::json contributions_json(const Contributions& contributions) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, c] : contributions) out[name] = crypto::hex_encode(c);
  return out;
}

Result<StatusRequest> parse_status_request(const net::Message& m) {
  if (auto st = expect_type(m, "status"); !st) return st.error();
  if (auto st = expect_blobs(m, 0); !st) return st.error();
  FieldReader r(m.body, m.type);
  StatusRequest out;
  if (r.has("job_id")) out.job_id = r.string("job_id", 64);
  if (auto st = r.finish(); !st) return st.error();
  return out;
}

Result<Heartbeat> parse_heartbeat(const net::Message& m) {
  if (auto st = expect_type(m, "heartbeat"); !st) return st.error();
  if (auto st = expect_blobs(m, 0); !st) return st.error();
  FieldReader r(m.body, m.type);
  Heartbeat out;
  // The head's own fields are checked where it is kept (audit/head_receiver.hpp).
  if (r.has("audit_head")) {
    if (const auto* head = r.object("audit_head", 16)) out.audit_head = *head;
  }
  if (r.has("interval_ms")) out.interval = std::chrono::milliseconds(r.integer("interval_ms", 50, 3600000));
  if (auto st = r.finish(); !st) return st.error();
  return out;
}

Result<AbortRequest> parse_abort(const net::Message& m) {
  if (auto st = expect_type(m, "abort"); !st) return st.error();
  if (auto st = expect_blobs(m, 0); !st) return st.error();
  FieldReader r(m.body, m.type);
  AbortRequest out;
  out.job_id = r.job_id();
  if (r.has("reason")) out.reason = r.string("reason", 256);
  if (auto st = r.finish(); !st) return st.error();
  return out;
}

Result<AdminShutdownRequest> parse_admin_shutdown(const net::Message& m) {
  if (auto st = expect_type(m, "server.shutdown"); !st) return st.error();
  if (auto st = expect_blobs(m, 0); !st) return st.error();
  FieldReader r(m.body, m.type);
  AdminShutdownRequest out;
  if (r.has("reason")) out.reason = r.string("reason", 256);
  if (auto st = r.finish(); !st) return st.error();
  return out;
}

Result<SubmitRequest> parse_submit(const net::Message& m) {
  if (auto st = expect_type(m, "submit"); !st) return st.error();
  if (m.blobs.size() > 1) return make_error("submit: a job carries at most one payload");
  FieldReader r(m.body, m.type);
  SubmitRequest out{r.string("spec_toml", kMaxSpecTomlBytes)};
  if (auto st = r.finish(); !st) return st.error();
  return out;
}

Result<ContributeRequest> parse_contribute(const net::Message& m) {
  if (auto st = expect_type(m, "contribute"); !st) return st.error();
  if (auto st = expect_blobs(m, 0); !st) return st.error();
  FieldReader r(m.body, m.type);
  ContributeRequest out{r.job_id()};
  if (auto st = r.finish(); !st) return st.error();
  return out;
}

Result<ContributionReply> parse_contribution(const net::Message& m) {
  if (auto st = expect_type(m, "contribution"); !st) return st.error();
  if (auto st = expect_blobs(m, 0); !st) return st.error();
  FieldReader r(m.body, m.type);
  ContributionReply out;
  out.job_id = r.job_id();
  out.contribution = r.hex("contribution", kContributionSize);
  if (auto st = r.finish(); !st) return st.error();
  return out;
}

Result<Challenge> parse_challenge(const net::Message& m) {
  if (auto st = expect_type(m, "challenge"); !st) return st.error();
  if (auto st = expect_blobs(m, 0); !st) return st.error();
  FieldReader r(m.body, m.type);
  const std::string purpose = r.string("purpose", 16);
  if (r.ok() && purpose == "reattest") {
    ReattestChallenge out{r.hex("nonce", attest::kNonceSize)};
    if (auto st = r.finish(); !st) return st.error();
    return Challenge{std::move(out)};
  }
  if (r.ok() && purpose != "job") r.fail("challenge.purpose must be \"job\" or \"reattest\", got \"" + purpose + "\"");
  JobChallenge out;
  out.job_id = r.job_id();
  out.nonce = r.hex("nonce", attest::kNonceSize);
  out.contributions = r.contributions("contributions");
  if (auto st = r.finish(); !st) return st.error();
  return Challenge{std::move(out)};
}

Result<EvidenceReply> parse_evidence(const net::Message& m) {
  if (auto st = expect_type(m, "evidence"); !st) return st.error();
  FieldReader r(m.body, m.type);
  const auto* header = r.object("bundle", 16);
  if (auto st = r.finish(); !st) return st.error();
  auto bundle = attest::bundle_from_wire(*header, m.blobs);
  if (!bundle) return make_error("evidence.bundle: " + bundle.message());
  return EvidenceReply{std::move(*bundle)};
}

Result<PeerVerifyRequest> parse_peer_verify(const net::Message& m) {
  if (auto st = expect_type(m, "peer_verify"); !st) return st.error();
  FieldReader r(m.body, m.type);
  PeerVerifyRequest out;
  out.job_id = r.job_id();
  out.contributions = r.contributions("contributions");
  const auto* headers = r.array("bundles", kMaxJobParticipants);
  if (auto st = r.finish(); !st) return st.error();
  std::size_t blob_index = 0;
  for (std::size_t i = 0; i < headers->size(); ++i) {
    const auto& header = (*headers)[i];
    const std::string where = "peer_verify.bundles[" + std::to_string(i) + "]";
    if (!header.is_object() || !header.contains("namespaces") || !header["namespaces"].is_array())
      return make_error(where + " must be a bundle header with a 'namespaces' array");
    const auto count = header["namespaces"].size();
    if (blob_index + count > m.blobs.size())
      return make_error(where + " names " + std::to_string(count) + " token(s) but only " +
                        std::to_string(m.blobs.size() - blob_index) + " binary frame(s) remain");
    std::vector<Bytes> blobs(m.blobs.begin() + static_cast<std::ptrdiff_t>(blob_index),
                             m.blobs.begin() + static_cast<std::ptrdiff_t>(blob_index + count));
    blob_index += count;
    auto bundle = attest::bundle_from_wire(header, blobs);
    if (!bundle) return make_error(where + ": " + bundle.message());
    out.bundles.push_back(std::move(*bundle));
  }
  if (blob_index != m.blobs.size())
    return make_error("peer_verify: " + std::to_string(m.blobs.size() - blob_index) + " binary frame(s) belong to no bundle");
  return out;
}

Result<VoteReply> parse_vote(const net::Message& m) {
  if (auto st = expect_type(m, "vote"); !st) return st.error();
  if (auto st = expect_blobs(m, 0); !st) return st.error();
  FieldReader r(m.body, m.type);
  VoteReply out;
  out.job_id = r.job_id();
  const auto* votes = r.object("votes", kMaxJobParticipants);
  if (auto st = r.finish(); !st) return st.error();
  for (const auto& [peer, entry] : votes->items()) {
    FieldReader v(entry, "vote.votes." + peer);
    PeerVote vote;
    vote.accept = v.boolean("accept");
    vote.failed = v.rule_ids("failed");
    if (auto st = v.finish(); !st) return st.error();
    out.votes[peer] = std::move(vote);
  }
  return out;
}

Result<DeployRequest> parse_deploy(const net::Message& m) {
  if (auto st = expect_type(m, "deploy"); !st) return st.error();
  if (auto st = expect_blobs(m, 1); !st) return st.error();
  FieldReader r(m.body, m.type);
  DeployRequest out;
  out.job_id = r.job_id();
  out.payload_sha256 = crypto::hex_encode(r.hex("payload_sha256", 32));
  out.enc = r.hex("enc", crypto::hpke::kEncSize);
  if (auto st = r.finish(); !st) return st.error();
  if (m.blobs[0].size() < crypto::hpke::kTagSize)
    return make_error("deploy: the sealed payload is " + std::to_string(m.blobs[0].size()) +
                      " bytes, shorter than its " + std::to_string(crypto::hpke::kTagSize) + "-byte tag");
  out.ciphertext = m.blobs[0];
  return out;
}

Result<DeployAck> parse_deploy_ack(const net::Message& m) {
  if (auto st = expect_type(m, "ack"); !st) return st.error();
  if (auto st = expect_blobs(m, 0); !st) return st.error();
  FieldReader r(m.body, m.type);
  DeployAck out;
  out.job_id = r.job_id();
  out.stored = r.string("stored");
  out.payload_sha256 = crypto::hex_encode(r.hex("payload_sha256", 32));
  const auto* receipt = r.object("receipt", 16);
  if (auto st = r.finish(); !st) return st.error();
  auto parsed = receipt_from_json(*receipt, "ack.receipt");
  if (!parsed) return parsed.error();
  out.receipt = std::move(*parsed);
  return out;
}

Result<ShutdownRequest> parse_shutdown(const net::Message& m) {
  if (auto st = expect_type(m, "shutdown"); !st) return st.error();
  FieldReader r(m.body, m.type);
  ShutdownRequest out;
  out.reason = r.string("reason");
  if (r.has("failed")) out.failed = r.rule_ids("failed");
  if (auto st = r.finish(); !st) return st.error();
  return out;
}

}  // namespace cchost::job
