#pragma once
// How deeply JSON text nests, counted outside strings before any parser sees it: untrusted
// documents are refused above a small bound, so what later code walks stays small and
// predictable. Malformed text gets a number too (the parser then refuses it).
#include <algorithm>
#include <cstddef>
#include <string_view>

namespace cchost {

inline std::size_t json_nesting_depth(std::string_view text) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') deepest = std::max(deepest, ++depth);
    else if ((c == ']' || c == '}') && depth > 0) --depth;
  }
  return deepest;
}

}  // namespace cchost
