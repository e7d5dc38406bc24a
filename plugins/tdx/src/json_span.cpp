// A strict JSON syntax scanner that records where each top-level value starts and ends
// (json_span.hpp says why). It validates syntax only; json parsing proper is nlohmann's, run on
// the very span returned here.
#include "json_span.hpp"

#include <cctype>

namespace cchost::tdx {
namespace {

constexpr int kMaxDepth = 32;

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  std::size_t pos() const { return pos_; }
  bool at_end() const { return pos_ >= s_.size(); }

  void skip_ws() {
    while (!at_end() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool eat(char c) {
    skip_ws();
    if (!at_end() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  Status fail(const std::string& expected) const {
    const std::string found = at_end() ? "end of input" : "'" + std::string(1, s_[pos_]) + "'";
    return make_error("JSON: expected " + expected + " at byte " + std::to_string(pos_) + ", got " + found);
  }

  // A string; `allow_escapes` false for keys, whose raw text is compared.
  Status string(bool allow_escapes) {
    skip_ws();
    if (at_end() || s_[pos_] != '"') return fail("'\"'");
    ++pos_;
    while (!at_end()) {
      const auto c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return {};
      }
      if (c < 0x20) return fail("no control character inside a string");
      if (c == '\\') {
        if (!allow_escapes) return fail("a key without escapes");
        ++pos_;
        if (at_end()) return fail("an escape");
        const char e = s_[pos_];
        if (e == 'u') {
          for (int i = 1; i <= 4; ++i) {
            if (pos_ + static_cast<std::size_t>(i) >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[pos_ + static_cast<std::size_t>(i)]))) {
              return fail("4 hex digits after \\u");
            }
          }
          pos_ += 4;
        } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
          return fail("a valid escape");
        }
      }
      ++pos_;
    }
    return fail("'\"' closing the string");
  }

  Status number() {
    const std::size_t start = pos_;
    if (!at_end() && s_[pos_] == '-') ++pos_;
    auto digits = [&] {
      const std::size_t b = pos_;
      while (!at_end() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      return pos_ - b;
    };
    if (digits() == 0) return fail("a digit");
    if (s_[start] == '0' || (s_[start] == '-' && s_[start + 1] == '0')) {
      if (pos_ - start > (s_[start] == '-' ? 2u : 1u)) return fail("no leading zero");
    }
    if (!at_end() && s_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) return fail("a digit after '.'");
    }
    if (!at_end() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (!at_end() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (digits() == 0) return fail("an exponent");
    }
    return {};
  }

  Status literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return fail(std::string(word));
    pos_ += word.size();
    return {};
  }

  Status value(int depth) {
    if (depth > kMaxDepth) return fail("nesting of at most " + std::to_string(kMaxDepth));
    skip_ws();
    if (at_end()) return fail("a value");
    switch (s_[pos_]) {
      case '"': return string(true);
      case '{': {
        ++pos_;
        if (eat('}')) return {};
        do {
          if (auto s = string(true); !s) return s;
          if (!eat(':')) return fail("':'");
          if (auto s = value(depth + 1); !s) return s;
        } while (eat(','));
        return eat('}') ? Status{} : fail("',' or '}'");
      }
      case '[': {
        ++pos_;
        if (eat(']')) return {};
        do {
          if (auto s = value(depth + 1); !s) return s;
        } while (eat(','));
        return eat(']') ? Status{} : fail("',' or ']'");
      }
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<std::map<std::string, std::string_view>> json_top_level_members(std::string_view json) {
  Scanner sc(json);
  std::map<std::string, std::string_view> out;
  if (!sc.eat('{')) return sc.fail("'{' opening the document").error();
  if (!sc.eat('}')) {
    do {
      sc.skip_ws();
      const std::size_t key_start = sc.pos();
      if (auto s = sc.string(false); !s) return s.error();
      std::string key(json.substr(key_start + 1, sc.pos() - key_start - 2));
      if (!sc.eat(':')) return sc.fail("':'").error();
      sc.skip_ws();
      const std::size_t value_start = sc.pos();
      if (auto s = sc.value(1); !s) return s.error();
      if (out.count(key) != 0) return make_error("JSON: top-level key \"" + key + "\" appears twice");
      out.emplace(std::move(key), json.substr(value_start, sc.pos() - value_start));
    } while (sc.eat(','));
    if (!sc.eat('}')) return sc.fail("',' or '}'").error();
  }
  sc.skip_ws();
  if (!sc.at_end()) return sc.fail("end of input after the document").error();
  return out;
}

}  // namespace cchost::tdx
