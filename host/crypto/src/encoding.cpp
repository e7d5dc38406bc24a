#include "cchost/crypto/encoding.hpp"

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>

namespace cchost::crypto {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kBase64UrlAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Printable form of an offending character for error messages (never echo raw control bytes).
std::string describe_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", u);
  return buf;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

using DecodeTable = std::array<std::int8_t, 256>;

constexpr DecodeTable make_table(const char* alphabet) {
  DecodeTable t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}

constexpr DecodeTable kBase64Table = make_table(kBase64Alphabet);
constexpr DecodeTable kBase64UrlTable = make_table(kBase64UrlAlphabet);

std::string encode64(ByteView data, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    std::uint32_t v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  std::size_t rest = data.size() - i;
  if (rest == 1) {
    std::uint32_t v = data[i] << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (pad) out += "==";
  } else if (rest == 2) {
    std::uint32_t v = (data[i] << 16) | (data[i + 1] << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    if (pad) out += '=';
  }
  return out;
}

enum class Padding { Required, Optional };

// Strict RFC 4648 decoding: only alphabet characters, '=' only as final padding, and the
// unused low bits of the last symbol must be zero (RFC 4648 §3.5), so every byte string has
// exactly one accepted encoding and a signed value cannot be re-encoded into a different token.
Result<Bytes> decode64(std::string_view text, const DecodeTable& table, Padding padding,
                       std::string_view name) {
  std::size_t data_len = text.size();
  while (data_len > 0 && text[data_len - 1] == '=') --data_len;
  std::size_t pad_len = text.size() - data_len;
  if (pad_len > 2) {
    return make_error(std::string(name) + ": too much padding: expected at most 2 '=', got " +
                      std::to_string(pad_len) + " at position " + std::to_string(data_len));
  }
  if (padding == Padding::Required || pad_len > 0) {
    if (text.size() % 4 != 0) {
      return make_error(std::string(name) + ": bad length: expected a multiple of 4 " +
                        (padding == Padding::Required ? "(padding required)" : "when padded") +
                        ", got " + std::to_string(text.size()));
    }
  }
  if (data_len % 4 == 1) {
    return make_error(std::string(name) + ": bad length: " + std::to_string(data_len) +
                      " symbols leave a dangling 6 bits");
  }
  if (pad_len > 0 && (data_len % 4) + pad_len != 4) {
    return make_error(std::string(name) + ": bad padding: expected " +
                      std::to_string(4 - data_len % 4) + " '=', got " + std::to_string(pad_len));
  }
  Bytes out;
  out.reserve(data_len * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < data_len; ++i) {
    std::int8_t v = table[static_cast<unsigned char>(text[i])];
    if (v < 0) {
      return make_error(std::string(name) + ": invalid character " + describe_char(text[i]) +
                        " at position " + std::to_string(i));
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
    }
  }
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
    return make_error(std::string(name) + ": non-canonical encoding: unused trailing bits of "
                      "the last symbol at position " + std::to_string(data_len - 1) +
                      " must be zero");
  }
  return out;
}

}  // namespace

std::string hex_encode(ByteView data) {
  std::string out;
  out.reserve(data.size() * 2);
  for (std::uint8_t b : data) {
    out += kHexDigits[b >> 4];
    out += kHexDigits[b & 15];
  }
  return out;
}

Result<Bytes> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) {
    return make_error("hex: odd length: expected an even number of digits, got " +
                      std::to_string(text.size()));
  }
  Bytes out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = hex_value(text[i]);
    int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) {
      std::size_t pos = hi < 0 ? i : i + 1;
      return make_error("hex: invalid character " + describe_char(text[pos]) +
                        " at position " + std::to_string(pos) + ": expected 0-9, a-f or A-F");
    }
    out.push_back(static_cast<std::uint8_t>((hi << 4) | lo));
  }
  return out;
}

std::string base64_encode(ByteView data) { return encode64(data, kBase64Alphabet, true); }

Result<Bytes> base64_decode(std::string_view text) {
  return decode64(text, kBase64Table, Padding::Required, "base64");
}

std::string base64url_encode(ByteView data) { return encode64(data, kBase64UrlAlphabet, false); }

Result<Bytes> base64url_decode(std::string_view text) {
  return decode64(text, kBase64UrlTable, Padding::Optional, "base64url");
}

}  // namespace cchost::crypto
