#pragma once
// Header-only builder for the claims JSON of authorizer.h ("cchost.claims/v2").
// Depends on the standard library only, so third-party plugins need nothing else.
#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cchost::sdk {

// JSON string literal of `s` (quotes and escapes included).
inline std::string json_quote(std::string_view s) {
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

// The claims of one device the evidence covers: {class, index, id, claims}.
class ClaimRecord {
 public:
  ClaimRecord(std::string cls, std::uint32_t index, std::string id)
      : class_(std::move(cls)), index_(index), id_(std::move(id)) {}

  void add_bool(const std::string& name, bool v) { put(name, "bool", v ? "true" : "false"); }
  void add_int(const std::string& name, std::int64_t v) { put(name, "int", std::to_string(v)); }
  void add_string(const std::string& name, std::string_view v) { put(name, "string", json_quote(v)); }
  void add_hex(const std::string& name, const std::uint8_t* data, std::size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    s.reserve(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
      s += digits[data[i] >> 4];
      s += digits[data[i] & 0xF];
    }
    put(name, "hex", json_quote(s));
  }
  void add_hex(const std::string& name, const std::vector<std::uint8_t>& v) {
    add_hex(name, v.data(), v.size());
  }
  void add_version(const std::string& name, std::string_view dotted) {
    put(name, "version", json_quote(dotted));
  }

  std::string to_json() const {
    std::string out = "{\"class\":" + json_quote(class_) + ",\"index\":" + std::to_string(index_) +
                      ",\"id\":" + json_quote(id_) + ",\"claims\":{";
    bool first = true;
    for (const auto& [name, typed] : claims_) {
      if (!first) out += ',';
      first = false;
      out += json_quote(name) + ":{\"type\":\"" + typed.first + "\",\"value\":" + typed.second + "}";
    }
    return out + "}}";
  }

 private:
  void put(const std::string& name, const char* type, std::string json_value) {
    claims_[name] = {type, std::move(json_value)};
  }

  std::string class_;
  std::uint32_t index_;
  std::string id_;
  std::map<std::string, std::pair<std::string, std::string>> claims_;  // sorted: deterministic
};

// The verify() output ("cchost.claims/v2"): namespace, simulated, issued_at and the records.
// For single-device evidence the add_* shortcuts fill one record of class `single_class`.
class ClaimSet {
 public:
  explicit ClaimSet(std::string ns, std::string single_class = "device")
      : ns_(std::move(ns)), single_class_(std::move(single_class)) {}

  void set_simulated(bool simulated) { simulated_ = simulated; }
  void set_issued_at(std::int64_t t) { issued_at_ = t; }

  // A new record; indexes are the caller's (0-based within its class).
  ClaimRecord& add_record(std::string cls, std::uint32_t index, std::string id) {
    records_.emplace_back(std::move(cls), index, std::move(id));
    return records_.back();
  }

  void add_bool(const std::string& name, bool v) { single().add_bool(name, v); }
  void add_int(const std::string& name, std::int64_t v) { single().add_int(name, v); }
  void add_string(const std::string& name, std::string_view v) { single().add_string(name, v); }
  void add_hex(const std::string& name, const std::uint8_t* data, std::size_t n) { single().add_hex(name, data, n); }
  void add_hex(const std::string& name, const std::vector<std::uint8_t>& v) { single().add_hex(name, v); }
  void add_version(const std::string& name, std::string_view dotted) { single().add_version(name, dotted); }

  std::string to_json() const {
    std::string out = "{\"schema\":\"cchost.claims/v2\",\"namespace\":" + json_quote(ns_) +
                      ",\"simulated\":" + (simulated_ ? "true" : "false") + ",\"issued_at\":" +
                      (issued_at_ ? std::to_string(*issued_at_) : "null") + ",\"records\":[";
    for (std::size_t i = 0; i < records_.size(); ++i) {
      if (i) out += ',';
      out += records_[i].to_json();
    }
    return out + "]}";
  }

  static std::string quote(std::string_view s) { return json_quote(s); }

 private:
  ClaimRecord& single() {
    if (records_.empty()) records_.emplace_back(single_class_, 0, "");
    return records_.front();
  }

  std::string ns_;
  std::string single_class_;
  bool simulated_ = false;
  std::optional<std::int64_t> issued_at_;
  std::deque<ClaimRecord> records_;  // deque: add_record() references stay valid
};

}  // namespace cchost::sdk
