#include "ear_json.hpp"

#include "cchost/json_depth.hpp"

#include <set>
#include <string>
#include <vector>

namespace cchost::ear::detail {

Result<nlohmann::json> parse_strict_object(std::string_view text, std::string_view what) {
  const std::string name(what);
  if (const auto depth = json_nesting_depth(text); depth > static_cast<std::size_t>(kMaxJsonDepth))
    return make_error(name + ": nested " + std::to_string(depth) + " deep, at most " + std::to_string(kMaxJsonDepth));
  std::vector<std::set<std::string>> keys;  // one set per open object
  std::string duplicate;
  auto callback = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if (event == E::object_start) {
      keys.emplace_back();
    } else if (event == E::object_end) {
      if (!keys.empty()) keys.pop_back();
    } else if (event == E::key && !keys.empty() && parsed.is_string()) {
      if (!keys.back().insert(parsed.get<std::string>()).second && duplicate.empty())
        duplicate = parsed.get<std::string>();
    }
    return true;
  };
  auto value = nlohmann::json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/false);
  if (value.is_discarded()) return make_error(name + ": not valid JSON");
  if (!duplicate.empty()) return make_error(name + ": member \"" + duplicate + "\" appears twice");
  if (!value.is_object()) return make_error(name + ": expected a JSON object, got " + std::string(value.type_name()));
  return value;
}

}  // namespace cchost::ear::detail
