#include "ear_json.hpp"

#include <set>
#include <string>
#include <vector>

namespace cchost::ear::detail {
namespace {

// Nesting depth outside strings, before the parser sees the text: nlohmann's parser is
// iterative, but the depth bound keeps what later code walks small and predictable.
int max_depth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') deepest = std::max(deepest, ++depth);
    else if (c == '}' || c == ']') --depth;
  }
  return deepest;
}

}  // namespace

Result<nlohmann::json> parse_strict_object(std::string_view text, std::string_view what) {
  const std::string name(what);
  if (const int depth = max_depth(text); depth > kMaxJsonDepth)
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
