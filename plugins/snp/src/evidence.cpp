// The x-snp evidence envelope (format in evidence.hpp).
#include "evidence.hpp"

#include <string>

#include "cert_table.hpp"
#include "report.hpp"

namespace cchost::snp {
namespace {

constexpr std::uint8_t kMagic[4] = {'C', 'S', 'N', 'P'};

std::uint32_t read_le(ByteView b, std::size_t off, std::size_t n) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= std::uint32_t{b[off + i]} << (8 * i);
  return v;
}

void write_le(Bytes& out, std::uint32_t v, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

bool has_magic(ByteView token) {
  return token.size() >= 4 && token[0] == kMagic[0] && token[1] == kMagic[1] &&
         token[2] == kMagic[2] && token[3] == kMagic[3];
}

}  // namespace

Bytes encode_evidence(ByteView report, ByteView cert_table) {
  Bytes out(kMagic, kMagic + 4);
  write_le(out, kEnvelopeVersion, 2);
  write_le(out, 0, 2);
  write_le(out, static_cast<std::uint32_t>(report.size()), 4);
  write_le(out, static_cast<std::uint32_t>(cert_table.size()), 4);
  out.insert(out.end(), report.begin(), report.end());
  out.insert(out.end(), cert_table.begin(), cert_table.end());
  return out;
}

Result<EvidenceParts> decode_evidence(ByteView token) {
  if (!has_magic(token)) {
    // A raw report: its VERSION field (2..5) can never spell the magic.
    if (token.size() != kReportSize) {
      return make_error("SNP evidence: expected a " + std::to_string(kReportSize) +
                        "-byte report or a \"CSNP\" envelope, got " +
                        std::to_string(token.size()) + " bytes without the envelope magic");
    }
    return EvidenceParts{token, {}};
  }
  if (token.size() < kEnvelopeHeaderSize) {
    return make_error("SNP evidence envelope: header needs " +
                      std::to_string(kEnvelopeHeaderSize) + " bytes, got " +
                      std::to_string(token.size()));
  }
  const std::uint32_t version = read_le(token, 4, 2);
  if (version != kEnvelopeVersion) {
    return make_error("SNP evidence envelope: version must be " +
                      std::to_string(kEnvelopeVersion) + ", got " + std::to_string(version));
  }
  const std::uint32_t flags = read_le(token, 6, 2);
  if (flags != 0) {
    return make_error("SNP evidence envelope: flags must be 0, got " + std::to_string(flags));
  }
  const std::uint64_t report_len = read_le(token, 8, 4);
  const std::uint64_t table_len = read_le(token, 12, 4);
  if (report_len != kReportSize) {
    return make_error("SNP evidence envelope: report length must be " +
                      std::to_string(kReportSize) + ", got " + std::to_string(report_len));
  }
  if (table_len > kMaxCertTableSize) {
    return make_error("SNP evidence envelope: cert table length at most " +
                      std::to_string(kMaxCertTableSize) + ", got " + std::to_string(table_len));
  }
  const std::uint64_t expected = kEnvelopeHeaderSize + report_len + table_len;
  if (token.size() != expected) {
    return make_error("SNP evidence envelope: expected " + std::to_string(expected) +
                      " bytes from its lengths, got " + std::to_string(token.size()));
  }
  return EvidenceParts{token.subspan(kEnvelopeHeaderSize, report_len),
                       token.subspan(kEnvelopeHeaderSize + report_len, table_len)};
}

}  // namespace cchost::snp
