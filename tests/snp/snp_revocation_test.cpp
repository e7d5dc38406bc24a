// Revocation and simulated roots on a chain generated here with the openssl CLI (AMD's Genoa CRL
// revokes an ASK, 0x020001, whose certificate is not published, so a genuine revoked chain
// cannot be built). The generated chain has AMD's shape: RSA-4096 ARK-Genoa and SEV-Genoa
// (serial 0x020001, like the revoked Genoa ASK), RSASSA-PSS SHA-384 salt 48, P-384 SEV-VCEK.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "verify_chain.hpp"

namespace cchost::snp {
namespace {

namespace fs = std::filesystem;

constexpr const char* kScript = R"SH(set -e
PSS="-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:48 -sigopt rsa_mgf1_md:sha384"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out ca.key
openssl req -x509 -new -key ca.key $PSS -sha384 -subj "/O=cchost TEST/CN=ARK-Genoa" -days 30 \
  -set_serial 0x020000 -addext basicConstraints=critical,CA:TRUE \
  -addext keyUsage=critical,keyCertSign,cRLSign -out ark.pem
openssl req -new -key ca.key -subj "/O=cchost TEST/CN=SEV-Genoa" -out ask.csr
printf "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n" > ca.ext
openssl x509 -req -in ask.csr -CA ark.pem -CAkey ca.key $PSS -sha384 -set_serial 0x020001 \
  -days 30 -extfile ca.ext -out ask.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out vcek.key
openssl req -new -key vcek.key -subj "/O=cchost TEST/CN=SEV-VCEK" -out vcek.csr
openssl x509 -req -in vcek.csr -CA ask.pem -CAkey ca.key $PSS -sha384 -set_serial 0 -days 30 \
  -out vcek.pem
mkdir -p db && touch db/index.txt && echo 01 > db/crlnumber
printf "[ca]\ndefault_ca=t\n[t]\ndatabase=db/index.txt\ncrlnumber=db/crlnumber\ndefault_md=sha384\ndefault_crl_days=7\n" > ca.cnf
openssl ca -config ca.cnf -gencrl -keyfile ca.key -cert ark.pem -md sha384 $PSS -out clean.crl
openssl ca -config ca.cnf -revoke ask.pem -keyfile ca.key -cert ark.pem -md sha384
openssl ca -config ca.cnf -gencrl -keyfile ca.key -cert ark.pem -md sha384 $PSS -out revoked.crl
)SH";

class SnpRevocation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/cchost-snp-crl-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::ofstream(dir_ / "make.sh") << kScript;
    const std::string cmd = "cd '" + dir_.string() + "' && sh make.sh > make.log 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      std::ifstream log(dir_ / "make.log");
      FAIL() << "openssl CLI could not build the test chain:\n" << log.rdbuf();
    }
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  static crypto::Certificate cert(const char* name) {
    return *crypto::Certificate::from_file((dir_ / name).string());
  }
  static crypto::Crl crl(const char* name) { return *crypto::Crl::from_file((dir_ / name).string()); }

  Collateral chain_with(const char* crl_name) {
    Collateral c;
    c.ask = cert("ask.pem");
    c.vcek = cert("vcek.pem");
    if (crl_name) c.crls.push_back(crl(crl_name));
    return c;
  }

  ChainRequest request(bool trust_test_root = true) {
    ChainRequest r;
    r.product = Product::Genoa;
    r.at = std::time(nullptr) + 60;  // generated just now, valid for days
    if (trust_test_root) r.sim_roots = {cert("ark.pem")};
    return r;
  }

  static fs::path dir_;
};

fs::path SnpRevocation::dir_;

std::string message_of(const std::variant<VerifiedChain, ChainFailure>& r) {
  if (auto* f = std::get_if<ChainFailure>(&r)) return f->message;
  return "verified";
}

TEST_F(SnpRevocation, CleanCrlVerifiesAsSimulated) {
  auto r = verify_signing_chain(chain_with("clean.crl"), request());
  ASSERT_TRUE(std::holds_alternative<VerifiedChain>(r)) << message_of(r);
  EXPECT_TRUE(std::get<VerifiedChain>(r).simulated);
}

TEST_F(SnpRevocation, RevokedAskIsRefused) {
  auto r = verify_signing_chain(chain_with("revoked.crl"), request());
  ASSERT_TRUE(std::holds_alternative<ChainFailure>(r));
  EXPECT_EQ(std::get<ChainFailure>(r).kind, FailureKind::VerifyFailed);
  EXPECT_NE(message_of(r).find("serial 020001 is revoked"), std::string::npos) << message_of(r);
}

// Same issuer, same second, same window: the cache must still tell the two CRLs apart.
TEST_F(SnpRevocation, CacheDoesNotReuseAChainAcrossCrls) {
  ChainCache cache;
  ASSERT_TRUE(std::holds_alternative<VerifiedChain>(cache.verify(chain_with("clean.crl"), request())));
  auto r = cache.verify(chain_with("revoked.crl"), request());
  ASSERT_TRUE(std::holds_alternative<ChainFailure>(r));
  EXPECT_NE(message_of(r).find("revoked"), std::string::npos) << message_of(r);
  // And a CRL past its nextUpdate (7 days) is stale even for a cached chain.
  ChainRequest later = request();
  later.at += 8 * 24 * 3600;
  auto stale = cache.verify(chain_with("clean.crl"), later);
  ASSERT_TRUE(std::holds_alternative<ChainFailure>(stale));
  EXPECT_NE(message_of(stale).find("CRL"), std::string::npos) << message_of(stale);
}

// A root that is neither AMD's pin nor a configured simulated root is never an anchor.
TEST_F(SnpRevocation, UnconfiguredRootIsRefused) {
  auto r = verify_signing_chain(chain_with(nullptr), request(false));
  ASSERT_TRUE(std::holds_alternative<ChainFailure>(r));
  EXPECT_NE(message_of(r).find("AMD pinned"), std::string::npos) << message_of(r);
  Collateral with_ark = chain_with(nullptr);
  with_ark.ark = cert("ark.pem");
  auto r2 = verify_signing_chain(with_ark, request(false));
  ASSERT_TRUE(std::holds_alternative<ChainFailure>(r2));
  EXPECT_NE(message_of(r2).find("is an unknown key"), std::string::npos) << message_of(r2);
  // The same ARK offered as sim_ark.pem by the relying party's collateral folder is accepted.
  with_ark.sim_arks = {cert("ark.pem")};
  auto r3 = verify_signing_chain(with_ark, request(false));
  ASSERT_TRUE(std::holds_alternative<VerifiedChain>(r3)) << message_of(r3);
  EXPECT_TRUE(std::get<VerifiedChain>(r3).simulated);
}

TEST_F(SnpRevocation, RequireCrlWithoutOneIsCollateralMissing) {
  ChainRequest r = request();
  r.require_crl = true;
  auto result = verify_signing_chain(chain_with(nullptr), r);
  ASSERT_TRUE(std::holds_alternative<ChainFailure>(result));
  EXPECT_EQ(std::get<ChainFailure>(result).kind, FailureKind::Collateral);
}

}  // namespace
}  // namespace cchost::snp
