// Parsing the SPDM GET_MEASUREMENTS request || response an NVIDIA device signs (see header).
#include "spdm/spdm_report.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace cchost::nv {
namespace {

std::string hex8(unsigned v) {
  static const char* d = "0123456789abcdef";
  return std::string("0x") + d[(v >> 4) & 0xF] + d[v & 0xF];
}

// A cursor over the report: every read says how much is left when it fails.
class Reader {
 public:
  explicit Reader(ByteView data) : data_(data) {}
  std::size_t offset() const { return pos_; }
  std::size_t left() const { return data_.size() - pos_; }

  Status need(std::size_t n, const char* what) const {
    if (left() < n) {
      return make_error("SPDM report: " + std::string(what) + " at offset " + std::to_string(pos_) + " needs " +
                        std::to_string(n) + " bytes, " + std::to_string(left()) + " left");
    }
    return {};
  }
  std::uint8_t u8() { return data_[pos_++]; }
  std::uint32_t le(std::size_t n) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint32_t>(data_[pos_ + i]) << (8 * i);
    pos_ += n;
    return v;
  }
  template <std::size_t N>
  void copy(std::array<std::uint8_t, N>& out) {
    std::copy_n(data_.begin() + static_cast<std::ptrdiff_t>(pos_), N, out.begin());
    pos_ += N;
  }
  Bytes take(std::size_t n) {
    Bytes out(data_.begin() + static_cast<std::ptrdiff_t>(pos_), data_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return out;
  }

 private:
  ByteView data_;
  std::size_t pos_ = 0;
};

Status expect_byte(std::uint8_t actual, std::uint8_t expected, const char* field, std::size_t offset) {
  if (actual == expected) return {};
  return make_error("SPDM report: " + std::string(field) + " at offset " + std::to_string(offset) + ": expected " +
                    hex8(expected) + ", got " + hex8(actual));
}

Result<SpdmRequest> read_request(Reader& r) {
  if (auto s = r.need(kSpdmRequestSize, "GET_MEASUREMENTS request"); !s) return s.error();
  SpdmRequest q;
  q.version = r.u8();
  if (auto s = expect_byte(q.version, kSpdmVersion11, "request SPDMVersion", 0); !s) return s.error();
  q.code = r.u8();
  if (auto s = expect_byte(q.code, kSpdmGetMeasurements, "request RequestResponseCode", 1); !s) return s.error();
  q.param1 = r.u8();
  q.param2 = r.u8();
  r.copy(q.nonce);
  q.slot_id = r.u8();
  return q;
}

// Measurement block: Index u8 | MeasurementSpecification u8 (0x01 DMTF) | MeasurementSize u16
// | DMTF value type u8 | DMTF value size u16 | value. MeasurementSize must equal 3 + value size.
Result<MeasurementBlock> read_block(Reader& r, std::size_t record_end) {
  const std::size_t at = r.offset();
  if (record_end - at < 4) return make_error("SPDM report: measurement block at offset " + std::to_string(at) + " is truncated");
  MeasurementBlock b;
  b.index = r.u8();
  if (b.index == 0) return make_error("SPDM report: measurement block at offset " + std::to_string(at) + " has index 0 (indices start at 1)");
  const std::uint8_t spec = r.u8();
  if (spec != 0x01) {
    return make_error("SPDM report: measurement block " + std::to_string(b.index) + " MeasurementSpecification: expected 0x01 (DMTF), got " + hex8(spec));
  }
  const std::uint32_t size = r.le(2);
  if (size < 3 || record_end - r.offset() < size) {
    return make_error("SPDM report: measurement block " + std::to_string(b.index) + " MeasurementSize " + std::to_string(size) +
                      " does not fit the " + std::to_string(record_end - r.offset()) + " bytes left in the record");
  }
  b.value_type = r.u8();
  const std::uint32_t value_size = r.le(2);
  if (value_size + 3 != size) {
    return make_error("SPDM report: measurement block " + std::to_string(b.index) + ": DMTF value size " + std::to_string(value_size) +
                      " + 3 does not equal MeasurementSize " + std::to_string(size));
  }
  b.value = r.take(value_size);
  return b;
}

Result<SpdmResponse> read_response(Reader& r) {
  SpdmResponse p;
  if (auto s = r.need(8, "MEASUREMENTS response header"); !s) return s.error();
  const std::size_t base = r.offset();
  p.version = r.u8();
  if (auto s = expect_byte(p.version, kSpdmVersion11, "response SPDMVersion", base); !s) return s.error();
  p.code = r.u8();
  if (auto s = expect_byte(p.code, kSpdmMeasurements, "response RequestResponseCode", base + 1); !s) return s.error();
  p.param1 = r.u8();
  p.param2 = r.u8();
  p.number_of_blocks = r.u8();
  if (p.number_of_blocks == 0) return make_error("SPDM report: NumberOfBlocks is 0");
  p.record_length = r.le(3);
  if (auto s = r.need(p.record_length, "measurement record"); !s) return s.error();
  const std::size_t record_end = r.offset() + p.record_length;
  std::set<unsigned> seen;
  while (r.offset() < record_end) {
    auto block = read_block(r, record_end);
    if (!block) return block.error();
    if (!seen.insert(block->index).second) {
      return make_error("SPDM report: measurement index " + std::to_string(block->index) + " appears twice");
    }
    p.blocks.push_back(std::move(*block));
  }
  if (p.blocks.size() != p.number_of_blocks) {
    return make_error("SPDM report: NumberOfBlocks says " + std::to_string(p.number_of_blocks) + ", the record holds " +
                      std::to_string(p.blocks.size()));
  }
  if (auto s = r.need(kSpdmNonceSize + 2, "responder nonce and opaque length"); !s) return s.error();
  r.copy(p.responder_nonce);
  const std::uint32_t opaque_length = r.le(2);
  if (opaque_length == 0) return make_error("SPDM report: OpaqueLength is 0 (the device data is missing)");
  if (auto s = r.need(opaque_length, "opaque data"); !s) return s.error();
  p.opaque_offset = r.offset();
  p.opaque = r.take(opaque_length);
  if (auto s = r.need(kSpdmSignatureSize, "signature"); !s) return s.error();
  r.copy(p.signature);
  return p;
}

}  // namespace

const MeasurementBlock* SpdmReport::block(unsigned index) const {
  for (const auto& b : response.blocks) {
    if (b.index == index) return &b;
  }
  return nullptr;
}

Result<SpdmReport> parse_spdm_report(ByteView report) {
  Reader r(report);
  SpdmReport out;
  auto request = read_request(r);
  if (!request) return request.error();
  out.request = *request;
  auto response = read_response(r);
  if (!response) return response.error();
  out.response = std::move(*response);
  if (r.left() != 0) {
    return make_error("SPDM report: " + std::to_string(r.left()) + " bytes after the signature (the report must end there)");
  }
  out.signed_length = report.size() - kSpdmSignatureSize;
  return out;
}

}  // namespace cchost::nv
