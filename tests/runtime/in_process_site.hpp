#pragma once
// In-process participants for the replay test and bench_runtime: a PluginAttestor built from a
// provisioned kit's real plugin (snp_authorizer.so through the real PluginLoader, pinned by its
// SHA-256), under any participant name and CURVE key, plus an Attestor decorator that adds up
// the CPU time spent verifying.
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "cchost/attest/plugin_attestor.hpp"
#include "cchost/kit/kit.hpp"
#include "cchost/result.hpp"

namespace cchost::runtime_test {

// What every in-process participant reuses from one provisioned kit.
struct AuthorizerTemplate {
  std::filesystem::path plugin;   // <kit>/plugins/snp_authorizer.so
  std::string sha256;
  std::string config_toml;        // kit-relative paths made absolute (see make_authorizer_template)
  std::filesystem::path trust_dir;
};

Result<AuthorizerTemplate> make_authorizer_template(const kit::Kit& kit);

// The template's plugin through the real PluginLoader (its own loader: one namespace per loader).
Result<std::shared_ptr<plugin::Authorizer>> load_authorizer(const AuthorizerTemplate& t);

// A PluginAttestor for `name` with raw 32-byte `identity_key` and the policy in `policy_file`.
Result<std::unique_ptr<attest::PluginAttestor>> make_attestor(const AuthorizerTemplate& t, const std::string& name,
                                                              const Bytes& identity_key,
                                                              const std::filesystem::path& policy_file);

// Forwards to another Attestor and sums the calling thread's CPU time inside appraise().
class TimedAttestor : public attest::Attestor {
 public:
  explicit TimedAttestor(attest::Attestor& inner) : inner_(inner) {}
  Result<attest::EvidenceBundle> produce(ByteView nonce, ByteView job_key = {}) override;
  attest::Appraisal appraise(const attest::AppraisalRequest& request) override;
  attest::FailurePolicy failure_policy() const override { return inner_.failure_policy(); }

  static std::atomic<std::int64_t> appraise_cpu_ns;  // every TimedAttestor, all threads
  static std::atomic<std::int64_t> appraise_calls;
  static std::atomic<std::int64_t> produce_cpu_ns;

 private:
  attest::Attestor& inner_;
};

}  // namespace cchost::runtime_test
