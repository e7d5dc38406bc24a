// Bounds-checked parse of the TDX DCAP quote v4/v5 (NOTES.md §1-§3, §5 step 1). No
// cryptography: signatures, the attestation key and the PCK chain are copied out for the
// verifier. Every size field is checked against the bytes that remain before it is used.
#include <cctype>
#include <cstdio>
#include <cstring>

#include "quote.hpp"

namespace cchost::tdx {
namespace {

std::string hex_offset(std::size_t off) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%zX", off);
  return buf;
}

// A cursor over the quote: take(n) fails, naming the field and its offset, when fewer than n
// bytes remain, so no read can run past the end whatever a size field claims.
class Cursor {
 public:
  Cursor(ByteView data, std::size_t base) : data_(data), base_(base) {}
  std::size_t offset() const { return base_ + pos_; }
  std::size_t remaining() const { return data_.size() - pos_; }

  Result<ByteView> take(std::size_t n, const char* field) {
    if (n > remaining()) {
      return make_error("TDX quote: " + std::string(field) + " at " + hex_offset(offset()) + " needs " +
                        std::to_string(n) + " bytes, " + std::to_string(remaining()) + " remain");
    }
    ByteView v = data_.subspan(pos_, n);
    pos_ += n;
    return v;
  }
  Result<std::uint16_t> u16(const char* field) {
    auto v = take(2, field);
    if (!v) return v.error();
    return static_cast<std::uint16_t>((*v)[0] | ((*v)[1] << 8));
  }
  Result<std::uint32_t> u32(const char* field) {
    auto v = take(4, field);
    if (!v) return v.error();
    std::uint32_t x = 0;
    for (std::size_t i = 0; i < 4; ++i) x |= std::uint32_t{(*v)[i]} << (8 * i);
    return x;
  }
  template <std::size_t N>
  Status copy(std::array<std::uint8_t, N>& out, const char* field) {
    auto v = take(N, field);
    if (!v) return v.error();
    std::memcpy(out.data(), v->data(), N);
    return {};
  }

 private:
  ByteView data_;
  std::size_t base_;
  std::size_t pos_ = 0;
};

std::uint64_t le64(ByteView b) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v |= std::uint64_t{b[i]} << (8 * i);
  return v;
}

template <std::size_t N>
void copy_at(ByteView b, std::size_t off, std::array<std::uint8_t, N>& out) {
  std::memcpy(out.data(), b.data() + off, N);
}

#define TDX_TRY(expr)            \
  do {                           \
    if (auto s_ = (expr); !s_) { \
      return s_.error();         \
    }                            \
  } while (0)

Result<QuoteHeader> parse_header(Cursor& c) {
  auto raw = c.take(kHeaderSize, "header");
  if (!raw) return raw.error();
  const ByteView h = *raw;
  QuoteHeader out;
  out.version = static_cast<std::uint16_t>(h[0] | (h[1] << 8));
  out.att_key_type = static_cast<std::uint16_t>(h[2] | (h[3] << 8));
  out.tee_type = static_cast<std::uint32_t>(h[4] | (h[5] << 8) | (h[6] << 16) | (std::uint32_t{h[7]} << 24));
  copy_at(h, 8, out.reserved);
  copy_at(h, 12, out.qe_vendor_id);
  copy_at(h, 28, out.user_data);
  if (out.version != 4 && out.version != 5) {
    return make_error("TDX quote: version must be 4 or 5, got " + std::to_string(out.version));
  }
  if (out.att_key_type != kAttKeyEcdsaP256) {
    return make_error("TDX quote: attestation key type must be 2 (ECDSA-256-with-P-256), got " +
                      std::to_string(out.att_key_type));
  }
  if (out.tee_type != kTeeTypeTdx) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "0x%X", out.tee_type);
    return make_error(std::string("TDX quote: TEE type must be 0x81 (TDX), got ") + buf);
  }
  return out;
}

