#pragma once
// Header-only builder for the claims JSON of authorizer.h ("cchost.claims/v1").
// Depends on the standard library only, so third-party plugins need nothing else.
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cchost::sdk {

class ClaimSet {
 public:
  explicit ClaimSet(std::string ns) : ns_(std::move(ns)) {}

  void set_simulated(bool simulated) { simulated_ = simulated; }
  void set_issued_at(std::int64_t t) { issued_at_ = t; }

  void add_bool(const std::string& name, bool v) { put(name, "bool", v ? "true" : "false"); }
  void add_int(const std::string& name, std::int64_t v) { put(name, "int", std::to_string(v)); }
  void add_string(const std::string& name, std::string_view v) { put(name, "string", quote(v)); }
  void add_hex(const std::string& name, const std::uint8_t* data, std::size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    s.reserve(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
      s += digits[data[i] >> 4];
      s += digits[data[i] & 0xF];
    }
    put(name, "hex", quote(s));
  }
  void add_hex(const std::string& name, const std::vector<std::uint8_t>& v) {
    add_hex(name, v.data(), v.size());
  }
  void add_version(const std::string& name, std::string_view dotted) {
    put(name, "version", quote(dotted));
  }

  std::string to_json() const {
    std::string out = "{\"schema\":\"cchost.claims/v1\",\"namespace\":" + quote(ns_) +
                      ",\"simulated\":" + (simulated_ ? "true" : "false") + ",\"issued_at\":" +
                      (issued_at_ ? std::to_string(*issued_at_) : "null") + ",\"claims\":{";
    bool first = true;
    for (const auto& [name, typed] : claims_) {
      if (!first) out += ',';
      first = false;
      out += quote(name) + ":{\"type\":\"" + typed.first + "\",\"value\":" + typed.second + "}";
    }
    return out + "}}";
  }

  static std::string quote(std::string_view s) {
    std::string out = "\"";
    for (unsigned char c : s) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out += static_cast<char>(c);
          }
      }
    }
    return out + "\"";
  }

 private:
  void put(const std::string& name, const char* type, std::string json_value) {
    claims_[name] = {type, std::move(json_value)};
  }

  std::string ns_;
  bool simulated_ = false;
  std::optional<std::int64_t> issued_at_;
  std::map<std::string, std::pair<std::string, std::string>> claims_;  // sorted: deterministic
};

}  // namespace cchost::sdk
