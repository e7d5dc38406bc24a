// AMD signs VCEKs with RSASSA-PSS SHA-384, MGF1-SHA-384, salt 48. OpenSSL verifies any PSS
// parameters a certificate names, so the chain check reads them (through the verification kit's
// DER reader) and refuses a VCEK re-signed with other ones, although its signature is valid.
#include <ctime>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "cchost/crypto/x509.hpp"
#include "sim/vcek_issuer.hpp"
#include "test_support.hpp"
#include "verify_chain.hpp"

namespace cchost::snp {
namespace {

using testing::shared_sim_ca;

struct Resign {
  int salt;
  const EVP_MD* mgf1;
};
const Resign kAmd{48, EVP_sha384()};

// The sim's VCEK for Milan, signed again by the sim ASK with `how`.
struct Chain {
  Collateral collateral;
  crypto::Certificate ark;
};

Chain chain_with(const Resign* how) {
  auto ca = sim::load_sim_ca(shared_sim_ca(Product::Milan), Product::Milan);
  EXPECT_TRUE(ca.ok()) << (ca.ok() ? "" : ca.message());
  std::array<std::uint8_t, 64> chip{};
  chip.fill(0x42);
  auto vcek = sim::issue_vcek(*ca, chip, sim::TcbParts{.bootloader = 4, .tee = 0, .snp = 24,
                                                       .microcode = 219, .fmc = 0});
  EXPECT_TRUE(vcek.ok()) << (vcek.ok() ? "" : vcek.message());
  if (how != nullptr) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    const bool ok = EVP_DigestSignInit(ctx, &pctx, EVP_sha384(), nullptr, ca->ask_key.get()) == 1 &&
                    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, how->salt) == 1 &&
                    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, how->mgf1) == 1 &&
                    X509_sign_ctx(vcek->cert.get(), ctx) > 0;
    EVP_MD_CTX_free(ctx);
    EXPECT_TRUE(ok) << "re-signing the VCEK";
  }
  // adopt() takes a reference of its own.
  X509_up_ref(ca->ark.get());
  X509_up_ref(ca->ask.get());
  X509_up_ref(vcek->cert.get());
  Chain out{{}, crypto::Certificate::adopt(ca->ark.get())};
  out.collateral.ask = crypto::Certificate::adopt(ca->ask.get());
  out.collateral.vcek = crypto::Certificate::adopt(vcek->cert.get());
  return out;
}

std::variant<VerifiedChain, ChainFailure> verify(const Chain& chain) {
  ChainRequest request;
  request.product = Product::Milan;
  request.at = std::time(nullptr);
  request.sim_roots = {chain.ark};
  return verify_signing_chain(chain.collateral, request);
}

std::string failure(const std::variant<VerifiedChain, ChainFailure>& r) {
  return std::holds_alternative<ChainFailure>(r) ? std::get<ChainFailure>(r).message : "verified";
}

TEST(SnpPssParams, AmdParametersVerify) {
  EXPECT_EQ(failure(verify(chain_with(nullptr))), "verified");
  EXPECT_EQ(failure(verify(chain_with(&kAmd))), "verified");  // re-signing itself changes nothing
}

TEST(SnpPssParams, AnotherSaltIsRefused) {
  const Resign salt32{32, EVP_sha384()};
  EXPECT_NE(failure(verify(chain_with(&salt32))).find("must be signed with RSASSA-PSS SHA-384 salt 48"),
            std::string::npos);
}

TEST(SnpPssParams, AnotherMaskHashIsRefused) {
  const Resign mgf1_sha256{48, EVP_sha256()};
  EXPECT_NE(failure(verify(chain_with(&mgf1_sha256))).find("must be signed with RSASSA-PSS"),
            std::string::npos);
}

}  // namespace
}  // namespace cchost::snp
