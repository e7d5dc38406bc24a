// QGS message encoding (qgs_message.hpp): header {u16 major = 1, u16 minor = 0, u32 type,
// u32 size (whole message), u32 error_code}, little-endian, after a big-endian length prefix.
#include "backends/qgs_message.hpp"

#include <string>

namespace cchost::tdx {
namespace {

constexpr std::uint32_t kGetQuoteReq = 0;
constexpr std::uint32_t kGetQuoteResp = 1;
constexpr std::size_t kHeaderSize = 16;

void le16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void le32(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
std::uint32_t rd32(ByteView b, std::size_t off) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v |= std::uint32_t{b[off + i]} << (8 * i);
  return v;
}

}  // namespace

Bytes encode_qgs_quote_request(ByteView tdreport) {
  Bytes msg;
  const auto size = static_cast<std::uint32_t>(kHeaderSize + 8 + tdreport.size());
  le16(msg, 1);
  le16(msg, 0);
  le32(msg, kGetQuoteReq);
  le32(msg, size);
  le32(msg, 0);
  le32(msg, static_cast<std::uint32_t>(tdreport.size()));
  le32(msg, 0);  // no attestation key id list: the QGS picks its default (ECDSA P-256)
  msg.insert(msg.end(), tdreport.begin(), tdreport.end());
  Bytes framed{static_cast<std::uint8_t>(size >> 24), static_cast<std::uint8_t>(size >> 16),
               static_cast<std::uint8_t>(size >> 8), static_cast<std::uint8_t>(size)};
  framed.insert(framed.end(), msg.begin(), msg.end());
  return framed;
}

Result<Bytes> decode_qgs_quote_response(ByteView framed) {
  if (framed.size() < 4) return make_error("QGS response: needs a 4-byte length, got " + std::to_string(framed.size()) + " bytes");
  const std::size_t length = (std::size_t{framed[0]} << 24) | (std::size_t{framed[1]} << 16) |
                             (std::size_t{framed[2]} << 8) | framed[3];
  const ByteView msg = framed.subspan(4);
  if (length > msg.size()) {
    return make_error("QGS response: length " + std::to_string(length) + " exceeds the " + std::to_string(msg.size()) +
                      " bytes returned");
  }
  if (length < kHeaderSize + 8) return make_error("QGS response: " + std::to_string(length) + " bytes is shorter than its header");
  const ByteView m = msg.first(length);
  const std::uint16_t major = static_cast<std::uint16_t>(m[0] | (m[1] << 8));
  if (major != 1) return make_error("QGS response: major version must be 1, got " + std::to_string(major));
  if (rd32(m, 4) != kGetQuoteResp) return make_error("QGS response: type must be 1 (GET_QUOTE_RESP), got " + std::to_string(rd32(m, 4)));
  if (rd32(m, 8) != length) {
    return make_error("QGS response: header size " + std::to_string(rd32(m, 8)) + " must equal the length " + std::to_string(length));
  }
  if (rd32(m, 12) != 0) return make_error("QGS response: error code " + std::to_string(rd32(m, 12)));
  const std::size_t id_size = rd32(m, 16);
  const std::size_t quote_size = rd32(m, 20);
  const std::size_t rest = length - kHeaderSize - 8;
  if (id_size > rest || quote_size > rest - id_size) {
    return make_error("QGS response: id (" + std::to_string(id_size) + ") and quote (" + std::to_string(quote_size) +
                      ") sizes exceed the " + std::to_string(rest) + " bytes that remain");
  }
  if (quote_size == 0) return make_error("QGS response: empty quote");
  const ByteView quote = m.subspan(kHeaderSize + 8 + id_size, quote_size);
  return Bytes(quote.begin(), quote.end());
}

}  // namespace cchost::tdx
