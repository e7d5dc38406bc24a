#pragma once
// "a, b, c" lists for messages. Appending piecewise also avoids GCC 12's -Wrestrict false
// positive on `const char* + std::string` at -O3 (GCC bug 105329).
#include <string>
#include <string_view>

namespace cchost::policy::detail {

// Appends `item`, preceded by ", " unless `list` is empty or ends with `opening`.
inline void append_item(std::string& list, std::string_view item, std::string_view opening = {}) {
  const bool first = list.empty() || (!opening.empty() && list.size() >= opening.size() &&
                                       std::string_view(list).substr(list.size() - opening.size()) == opening);
  if (!first) list += ", ";
  list += item;
}

}  // namespace cchost::policy::detail
