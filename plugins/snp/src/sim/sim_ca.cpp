// The simulated AMD root (ARK) and intermediate (ASK), shaped like AMD's (NOTES.md §5) but named
// O=cchost SIMULATED and generated locally, so no simulated certificate passes an AMD pin.
#include "cchost/snp/sim_ca.hpp"

#include <sys/stat.h>

#include <array>
#include <string>
#include <vector>

#include <openssl/objects.h>

#include "cchost/crypto/random.hpp"
#include "sim/amd_cert_builder.hpp"
#include "sim/key_files.hpp"
#include "sim/sim_ca_files.hpp"

namespace cchost::snp::sim {
namespace {

constexpr int kCaValidityYears = 25;  // AMD's ARK/ASK: 25 years

std::uint64_t random_serial() {
  // 63 random bits: two simulated CAs never share issuer+serial, and the INTEGER stays positive.
  const Bytes r = crypto::random_bytes(8);
  std::uint64_t v = 0;
  for (std::uint8_t b : r) v = (v << 8) | b;
  return (v >> 1) | 1;
}

std::string crl_distribution_point(Product product) {
  // Same path shape as AMD's, on a reserved domain (RFC 2606) so nothing is ever fetched.
  return "URI:https://kdsintf.sim.cchost.invalid/vcek/v1/" + std::string(product_name(product)) +
         "/crl";
}

Result<X509Ptr> build_ark(Product product, EVP_PKEY* ark_key) {
  auto name = make_amd_style_name("ARK-" + std::string(product_name(product)));
  if (!name) return name.error();
  auto cert = start_certificate(name->get(), name->get(), random_serial(), ark_key, kCaValidityYears);
  if (!cert) return cert.error();
  X509* c = cert->get();
  const std::string crl = crl_distribution_point(product);
  for (auto [nid, value] : std::vector<std::pair<int, const char*>>{
           {NID_key_usage, "critical,keyCertSign,cRLSign"},
           {NID_subject_key_identifier, "hash"},
           {NID_basic_constraints, "critical,CA:TRUE"},
           {NID_crl_distribution_points, crl.c_str()}}) {
    if (auto s = add_standard_extension(c, c, nid, value); !s) return s.error();
  }
  if (auto s = sign_rsa_pss_sha384(c, ark_key); !s) return s.error();
  return std::move(*cert);
}

Result<X509Ptr> build_ask(Product product, X509* ark, EVP_PKEY* ark_key, EVP_PKEY* ask_key) {
  auto name = make_amd_style_name("SEV-" + std::string(product_name(product)));
  if (!name) return name.error();
  auto cert = start_certificate(name->get(), X509_get_subject_name(ark), random_serial(), ask_key,
                                kCaValidityYears);
  if (!cert) return cert.error();
  X509* c = cert->get();
  const std::string crl = crl_distribution_point(product);
  for (auto [nid, value] : std::vector<std::pair<int, const char*>>{
           {NID_subject_key_identifier, "hash"},
           {NID_authority_key_identifier, "keyid:always"},
           {NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
           {NID_key_usage, "critical,keyCertSign"},
           {NID_crl_distribution_points, crl.c_str()}}) {
    if (auto s = add_standard_extension(c, ark, nid, value); !s) return s.error();
  }
  if (auto s = sign_rsa_pss_sha384(c, ark_key); !s) return s.error();
  return std::move(*cert);
}

// Removes the files this call wrote when a later step fails, so a retry starts clean.
class WrittenFiles {
 public:
  ~WrittenFiles() {
    if (committed_) return;
    for (const auto& p : paths_) ::unlink(p.c_str());
  }
  void add(std::filesystem::path p) { paths_.push_back(std::move(p)); }
  void commit() { committed_ = true; }

 private:
  std::vector<std::filesystem::path> paths_;
  bool committed_ = false;
};

}  // namespace

Result<Product> parse_sim_product(std::string_view name) {
  if (name == "Milan") return Product::Milan;
  if (name == "Genoa") return Product::Genoa;
  if (name == "Turin") return Product::Turin;
  return make_error("sim product: expected \"Milan\", \"Genoa\" or \"Turin\", got \"" +
                    std::string(name) + "\"");
}

Status create_sim_ca(const std::filesystem::path& dir, std::string_view product_text) {
  auto product = parse_sim_product(product_text);
  if (!product) return product.error();

  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error("creating sim CA directory " + dir.string() + ": " + ec.message());
    ::chmod(dir.c_str(), 0700);
  } else if (!std::filesystem::is_directory(dir, ec)) {
    return make_error("sim CA path " + dir.string() + " exists and is not a directory");
  }
  const std::array<std::string_view, 4> names = {kArkKeyFile, kAskKeyFile, kArkCertFile,
                                                 kAskCertFile};
  // Checked before the (slow) key generation; write_new_file re-checks atomically.
  for (auto name : names) {
    if (std::filesystem::exists(std::filesystem::symlink_status(dir / name, ec))) {
      return make_error("refusing to overwrite existing sim CA file " + (dir / name).string());
    }
  }