// The TD report body (NOTES §1 body-relative offsets; §2 for the TDX 1.5 tail).
TdReportBody parse_body(ByteView b) {
  TdReportBody out;
  copy_at(b, 0x000, out.tee_tcb_svn);
  copy_at(b, 0x010, out.mr_seam);
  copy_at(b, 0x040, out.mr_signer_seam);
  copy_at(b, 0x070, out.seam_attributes);
  out.td_attributes.raw = le64(b.subspan(0x078, 8));
  out.xfam = le64(b.subspan(0x080, 8));
  copy_at(b, 0x088, out.mr_td);
  copy_at(b, 0x0B8, out.mr_config_id);
  copy_at(b, 0x0E8, out.mr_owner);
  copy_at(b, 0x118, out.mr_owner_config);
  for (std::size_t i = 0; i < 4; ++i) copy_at(b, 0x148 + 0x30 * i, out.rtmr[i]);
  copy_at(b, 0x208, out.report_data);
  if (b.size() == kTd15BodySize) {
    std::array<std::uint8_t, 16> svn2{};
    copy_at(b, 0x248, svn2);
    Hash48 servicetd{};
    copy_at(b, 0x258, servicetd);
    out.tee_tcb_svn_2 = svn2;
    out.mr_servicetd = servicetd;
  }
  return out;
}

QeReport parse_qe_report(ByteView r) {
  QeReport out;
  copy_at(r, 0x00, out.cpu_svn);
  out.miscselect = static_cast<std::uint32_t>(r[0x10] | (r[0x11] << 8) | (r[0x12] << 16) |
                                              (std::uint32_t{r[0x13]} << 24));
  copy_at(r, 0x30, out.attributes);
  copy_at(r, 0x40, out.mr_enclave);
  copy_at(r, 0x80, out.mr_signer);
  out.isv_prod_id = static_cast<std::uint16_t>(r[0x100] | (r[0x101] << 8));
  out.isv_svn = static_cast<std::uint16_t>(r[0x102] | (r[0x103] << 8));
  copy_at(r, 0x140, out.report_data);
  return out;
}

// The PCK chain is PEM text and nothing else: PEM readers skip bytes around and between
// blocks, so without this a quote could carry unsigned bytes that verification never sees.
Status check_pem_framing(std::string_view pem) {
  constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  if (pem.substr(0, kBegin.size()) != kBegin) {
    return make_error("TDX quote: PCK chain must start with \"" + std::string(kBegin) + "\"");
  }
  for (char ch : pem) {
    const auto c = static_cast<unsigned char>(ch);
    const bool ok = std::isalnum(c) || c == '+' || c == '/' || c == '=' || c == '-' || c == ' ' || c == '\n' || c == '\r';
    if (!ok) return make_error("TDX quote: PCK chain holds a byte that is not PEM text (" + std::to_string(c) + ")");
  }
  std::string_view tail = pem;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.remove_suffix(1);
  if (tail.size() < kEnd.size() || tail.substr(tail.size() - kEnd.size()) != kEnd || pem.size() - tail.size() > 2) {
    return make_error("TDX quote: PCK chain must end with \"" + std::string(kEnd) + "\" and at most one line break");
  }
  return {};
}

}  // namespace

