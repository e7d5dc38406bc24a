#include "crypto_test_support.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <system_error>

#include "cchost/crypto/encoding.hpp"

namespace cchost::crypto::test {

const char* const kMilanArkSha256 =
    "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd";
const char* const kGenoaArkSha256 =
    "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1";
const char* const kTurinArkSha256 =
    "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a";

namespace {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cchost-crypto-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::cerr << "mkdtemp failed\n";
      std::abort();
    }
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

const std::filesystem::path& temp_dir() {
  static TempDir dir;
  return dir.path;
}

bool openssl(const std::string& args) {
  std::string cmd = "cd '" + temp_dir().string() + "' && openssl " + args + " >openssl.log 2>&1";
  int rc = std::system(cmd.c_str());
  if (rc != 0) {
    std::cerr << "command failed (" << rc << "): openssl " << args << "\n"
              << read_text(temp_dir() / "openssl.log");
    return false;
  }
  return true;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Bytes read_bytes(const std::filesystem::path& path) {
  std::string text = read_text(path);
  return Bytes(text.begin(), text.end());
}

void write_bytes(const std::filesystem::path& path, ByteView data) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  write_bytes(path, as_bytes(text));
}

std::filesystem::path vectors_dir() {
  const char* env = std::getenv("CCHOST_VECTORS");
  std::filesystem::path dir = env != nullptr && *env != '\0'
                                  ? std::filesystem::path(env)
                                  : std::filesystem::path(CCHOST_SOURCE_DIR "/../shared/vectors");
  return std::filesystem::is_directory(dir) ? dir : std::filesystem::path();
}

bool ecdsa_der_to_raw(ByteView der, std::size_t field, Bytes& r, Bytes& s) {
  const unsigned char* p = der.data();
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (sig == nullptr) return false;
  const BIGNUM* br = nullptr;
  const BIGNUM* bs = nullptr;
  ECDSA_SIG_get0(sig, &br, &bs);
  r.assign(field, 0);
  s.assign(field, 0);
  bool ok = BN_bn2binpad(br, r.data(), static_cast<int>(field)) == static_cast<int>(field) &&
            BN_bn2binpad(bs, s.data(), static_cast<int>(field)) == static_cast<int>(field);
  ECDSA_SIG_free(sig);
  return ok;
}

namespace {

Bytes bn_param(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return {};
  Bytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
  BN_bn2bin(bn, out.data());
  BN_free(bn);
  return out;
}

}  // namespace

std::string jwk_for(const PublicKey& key, const std::string& kid) {
  if (key.type() == KeyType::Rsa) {
    return R"({"kty":"RSA","kid":")" + kid + R"(","use":"sig","n":")" +
           base64url_encode(bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N)) + R"(","e":")" +
           base64url_encode(bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E)) + R"("})";
  }
  std::size_t field = key.type() == KeyType::EcP256 ? 32 : 48;
  unsigned char point[1 + 2 * 48];
  std::size_t len = 0;
  EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &len);
  ByteView pt(point, len);
  return R"({"kty":"EC","kid":")" + kid + R"(","crv":")" +
         (field == 32 ? "P-256" : "P-384") + R"(","x":")" +
         base64url_encode(pt.subspan(1, field)) + R"(","y":")" +
         base64url_encode(pt.subspan(1 + field, field)) + R"("})";
}

}  // namespace cchost::crypto::test
