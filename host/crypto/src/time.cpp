// parse_time / format_time (RFC 3339 §5.6) and UTC conversions shared by the X.509 code.
#include <cctype>
#include <cstdio>
#include <string>

#include "cchost/crypto/x509.hpp"
#include "openssl_error.hpp"
#include "time_utc.hpp"

namespace cchost::crypto {

namespace detail {

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::time_t utc_seconds(const std::tm& tm) {
  std::int64_t days = days_from_civil(tm.tm_year + 1900LL, static_cast<unsigned>(tm.tm_mon + 1),
                                      static_cast<unsigned>(tm.tm_mday));
  return static_cast<std::time_t>(days * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec);
}

std::time_t asn1_time_to_epoch(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    drain_openssl_errors();
    return 0;
  }
  return utc_seconds(tm);
}

}  // namespace detail

namespace {

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`; -1 when any is not a digit or the text is too short.
int read_digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

Error time_error(std::string_view text, const std::string& why) {
  std::string shown(text.substr(0, 64));
  for (char& c : shown) {
    if (!std::isprint(static_cast<unsigned char>(c))) c = '?';
  }
  return make_error("time \"" + shown + "\": " + why +
                    " (expected RFC 3339 like 2025-06-01T00:00:00Z or epoch seconds)");
}

}  // namespace

Result<std::time_t> parse_time(std::string_view text) {
  if (text.empty()) return time_error(text, "empty");
  bool all_digits = text.find_first_not_of("0123456789") == std::string_view::npos;
  if (all_digits) {
    if (text.size() > 12) return time_error(text, "epoch seconds out of range");
    long long v = 0;
    for (char c : text) v = v * 10 + (c - '0');
    return static_cast<std::time_t>(v);
  }
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
  int year = read_digits(text, 0, 4);
  int month = read_digits(text, 5, 2);
  int day = read_digits(text, 8, 2);
  int hour = read_digits(text, 11, 2);
  int minute = read_digits(text, 14, 2);
  int second = read_digits(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 ||
      text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') ||
      text[13] != ':' || text[16] != ':') {
    return time_error(text, "not in YYYY-MM-DDTHH:MM:SS form");
  }
  if (month < 1 || month > 12) return time_error(text, "month " + std::to_string(month) + " not in 1..12");
  if (day < 1 || day > days_in_month(year, month)) {
    return time_error(text, "day " + std::to_string(day) + " not in 1.." +
                                std::to_string(days_in_month(year, month)));
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return time_error(text, "time of day out of range (leap seconds are not accepted)");
  }
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    std::size_t digits = 0;
    ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos, ++digits;
    if (digits == 0 || digits > 9) return time_error(text, "fraction must have 1..9 digits");
  }
  long offset = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh = read_digits(text, pos + 1, 2);
    int om = read_digits(text, pos + 4, 2);
    if (oh < 0 || om < 0 || text[pos + 3] != ':' || oh > 23 || om > 59) {
      return time_error(text, "bad UTC offset, expected +HH:MM or -HH:MM");
    }
    offset = (text[pos] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
    pos += 6;
  } else {
    return time_error(text, "missing time zone: expected Z or an offset");
  }
  if (pos != text.size()) {
    return time_error(text, "trailing characters at position " + std::to_string(pos));
  }
  std::int64_t days = detail::days_from_civil(year, static_cast<unsigned>(month),
                                              static_cast<unsigned>(day));
  std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset;
  return static_cast<std::time_t>(secs);
}

std::string format_time(std::time_t t) {
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return std::to_string(static_cast<long long>(t));
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace cchost::crypto
