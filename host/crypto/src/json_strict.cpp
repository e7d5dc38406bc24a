#include "json_strict.hpp"

#include <set>
#include <string>
#include <vector>

namespace cchost::crypto::detail {

Result<nlohmann::json> parse_json_object(std::string_view text, std::string_view what) {
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  int max_depth = 0;
  auto callback = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
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
  nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), callback,
                                             /*allow_exceptions=*/false);
  if (doc.is_discarded()) return make_error(std::string(what) + ": not valid JSON");
  if (!doc.is_object()) {
    return make_error(std::string(what) + ": expected a JSON object, got " + doc.type_name());
  }
  if (!duplicate.empty()) {
    return make_error(std::string(what) + ": duplicate member \"" + duplicate.substr(0, 64) +
                      "\"");
  }
  return doc;
}

}  // namespace cchost::crypto::detail
