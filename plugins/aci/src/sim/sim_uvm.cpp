#include "sim/sim_uvm.hpp"

#include <cbor.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cose_sign1.hpp"
#include "cchost/verify/test_ca.hpp"  // the verification kit's test-CA builder
#include "uvm_endorsement.hpp"

namespace cchost::aci::sim {
namespace {

namespace fs = std::filesystem;
using vkit::EvpPkeyPtr;
using vkit::X509Ptr;

struct ItemDeleter {
  void operator()(cbor_item_t* item) const { cbor_decref(&item); }
};
using Item = std::unique_ptr<cbor_item_t, ItemDeleter>;

Result<Bytes> serialize(const cbor_item_t* item) {
  unsigned char* buffer = nullptr;
  std::size_t capacity = 0;
  const std::size_t n = cbor_serialize_alloc(item, &buffer, &capacity);
  if (n == 0) {
    std::free(buffer);
    return make_error("sim UVM: CBOR serialisation failed");
  }
  Bytes out(buffer, buffer + n);
  std::free(buffer);
  return out;
}

bool add(cbor_item_t* map, Item key, Item value) {
  return key && value && cbor_map_add(map, cbor_pair{key.get(), value.get()});
}

Result<X509Ptr> make_cert(const char* cn, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key, bool ca) {
  auto name = vkit::make_name({{"O", "cchost SIMULATED"}, {"CN", cn}});
  if (!name) return name.error();
  auto cert = vkit::start_certificate(name->get(), issuer ? X509_get_subject_name(issuer) : name->get(), ca ? 1 : 2, key, 10);
  if (!cert) return cert.error();
  X509* self = cert->get();
  X509* signer = issuer ? issuer : self;
  if (ca) {
    if (auto s = vkit::add_standard_extension(self, signer, NID_basic_constraints, "critical,CA:TRUE"); !s) return s.error();
    if (auto s = vkit::add_standard_extension(self, signer, NID_key_usage, "critical,keyCertSign,cRLSign"); !s) return s.error();
  } else {
    if (auto s = vkit::add_standard_extension(self, signer, NID_basic_constraints, "critical,CA:FALSE"); !s) return s.error();
    if (auto s = vkit::add_standard_extension(self, signer, NID_ext_key_usage, kUvmSigningEku); !s) return s.error();
  }
  // Microsoft's supply chain signs its certificates with RSA-PSS too.
  if (auto s = vkit::sign_certificate(self, issuer_key, vkit::CertSignature::rsa_pss_sha384); !s) return s.error();
  return cert;
}

Bytes der_of(X509* cert) {
  unsigned char* der = nullptr;
  const int n = i2d_X509(cert, &der);
  Bytes out(der, der + (n > 0 ? n : 0));
  OPENSSL_free(der);
  return out;
}

Result<Bytes> sign_ps384(EVP_PKEY* key, ByteView message) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  std::size_t len = 0;
  bool ok = ctx && EVP_DigestSignInit(ctx, &pctx, EVP_sha384(), nullptr, key) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) == 1 &&
            EVP_DigestSign(ctx, nullptr, &len, message.data(), message.size()) == 1;
  Bytes sig(len);
  ok = ok && EVP_DigestSign(ctx, sig.data(), &len, message.data(), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return make_error("sim UVM: PS384 signing failed");
  sig.resize(len);
  return sig;
}

}  // namespace

Result<Bytes> encode_cose_sign1(ByteView protected_header, ByteView payload, ByteView signature) {
  Item array(cbor_new_definite_array(4));
  Item parts[] = {Item(cbor_build_bytestring(protected_header.data(), protected_header.size())),
                  Item(cbor_new_definite_map(0)), Item(cbor_build_bytestring(payload.data(), payload.size())),
                  Item(cbor_build_bytestring(signature.data(), signature.size()))};
  for (auto& p : parts) {
    if (!array || !p || !cbor_array_push(array.get(), p.get())) return make_error("sim UVM: out of memory");
  }
  Item tagged(cbor_new_tag(18));
  if (!tagged) return make_error("sim UVM: out of memory");
  cbor_tag_set_item(tagged.get(), array.get());
  return serialize(tagged.get());
}