Status parse_qe_certification_data(ByteView data, std::size_t base_offset, TdxQuote& out) {
  Cursor c(data, base_offset);
  auto report = c.take(kQeReportSize, "QE report");
  if (!report) return report.error();
  out.qe_report_bytes.assign(report->begin(), report->end());
  out.qe_report = parse_qe_report(*report);
  TDX_TRY(c.copy(out.qe_report_signature, "QE report signature"));
  auto auth_size = c.u16("QE auth data size");
  if (!auth_size) return auth_size.error();
  auto auth = c.take(*auth_size, "QE auth data");
  if (!auth) return auth.error();
  out.qe_auth_data.assign(auth->begin(), auth->end());
  auto type = c.u16("PCK certification data type");
  if (!type) return type.error();
  if (*type != kCertDataPckChain) {
    return make_error("TDX quote: certification data type inside the QE report data must be 5 (PCK "
                      "certificate chain), got " + std::to_string(*type));
  }
  auto chain_size = c.u32("PCK chain size");
  if (!chain_size) return chain_size.error();
  if (*chain_size != c.remaining()) {
    return make_error("TDX quote: PCK chain size must equal the " + std::to_string(c.remaining()) +
                      " bytes that remain of the certification data, got " + std::to_string(*chain_size));
  }
  auto chain = c.take(*chain_size, "PCK chain");
  if (!chain) return chain.error();
  ByteView pem = *chain;
  // One trailing NUL is what the quote generators write (NOTES §3); anything else inside the
  // PEM text is refused by the chain reader, so no other trailer is tolerated here.
  if (!pem.empty() && pem.back() == 0) {
    out.pck_chain_trailing_nul = true;
    pem = pem.first(pem.size() - 1);
  }
  for (std::uint8_t ch : pem) {
    if (ch == 0) return make_error("TDX quote: PCK chain holds a NUL byte before its end");
  }
  out.pck_chain_pem.assign(reinterpret_cast<const char*>(pem.data()), pem.size());
  return check_pem_framing(out.pck_chain_pem);
}

Result<TdxQuote> parse_tdx_quote(ByteView quote) {
  TdxQuote out;
  Cursor c(quote, 0);
  auto header = parse_header(c);
  if (!header) return header.error();
  out.header = *header;

  std::size_t body_size = kTd10BodySize;
  if (out.header.version == 5) {
    // v5: body type and size precede the body; reading a v5 quote with v4 offsets would give
    // plausible but shifted fields (NOTES §2), so the type decides the layout, nothing else.
    auto type = c.u16("body type");
    if (!type) return type.error();
    auto size = c.u32("body size");
    if (!size) return size.error();
    out.body_type = *type;
    if (*type == 2) {
      body_size = kTd10BodySize;
    } else if (*type == 3) {
      body_size = kTd15BodySize;
    } else {
      return make_error("TDX quote v5: body type must be 2 (TDX 1.0) or 3 (TDX 1.5), got " + std::to_string(*type));
    }
    if (*size != body_size) {
      return make_error("TDX quote v5: body size for type " + std::to_string(*type) + " must be " +
                        std::to_string(body_size) + ", got " + std::to_string(*size));
    }
  }
  auto body = c.take(body_size, "TD report body");
  if (!body) return body.error();
  out.body = parse_body(*body);
  out.signed_region.assign(quote.begin(), quote.begin() + static_cast<std::ptrdiff_t>(c.offset()));

  auto sig_len = c.u32("signature data length");
  if (!sig_len) return sig_len.error();
  const std::size_t sig_offset = c.offset();
  auto sig_data = c.take(*sig_len, "signature data");
  if (!sig_data) return sig_data.error();
  out.trailing_bytes = c.remaining();

  Cursor s(*sig_data, sig_offset);
  TDX_TRY(s.copy(out.quote_signature, "quote signature"));
  TDX_TRY(s.copy(out.attestation_key, "attestation key"));
  auto cert_type = s.u16("certification data type");
  if (!cert_type) return cert_type.error();
  if (*cert_type != kCertDataQeReport) {
    return make_error("TDX quote: certification data type must be 6 (QE report certification data), got " +
                      std::to_string(*cert_type));
  }
  auto cert_size = s.u32("certification data size");
  if (!cert_size) return cert_size.error();
  if (*cert_size != s.remaining()) {
    return make_error("TDX quote: certification data size must equal the " + std::to_string(s.remaining()) +
                      " bytes that remain of the signature data, got " + std::to_string(*cert_size));
  }
  const std::size_t cert_offset = s.offset();
  auto cert = s.take(*cert_size, "certification data");
  if (!cert) return cert.error();
  TDX_TRY(parse_qe_certification_data(*cert, cert_offset, out));
  return out;
}

}  // namespace cchost::tdx
