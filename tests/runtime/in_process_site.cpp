#include "in_process_site.hpp"

#include <time.h>

#include "cchost/attest/catalog.hpp"
#include "cchost/plugin/loader.hpp"
#include "cchost/policy/loader.hpp"

namespace cchost::runtime_test {
namespace {

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::int64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace

std::atomic<std::int64_t> TimedAttestor::appraise_cpu_ns{0};
std::atomic<std::int64_t> TimedAttestor::appraise_calls{0};
std::atomic<std::int64_t> TimedAttestor::produce_cpu_ns{0};

Result<AuthorizerTemplate> make_authorizer_template(const kit::Kit& kit) {
  if (kit.authorizers.size() != 1) return make_error("expected one authorizer in kit " + kit.dir.string());
  const auto& a = kit.authorizers.front();
  // `cchost run` enters the kit folder so that the plugin resolves its kit-relative paths
  // (provision/README.md); many participants in one process share one working directory, so
  // the two kit-relative roots a sim config names are made absolute instead.
  std::string config = replace_all(a.config_toml, "\"trust/", "\"" + (kit.dir / "trust").string() + "/");
  config = replace_all(config, "\"sim/", "\"" + (kit.dir / "sim").string() + "/");
  return AuthorizerTemplate{a.plugin_path, a.sha256, config, kit.trust_dir};
}

Result<std::shared_ptr<plugin::Authorizer>> load_authorizer(const AuthorizerTemplate& t) {
  plugin::PluginLoader loader(t.plugin.parent_path());  // one loader each: a namespace per loader
  plugin::HostServices services;
  services.collateral_dir = t.trust_dir / "x-snp";  // the kit's trust/<ns>/ (ABI 2 host services)
  auto authorizer = loader.load(t.plugin, t.config_toml, t.sha256, services);
  if (!authorizer) return make_error("load " + t.plugin.string() + ": " + authorizer.message());
  return std::shared_ptr<plugin::Authorizer>(std::move(*authorizer));
}

Result<std::unique_ptr<attest::PluginAttestor>> make_attestor(const AuthorizerTemplate& t, const std::string& name,
                                                              const Bytes& identity_key,
                                                              const std::filesystem::path& policy_file) {
  auto authorizer = load_authorizer(t);
  if (!authorizer) return authorizer.error();
  auto catalog = attest::catalog_of(std::vector<std::shared_ptr<plugin::Authorizer>>{*authorizer});
  if (!catalog) return catalog.error();
  auto loaded = policy::load_policy_file(policy_file.string(), *catalog);
  if (!loaded.ok()) return make_error("policy " + policy_file.string() + " has errors");
  attest::PluginAttestorConfig config;
  config.name = name;
  config.identity_key = identity_key;
  config.authorizers = {*authorizer};
  config.policy = std::make_shared<const policy::Policy>(std::move(*loaded.policy));
  return std::make_unique<attest::PluginAttestor>(std::move(config));
}

Result<attest::EvidenceBundle> TimedAttestor::produce(ByteView nonce, ByteView job_key) {
  const auto start = thread_cpu_ns();
  auto out = inner_.produce(nonce, job_key);
  produce_cpu_ns += thread_cpu_ns() - start;
  return out;
}

attest::Appraisal TimedAttestor::appraise(const attest::AppraisalRequest& request) {
  const auto start = thread_cpu_ns();
  auto out = inner_.appraise(request);
  appraise_cpu_ns += thread_cpu_ns() - start;
  appraise_calls += 1;
  return out;
}

}  // namespace cchost::runtime_test