Status create_sim_uvm(const fs::path& dir, std::int64_t now, std::int64_t uvm_svn) {
  auto root_key = vkit::generate_rsa(2048);
  auto leaf_key = vkit::generate_rsa(2048);
  if (!root_key || !leaf_key) return make_error("sim UVM: RSA key generation failed");
  auto root = make_cert("cchost SIMULATED Supply Chain Root", root_key->get(), nullptr, root_key->get(), true);
  if (!root) return root.error();
  auto leaf = make_cert("cchost SIMULATED ContainerPlat", leaf_key->get(), root->get(), root_key->get(), false);
  if (!leaf) return leaf.error();
  const Bytes root_der = der_of(root->get());
  const Bytes leaf_der = der_of(leaf->get());
  const std::string did = std::string("did:x509:0:sha256:") + crypto::base64url_encode(crypto::sha256(root_der)) +
                          "::eku:" + kUvmSigningEku;

  Item prot(cbor_new_definite_map(6));
  Item chain(cbor_new_definite_array(2));
  if (!prot || !chain) return make_error("sim UVM: out of memory");
  for (const Bytes* der : {&leaf_der, &root_der}) {
    Item cert(cbor_build_bytestring(der->data(), der->size()));
    if (!cert || !cbor_array_push(chain.get(), cert.get())) return make_error("sim UVM: out of memory");
  }
  Item signing_time(cbor_new_tag(1));
  Item when(cbor_build_uint64(static_cast<std::uint64_t>(now)));
  if (!signing_time || !when) return make_error("sim UVM: out of memory");
  cbor_tag_set_item(signing_time.get(), when.get());
  Item alg(cbor_build_negint8(37));  // -38: PS384
  const bool ok = add(prot.get(), Item(cbor_build_uint8(1)), std::move(alg)) &&
                  add(prot.get(), Item(cbor_build_uint8(3)), Item(cbor_build_string("application/json"))) &&
                  add(prot.get(), Item(cbor_build_uint8(33)), Item(cbor_incref(chain.get()))) &&
                  add(prot.get(), Item(cbor_build_string("iss")), Item(cbor_build_string(did.c_str()))) &&
                  add(prot.get(), Item(cbor_build_string("feed")), Item(cbor_build_string("ContainerPlat-AMD-UVM"))) &&
                  add(prot.get(), Item(cbor_build_string("signingtime")), Item(cbor_incref(signing_time.get())));
  if (!ok) return make_error("sim UVM: building the protected header failed");
  auto prot_bytes = serialize(prot.get());
  if (!prot_bytes) return prot_bytes.error();
  const std::string payload = std::string("{\"x-ms-sevsnpvm-guestsvn\":\"") + std::to_string(uvm_svn) +
                              "\",\"x-ms-sevsnpvm-launchmeasurement\":\"" + kSimMeasurement + "\"}";
  CoseSign1 cose;
  cose.protected_bytes = *prot_bytes;
  cose.payload.assign(payload.begin(), payload.end());
  auto tbs = cose_sig_structure(cose);
  if (!tbs) return tbs.error();
  auto sig = sign_ps384(leaf_key->get(), *tbs);
  if (!sig) return sig.error();
  auto encoded = encode_cose_sign1(cose.protected_bytes, cose.payload, *sig);
  if (!encoded) return encoded.error();

  std::ofstream(dir / kSimEndorsementFile, std::ios::binary)
      .write(reinterpret_cast<const char*>(encoded->data()), static_cast<std::streamsize>(encoded->size()));
  FILE* pem = std::fopen((dir / kSimUvmRootFile).c_str(), "w");
  if (!pem) return make_error("sim UVM: cannot write " + (dir / kSimUvmRootFile).string());
  const bool written = PEM_write_X509(pem, root->get()) == 1;
  std::fclose(pem);
  if (!written) return make_error("sim UVM: writing the root failed");
  return {};
}

}  // namespace cchost::aci::sim
