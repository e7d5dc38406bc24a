#include "config_check.hpp"

#include <algorithm>

namespace cchost::provision {
namespace {

const nlohmann::json* find_key(const nlohmann::json& schema, const std::string& key) {
  if (!schema.is_array()) return nullptr;
  for (const auto& entry : schema) {
    if (entry.is_object() && entry.value("key", "") == key) return &entry;
  }
  return nullptr;
}

std::string keys_of(const nlohmann::json& schema) {
  std::string out;
  for (const auto& entry : schema) out += (out.empty() ? "" : ", ") + entry.value("key", std::string("?"));
  return out.empty() ? "none" : out;
}

Status check_value(const std::string& where, const std::string& key, const toml::node& value, const nlohmann::json& def) {
  const std::string type = def.value("type", "");
  auto fail = [&](const std::string& why) { return make_error(where + ": config key '" + key + "': " + why); };
  if (type == "string" || type == "path") {
    if (!value.is_string()) return fail("expected a string");
    if (def.contains("choices") && def["choices"].is_array()) {
      const auto v = *value.value<std::string>();
      const auto& c = def["choices"];
      if (std::find(c.begin(), c.end(), v) == c.end()) return fail("\"" + v + "\" is not one of " + c.dump());
    }
  } else if (type == "bool") {
    if (!value.is_boolean()) return fail("expected true or false");
  } else if (type == "int") {
    if (!value.is_integer()) return fail("expected an integer");
    const auto v = *value.value<std::int64_t>();
    if (def.contains("min") && def["min"].is_number_integer() && v < def["min"].get<std::int64_t>()) return fail("below the minimum " + def["min"].dump());
    if (def.contains("max") && def["max"].is_number_integer() && v > def["max"].get<std::int64_t>()) return fail("above the maximum " + def["max"].dump());
  } else if (type == "path_list") {
    const toml::array* arr = value.as_array();
    if (arr == nullptr || !std::all_of(arr->begin(), arr->end(), [](const toml::node& n) { return n.is_string(); })) {
      return fail("expected an array of paths");
    }
  } else if (type == "table") {
    if (!value.is_table()) return fail("expected a table");
  }
  return {};
}

}  // namespace

bool schema_has_key(const nlohmann::json& schema, const std::string& key) { return find_key(schema, key) != nullptr; }

Status check_plugin_config(const AuthorizerSpec& spec, const nlohmann::json& schema) {
  auto check = [&](const std::string& key, const toml::node& value) -> Status {
    const nlohmann::json* def = find_key(schema, key);
    if (def == nullptr) {
      return make_error(spec.where + ": config key '" + key + "' is not one the plugin " + spec.plugin + " (" + spec.ns +
                        ") accepts (its keys: " + keys_of(schema) + "; see `cchost plugins describe " + spec.ns + "`)");
    }
    return check_value(spec.where, key, value, *def);
  };
  if (spec.backend_given) {
    if (auto s = check("backend", toml::value<std::string>(spec.backend)); !s) return s;
  }
  for (const auto& [key, value] : spec.args) {
    if (auto s = check(std::string(key.str()), value); !s) return s;
  }
  return {};
}

}  // namespace cchost::provision
