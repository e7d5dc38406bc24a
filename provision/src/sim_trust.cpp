#include "sim_trust.hpp"

#include "cchost/plugin/loader.hpp"
#include "file_io.hpp"

namespace fs = std::filesystem;

namespace cchost::provision {
namespace {

// A file name the plugin listed: a plain name, nothing that walks out of the folder.
Status check_name(const nlohmann::json& name, const std::string& ns) {
  if (!name.is_string() || name.get<std::string>().empty() || name.get<std::string>().find('/') != std::string::npos ||
      name.get<std::string>()[0] == '.') {
    return make_error("simulate: " + ns + " sim_provision listed a file that is not a plain name: " + name.dump());
  }
  return {};
}

Status check_answer(const nlohmann::json& a, const std::string& ns) {
  for (const char* list : {"trust", "secret"}) {
    if (!a.contains(list) || !a[list].is_array()) return make_error("simulate: " + ns + " sim_provision: missing array \"" + list + "\"");
    for (const auto& f : a[list]) {
      if (auto s = check_name(f, ns); !s) return s;
    }
  }
  for (const char* table : {"verifier_config", "prover_config"}) {
    if (a.contains(table) && !a[table].is_object()) return make_error("simulate: " + ns + " sim_provision: \"" + table + "\" is not an object");
  }
  return {};
}

}  // namespace

Status ensure_sim_ca(const StateStore& state, const std::string& ns, const fs::path& so) {
  const fs::path dir = state.sim_ca_dir(ns);
  if (fs::exists(dir / "sim.json")) return {};  // made on an earlier run: keep it
  if (auto s = make_dir(dir, 0700); !s) return s;
  auto answer = plugin::PluginLoader().sim_provision(so, dir);
  if (!answer) return make_error("simulate: " + answer.message());
  if (auto s = check_answer(*answer, ns); !s) return s;
  return write_file(dir / "sim.json", answer->dump(2) + "\n", kSecretMode);
}

Result<nlohmann::json> sim_answer(const StateStore& state, const std::string& ns) {
  auto text = read_file(state.sim_ca_dir(ns) / "sim.json");
  if (!text) return text.error();
  auto a = nlohmann::json::parse(*text, nullptr, false);
  if (a.is_discarded() || !a.is_object()) return make_error("simulate: " + ns + ": state sim.json is not a JSON object");
  if (auto s = check_answer(a, ns); !s) return s.error();
  return a;
}

Status copy_sim_trust(const StateStore& state, const std::string& ns, const fs::path& kit_dir) {
  auto a = sim_answer(state, ns);
  if (!a) return a.error();
  for (const auto& f : (*a)["trust"]) {
    const std::string name = f.get<std::string>();
    if (auto s = copy_file(state.sim_ca_dir(ns) / "trust" / name, kit_dir / "trust" / ns / name, kPublicMode); !s) return s;
  }
  return {};
}

Status copy_sim_ca(const StateStore& state, const std::string& ns, const fs::path& kit_dir) {
  auto a = sim_answer(state, ns);
  if (!a) return a.error();
  for (const auto& f : (*a)["secret"]) {
    const std::string name = f.get<std::string>();
    const unsigned mode = fs::path(name).extension() == ".key" ? kSecretMode : kPublicMode;
    if (auto s = copy_file(state.sim_ca_dir(ns) / "secret" / name, kit_dir / "sim" / ns / name, mode); !s) return s;
  }
  return {};
}

}  // namespace cchost::provision
