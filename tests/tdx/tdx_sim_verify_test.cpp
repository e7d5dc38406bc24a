// Simulated TDX evidence through the verifier, and the attacks that need a PKI of our own:
// a CRL-revoked PCK, TCB Info for another FMSPC, another root, an untrusted simulated root,
// expired collateral. The verifier code path is the genuine one.
#include <gtest/gtest.h>

#include <ctime>

#include "backends/backend_factories.hpp"
#include "sim/sim_provision.hpp"
#include "tdx_test_support.hpp"
#include "verifier.hpp"

namespace cchost::tdx {
namespace {

std::string failure_of(const std::variant<VerifiedQuote, Failure>& r) {
  if (const auto* f = std::get_if<Failure>(&r)) return f->message;
  return "accepted";
}

class TdxSim : public ::testing::Test {
 protected:
  static crypto::Certificate root_of(const std::filesystem::path& ca) {
    auto c = crypto::Certificate::from_file((ca / "trust" / sim::kSimRootFile).string());
    if (!c) std::abort();
    return *c;
  }
  static Bytes quote_from(const std::filesystem::path& ca, sim::SimQuoteFields fields = {}) {
    auto backend = make_sim_backend(ca / "secret", fields);
    EXPECT_TRUE(backend) << backend.message();
    std::array<std::uint8_t, 64> rd{};
    rd[0] = 0xAB;
    auto q = (*backend)->get_quote(rd);
    EXPECT_TRUE(q) << q.message();
    return *q;
  }
  static sim::PkiOptions options() {
    sim::PkiOptions o;
    o.now = std::time(nullptr);
    return o;
  }
  std::time_t now_ = std::time(nullptr);
  test::TempDir a_, b_;
};

TEST_F(TdxSim, RoundTripsWhenTheSimRootIsTrusted) {
  ASSERT_TRUE(sim::write_sim_ca(a_.path(), options()));
  for (bool tdx15 : {false, true}) {
    SCOPED_TRACE(tdx15 ? "v5 TDX 1.5" : "v4");
    sim::SimQuoteFields f;
    f.tdx15 = tdx15;
    const Bytes quote = quote_from(a_.path(), f);
    TdxVerifier verifier{TrustAnchors{{root_of(a_.path())}}};
    auto r = verifier.verify(quote, a_.path() / "trust", {now_, std::nullopt});
    ASSERT_TRUE(std::holds_alternative<VerifiedQuote>(r)) << failure_of(r);
    const auto& v = std::get<VerifiedQuote>(r);
    EXPECT_TRUE(v.simulated);
    EXPECT_EQ(v.tcb.status, "UpToDate");
    EXPECT_EQ(v.quote.header.version, tdx15 ? 5 : 4);
    EXPECT_EQ(v.quote.body.report_data[0], 0xAB);
    ASSERT_TRUE(v.tcb.module_id);
    EXPECT_EQ(*v.tcb.module_id, "TDX_01");
  }
}

TEST_F(TdxSim, AnUntrustedSimRootIsRejected) {
  ASSERT_TRUE(sim::write_sim_ca(a_.path(), options()));
  TdxVerifier verifier{TrustAnchors{}};
  EXPECT_NE(failure_of(verifier.verify(quote_from(a_.path()), a_.path() / "trust", {now_, std::nullopt}))
                .find("must be the Intel SGX Root CA (SHA-256 44a0196b"),
            std::string::npos);
}

TEST_F(TdxSim, ARevokedPckIsRejected) {
  auto o = options();
  o.revoke_pck = true;
  ASSERT_TRUE(sim::write_sim_ca(a_.path(), o));
  TdxVerifier verifier{TrustAnchors{{root_of(a_.path())}}};
  const std::string why = failure_of(verifier.verify(quote_from(a_.path()), a_.path() / "trust", {now_, std::nullopt}));
  EXPECT_NE(why.find("PCK chain"), std::string::npos) << why;
  EXPECT_NE(why.find("revoked"), std::string::npos) << why;
}

TEST_F(TdxSim, TcbInfoForAnotherFmspcIsRejected) {
  ASSERT_TRUE(sim::write_sim_ca(a_.path(), options(), std::array<std::uint8_t, 6>{0x50, 0x80, 0x6f, 0, 0, 0}));
  TdxVerifier verifier{TrustAnchors{{root_of(a_.path())}}};
  EXPECT_EQ(failure_of(verifier.verify(quote_from(a_.path()), a_.path() / "trust", {now_, std::nullopt})),
            "TCB Info FMSPC must be the PCK certificate's 00906ed50000, got 50806f000000");
}

TEST_F(TdxSim, AnotherRootIsRejected) {
  ASSERT_TRUE(sim::write_sim_ca(a_.path(), options()));
  ASSERT_TRUE(sim::write_sim_ca(b_.path(), options()));
  // Quote from CA a, collateral from CA b, only a trusted: the collateral's chain is refused.
  TdxVerifier trusts_a{TrustAnchors{{root_of(a_.path())}}};
  EXPECT_NE(failure_of(trusts_a.verify(quote_from(a_.path()), b_.path() / "trust", {now_, std::nullopt}))
                .find("TCB Info issuer chain: root"),
            std::string::npos);
  // Only b trusted: the quote's PCK chain is refused.
  TdxVerifier trusts_b{TrustAnchors{{root_of(b_.path())}}};
  EXPECT_NE(failure_of(trusts_b.verify(quote_from(a_.path()), b_.path() / "trust", {now_, std::nullopt}))
                .find("PCK chain: root"),
            std::string::npos);
  // Both trusted: a's PCK does not chain to b's CRLs (the PCK CRL issuer is b's CA, by name
  // identical, but signed by another key).
  TdxVerifier trusts_both{TrustAnchors{{root_of(a_.path()), root_of(b_.path())}}};
  EXPECT_NE(failure_of(trusts_both.verify(quote_from(a_.path()), b_.path() / "trust", {now_, std::nullopt})), "accepted");
}

TEST_F(TdxSim, ExpiredCollateralIsRejected) {
  ASSERT_TRUE(sim::write_sim_ca(a_.path(), options()));
  TdxVerifier verifier{TrustAnchors{{root_of(a_.path())}}};
  const Bytes quote = quote_from(a_.path());
  EXPECT_NE(failure_of(verifier.verify(quote, a_.path() / "trust", {now_ + 400L * 86400, std::nullopt})), "accepted");
  EXPECT_NE(failure_of(verifier.verify(quote, a_.path() / "trust", {now_ - 3L * 86400, std::nullopt})), "accepted");
}

TEST_F(TdxSim, FlipsInTheSimQuoteAreRejectedToo) {
  ASSERT_TRUE(sim::write_sim_ca(a_.path(), options()));
  TdxVerifier verifier{TrustAnchors{{root_of(a_.path())}}};
  const Bytes quote = quote_from(a_.path());
  ASSERT_TRUE(std::holds_alternative<VerifiedQuote>(verifier.verify(quote, a_.path() / "trust", {now_, std::nullopt})));
  for (std::size_t i = 0; i < quote.size(); i += 7) {
    Bytes b = quote;
    b[i] ^= 0x80;
    EXPECT_NE(failure_of(verifier.verify(b, a_.path() / "trust", {now_, std::nullopt})), "accepted") << "offset " << i;
  }
}

}  // namespace
}  // namespace cchost::tdx
