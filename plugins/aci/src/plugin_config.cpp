// Strict parsing with the verification kit's reader: a typo in a security setting must not fall
// back to a default silently (DESIGN.md: configs never ignore what they do not understand).
#include "plugin_config.hpp"

#include <filesystem>
#include <stdexcept>

#include "cchost/verify/strict_toml.hpp"

namespace cchost::aci {
namespace {

constexpr const char* kContext = "x-az-aci config";

[[noreturn]] void bad(const std::string& message) { throw std::invalid_argument(message); }

template <class T>
T checked(Result<T> r) {
  if (!r) bad(r.message());
  return std::move(*r);
}

void parse_sim_table(const toml::table& table, AciPluginConfig& cfg) {
  vkit::StrictTable t(table, std::string(kContext) + " [sim]");
  cfg.sim_ca_dir = checked(t.string("ca_dir")).value_or("");
  if (auto host_data = checked(t.hex("host_data", {32}))) cfg.sim_guest.host_data = *host_data;
  cfg.sim_guest.debuggable = checked(t.boolean("debuggable")).value_or(false);
  cfg.sim_guest.uvm_svn = checked(t.integer("uvm_svn", 0, 0xFFFFFFFFll)).value_or(101);
  if (auto done = t.finish(); !done) bad(done.message());
}

void resolve_paths(toml::table& table, const std::string& base) {
  if (base.empty()) return;
  if (auto* file = table["security_policy_file"].as_string()) {
    if (!file->get().empty() && file->get().front() != '/') {
      *file = (std::filesystem::path(base) / file->get()).lexically_normal().string();
    }
  }
  if (auto* sim = table["sim"].as_table()) {
    if (auto* dir = (*sim)["ca_dir"].as_string()) {
      if (!dir->get().empty() && dir->get().front() != '/') {
        *dir = (std::filesystem::path(base) / dir->get()).lexically_normal().string();
      }
    }
  }
}

std::vector<crypto::JwsAlg> parse_algs(const toml::array& arr) {
  std::vector<crypto::JwsAlg> algs;
  for (const auto& item : arr) {
    auto name = item.value<std::string>();
    // ES* are not on the list: MAA signs with RSA only (NOTES §2), and a verifier that accepts
    // more algorithms than its issuer uses only widens what an attacker may try.
    if (!name || (*name != "RS256" && *name != "PS256")) {
      bad(std::string(kContext) + " allowed_algs: expected \"RS256\" or \"PS256\", got " +
          (name ? "\"" + *name + "\"" : vkit::toml_type_name(item)));
    }
    algs.push_back(*name == "RS256" ? crypto::JwsAlg::RS256 : crypto::JwsAlg::PS256);
  }
  if (algs.empty()) bad(std::string(kContext) + " allowed_algs: must not be empty");
  return algs;
}

}  // namespace

AciPluginConfig parse_plugin_config(const std::string& text, const std::string& base_dir) {
  AciPluginConfig cfg;
  toml::table table = checked(vkit::parse_toml(text, kContext));
  resolve_paths(table, base_dir);
  vkit::StrictTable t(table, kContext);
  if (const toml::array* algs = checked(t.array("allowed_algs"))) cfg.allowed_algs = parse_algs(*algs);
  cfg.min_rsa_bits = static_cast<int>(checked(t.integer("min_rsa_bits", 1024, 16384)).value_or(2048));
  cfg.clock_skew = checked(t.integer("clock_skew", 0, 300)).value_or(60);
  if (auto backend = checked(t.string("backend"))) {
    if (*backend != "sidecar" && *backend != "sim") {
      bad(std::string(kContext) + " backend: expected sidecar or sim, got \"" + *backend + "\"");
    }
    cfg.backend = *backend;
  }
  if (auto evidence = checked(t.string("evidence"))) {
    if (*evidence != "maa" && *evidence != "raw") {
      bad(std::string(kContext) + " evidence: expected maa or raw, got \"" + *evidence + "\"");
    }
    cfg.evidence = *evidence;
  }
  cfg.sidecar_port = checked(t.integer("sidecar_port", 1, 65535)).value_or(8080);
  cfg.maa_endpoint = checked(t.string("maa_endpoint")).value_or("");
  cfg.timeout_ms = checked(t.integer("timeout_ms", 100, 120000)).value_or(10000);
  cfg.security_policy_file = checked(t.string("security_policy_file")).value_or("");
  if (const toml::table* sim = checked(t.table("sim"))) parse_sim_table(*sim, cfg);
  if (auto done = t.finish(); !done) bad(done.message());
  return cfg;
}

}  // namespace cchost::aci
