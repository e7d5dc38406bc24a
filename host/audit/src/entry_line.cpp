#include "entry_line.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "cchost/audit/audit_format.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"

namespace cchost::audit::detail {
namespace {

constexpr std::array<std::string_view, 4> kHeaderKeys = {"seq", "time", "type", "prev"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string line_hash(std::string_view line) {
  return crypto::hex_encode(crypto::sha256(as_bytes(line)));
}

std::string utc_now_rfc3339() {
  auto now = std::chrono::system_clock::now();
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch())
                    .count() % 1000;
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  auto length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, ".%03dZ", static_cast<int>(millis));
  return std::string(text, length) + fraction;
}

bool looks_like_rfc3339_utc(std::string_view text) {
  // Positions of the fixed separators in "YYYY-MM-DDTHH:MM:SS".
  constexpr std::string_view kPattern = "dddd-dd-ddTdd:dd:dd";
  if (text.size() < kPattern.size() + 1 || text.back() != 'Z') return false;
  for (std::size_t i = 0; i < kPattern.size(); ++i) {
    if (kPattern[i] == 'd' ? !is_digit(text[i]) : text[i] != kPattern[i]) return false;
  }
  auto rest = text.substr(kPattern.size(), text.size() - kPattern.size() - 1);
  if (rest.empty()) return true;
  if (rest.size() < 2 || rest[0] != '.') return false;
  for (char c : rest.substr(1)) {
    if (!is_digit(c)) return false;
  }
  return true;
}

bool is_valid_entry_type(std::string_view type) {
  if (type.empty() || type.size() > 64) return false;
  for (char c : type) {
    bool allowed = (c >= 'a' && c <= 'z') || is_digit(c) || c == '.' || c == '_' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

Result<std::string> format_entry_line(std::uint64_t seq, std::string_view time,
                                      std::string_view type, std::string_view prev,
                                      const nlohmann::json& fields) {
  if (!fields.is_object()) {
    return make_error(std::string("audit entry fields: expected a JSON object, got ") +
                      fields.type_name());
  }
  // The header is written by hand so that its keys lead in a fixed order; the fields follow
  // in nlohmann::json's (sorted) key order, which makes the bytes reproducible.
  std::string line = "{\"seq\":" + std::to_string(seq) + ",\"time\":\"" + std::string(time) +
                     "\",\"type\":\"" + std::string(type) + "\",\"prev\":\"" +
                     std::string(prev) + "\"";
  for (const auto& [key, value] : fields.items()) {
    for (auto reserved : kHeaderKeys) {
      if (key == reserved) {
        return make_error("audit entry field '" + key + "' clashes with a header key");
      }
    }
    try {
      line += ',';
      line += nlohmann::json(key).dump();
      line += ':';
      line += value.dump();
    } catch (const nlohmann::json::exception& e) {
      return make_error("audit entry field '" + key + "' cannot be written as JSON: " +
                        e.what());
    }
  }
  line += '}';
  if (line.size() > kMaxLineBytes) {
    return make_error("audit entry of type " + std::string(type) + " is " +
                      std::to_string(line.size()) + " bytes; the limit is " +
                      std::to_string(kMaxLineBytes));
  }
  return line;
}

}  // namespace cchost::audit::detail
