#pragma once
// Shape checks for values that arrive signed from the wire or a file (the revocation list,
// receipts): checked again here, since the host/kit validators are not this library's.
#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cchost/result.hpp"

namespace cchost::job::wire {

inline bool is_lower_hex(const std::string& text, std::size_t size) {
  return text.size() == size && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// The names a kit gives participants (host/kit/names.cpp): 1..64 of [A-Za-z0-9._-], no
// leading dot.
inline bool is_participant_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

// Every key of object `v` is one of `allowed`; the error names the first that is not.
inline Status only_keys(const nlohmann::json& v, std::initializer_list<std::string_view> allowed,
                        const std::string& where) {
  for (const auto& [k, _] : v.items()) {
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
      return make_error(where + " has unknown field \"" + k.substr(0, 64) + "\"");
  }
  return {};
}

}  // namespace cchost::job::wire