  auto ark_key = generate_rsa4096();
  if (!ark_key) return ark_key.error();
  auto ask_key = generate_rsa4096();
  if (!ask_key) return ask_key.error();
  auto ark = build_ark(*product, ark_key->get());
  if (!ark) return ark.error();
  auto ask = build_ask(*product, ark->get(), ark_key->get(), ask_key->get());
  if (!ask) return ask.error();

  auto ark_key_pem = private_key_pkcs8_pem(ark_key->get());
  if (!ark_key_pem) return ark_key_pem.error();
  auto ask_key_pem = private_key_pkcs8_pem(ask_key->get());
  if (!ask_key_pem) return ask_key_pem.error();
  auto ark_pem = certificate_pem(ark->get());
  if (!ark_pem) return ark_pem.error();
  auto ask_pem = certificate_pem(ask->get());
  if (!ask_pem) return ask_pem.error();

  WrittenFiles written;
  const std::array<std::pair<std::string_view, const Bytes*>, 4> files = {
      {{kArkKeyFile, &*ark_key_pem}, {kAskKeyFile, &*ask_key_pem},
       {kArkCertFile, &*ark_pem}, {kAskCertFile, &*ask_pem}}};
  for (const auto& [name, data] : files) {
    const bool is_key = name == kArkKeyFile || name == kAskKeyFile;
    if (auto s = write_new_file(dir / name, *data, is_key ? 0600 : 0644); !s) return s;
    written.add(dir / name);
  }
  written.commit();
  return {};
}

Result<LoadedSimCa> load_sim_ca(const std::filesystem::path& dir, Product product) {
  LoadedSimCa ca;
  ca.product = product;
  auto ark = load_certificate_pem_file(dir / kArkCertFile);
  if (!ark) return ark.error();
  auto ask = load_certificate_pem_file(dir / kAskCertFile);
  if (!ask) return ask.error();
  auto ask_key = load_private_key_file(dir / kAskKeyFile);
  if (!ask_key) return ask_key.error();
  ca.ark = std::move(*ark);
  ca.ask = std::move(*ask);
  ca.ask_key = std::move(*ask_key);

  const std::string expected_cn = "SEV-" + std::string(product_name(product));
  char cn[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(ca.ask.get()), NID_commonName, cn, sizeof cn);
  if (expected_cn != cn) {
    return make_error("sim CA in " + dir.string() + " is for another product: ASK CN is \"" +
                      std::string(cn) + "\", expected \"" + expected_cn + "\"");
  }
  if (X509_verify(ca.ask.get(), X509_get0_pubkey(ca.ark.get())) != 1) {
    take_openssl_error();
    return make_error("sim CA in " + dir.string() + ": ask.pem is not signed by ark.pem");
  }
  if (EVP_PKEY_eq(X509_get0_pubkey(ca.ask.get()), ca.ask_key.get()) != 1) {
    return make_error("sim CA in " + dir.string() + ": ask.key does not match ask.pem");
  }
  return ca;
}

}  // namespace cchost::snp::sim
