#include "json_strict.hpp"

#include <set>
#include <string>
#include <vector>

namespace cchost::aci {

Result<Json> parse_json_object(std::string_view text, std::string_view what) {
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  int max_depth = 0;
  auto callback = [&](int depth, Json::parse_event_t event, Json& parsed) {
    using Event = Json::parse_event_t;
    max_depth = std::max(max_depth, depth);
    if (event == Event::object_start) {
      open_objects.emplace_back();
    } else if (event == Event::object_end) {
      if (!open_objects.empty()) open_objects.pop_back();
    } else if (event == Event::key && !open_objects.empty() && parsed.is_string()) {
      if (!open_objects.back().insert(parsed.get<std::string>()).second && duplicate.empty()) {
        duplicate = parsed.get<std::string>();
      }
    }
    return true;
  };
  // nlohmann's lexer refuses ill-formed UTF-8, so a corrupted byte inside a string fails here.
  Json doc = Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return make_error(std::string(what) + ": not valid UTF-8 JSON");
  if (!doc.is_object()) {
    return make_error(std::string(what) + ": expected a JSON object, got " + doc.type_name());
  }
  if (!duplicate.empty()) {
    return make_error(std::string(what) + ": duplicate member \"" + duplicate.substr(0, 64) + "\"");
  }
  if (max_depth > kMaxJsonDepth) {
    return make_error(std::string(what) + ": nested " + std::to_string(max_depth) +
                      " levels deep, the limit is " + std::to_string(kMaxJsonDepth));
  }
  return doc;
}

std::string compact_json(const Json& value) {
  // Invalid UTF-8 cannot reach here (the parser refused it); `replace` keeps dump() from throwing
  // on values built in code.
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace cchost::aci
