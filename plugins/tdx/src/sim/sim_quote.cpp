// The simulated quote writer (sim_quote.hpp), laid out as NOTES.md §1-§3 describe and the
// parser reads: the verifier code path is identical for simulated and genuine quotes.
#include "sim/sim_quote.hpp"

#include <cstring>

#include "cchost/crypto/hash.hpp"
#include "cchost/verify/test_ca.hpp"
#include "sim/sim_collateral.hpp"
#include "sim/sim_keys.hpp"

namespace cchost::tdx::sim {
namespace {

void u16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void u32(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void u64(Bytes& b, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
template <std::size_t N>
void put(Bytes& b, const std::array<std::uint8_t, N>& a) {
  b.insert(b.end(), a.begin(), a.end());
}
void zeros(Bytes& b, std::size_t n) { b.insert(b.end(), n, 0); }

constexpr std::array<std::uint8_t, 16> kIntelQeVendor{0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
                                                      0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07};
constexpr std::array<std::uint8_t, 32> kTdQeMrSigner{0xdc, 0x9e, 0x2a, 0x7c, 0x6f, 0x94, 0x8f, 0x17, 0x47, 0x4e, 0x34,
                                                     0xa7, 0xfc, 0x43, 0xed, 0x03, 0x0f, 0x7c, 0x15, 0x63, 0xf1, 0xba,
                                                     0xbd, 0xdf, 0x63, 0x40, 0xc8, 0x2e, 0x0e, 0x54, 0xa8, 0xc5};

Bytes td_body(const SimQuoteFields& f) {
  Bytes b;
  put(b, kSimTeeTcbSvn);
  zeros(b, 48);           // MRSEAM: a simulated module
  b.back() = 0x5e;
  zeros(b, 48);           // MRSIGNERSEAM: Intel's module is signed by zero
  zeros(b, 8);            // SEAM attributes
  u64(b, f.td_attributes);
  u64(b, f.xfam);
  put(b, f.mr_td);
  put(b, f.mr_config_id);
  zeros(b, 48);           // MROWNER
  zeros(b, 48);           // MROWNERCONFIG
  for (const auto& r : f.rtmr) put(b, r);
  put(b, f.report_data);
  if (f.tdx15) {
    put(b, kSimTeeTcbSvn);  // TEE_TCB_SVN_2: launched on this very module
    put(b, f.mr_servicetd);
  }
  return b;
}

Bytes qe_report(const std::array<std::uint8_t, 64>& report_data) {
  Bytes r;
  zeros(r, 16);           // CPUSVN
  u32(r, 0);              // MISCSELECT
  zeros(r, 28);
  r.push_back(0x11);      // ATTRIBUTES: INIT | MODE64BIT, as the TD QE's
  zeros(r, 15);
  zeros(r, 32);           // MRENCLAVE
  r[0x40] = 0x51;
  zeros(r, 32);
  put(r, kTdQeMrSigner);
  zeros(r, 96);
  u16(r, kSimQeProdId);
  u16(r, kSimQeSvn);
  zeros(r, 60);
  put(r, report_data);
  return r;
}

}  // namespace

Result<Bytes> write_sim_quote(EVP_PKEY* pck_key, const std::string& pck_chain_pem, const SimQuoteFields& f) {
  auto att = vkit::generate_ec("P-256");
  if (!att) return att.error();
  auto att_point = public_point(att->get());
  if (!att_point) return att_point.error();

  Bytes q;
  u16(q, f.tdx15 ? 5 : 4);
  u16(q, kAttKeyEcdsaP256);
  u32(q, kTeeTypeTdx);
  zeros(q, 4);
  put(q, kIntelQeVendor);
  zeros(q, 20);
  const Bytes body = td_body(f);
  if (f.tdx15) {
    u16(q, 3);
    u32(q, static_cast<std::uint32_t>(body.size()));
  }
  q.insert(q.end(), body.begin(), body.end());
  auto quote_sig = sign_rs(att->get(), q);
  if (!quote_sig) return quote_sig.error();

  Bytes auth(32);
  for (std::size_t i = 0; i < auth.size(); ++i) auth[i] = static_cast<std::uint8_t>(i);
  Bytes binding_input(att_point->begin(), att_point->end());
  binding_input.insert(binding_input.end(), auth.begin(), auth.end());
  std::array<std::uint8_t, 64> qe_report_data{};
  const Bytes digest = crypto::sha256(binding_input);
  std::memcpy(qe_report_data.data(), digest.data(), 32);
  const Bytes report = qe_report(qe_report_data);
  auto report_sig = sign_rs(pck_key, report);
  if (!report_sig) return report_sig.error();

  Bytes cert;  // type-6 contents: QE report, its signature, auth data, type-5 PCK chain
  cert.insert(cert.end(), report.begin(), report.end());
  put(cert, *report_sig);
  u16(cert, static_cast<std::uint16_t>(auth.size()));
  cert.insert(cert.end(), auth.begin(), auth.end());
  u16(cert, kCertDataPckChain);
  u32(cert, static_cast<std::uint32_t>(pck_chain_pem.size() + 1));
  cert.insert(cert.end(), pck_chain_pem.begin(), pck_chain_pem.end());
  cert.push_back(0);  // the trailing NUL real quote generators write

  Bytes sig;
  put(sig, *quote_sig);
  put(sig, *att_point);
  u16(sig, kCertDataQeReport);
  u32(sig, static_cast<std::uint32_t>(cert.size()));
  sig.insert(sig.end(), cert.begin(), cert.end());

  u32(q, static_cast<std::uint32_t>(sig.size()));
  q.insert(q.end(), sig.begin(), sig.end());
  return q;
}

}  // namespace cchost::tdx::sim
