// The compiled-in NVIDIA roots and their pin check (see nvidia_roots.hpp).
#include "trust/nvidia_roots.hpp"

#include <cstdio>
#include <cstdlib>

#include "cchost/crypto/encoding.hpp"

namespace cchost::nv {
namespace {

// CN=NVIDIA Device Identity CA, O=NVIDIA; P-384; 2021-11-05 .. 9999-12-31.
constexpr std::string_view kDeviceIdentityRootPem = R"pem(-----BEGIN CERTIFICATE-----
MIICCzCCAZCgAwIBAgIQLTZwscoQBBHB/sDoKgZbVDAKBggqhkjOPQQDAzA1MSIw
IAYDVQQDDBlOVklESUEgRGV2aWNlIElkZW50aXR5IENBMQ8wDQYDVQQKDAZOVklE
SUEwIBcNMjExMTA1MDAwMDAwWhgPOTk5OTEyMzEyMzU5NTlaMDUxIjAgBgNVBAMM
GU5WSURJQSBEZXZpY2UgSWRlbnRpdHkgQ0ExDzANBgNVBAoMBk5WSURJQTB2MBAG
ByqGSM49AgEGBSuBBAAiA2IABA5MFKM7+KViZljbQSlgfky/RRnEQScW9NDZF8SX
gAW96r6u/Ve8ZggtcYpPi2BS4VFu6KfEIrhN6FcHG7WP05W+oM+hxj7nyA1r1jkB
2Ry70YfThX3Ba1zOryOP+MJ9vaNjMGEwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8B
Af8EBAMCAQYwHQYDVR0OBBYEFFeF/4PyY8xlfWi3Olv0jUrL+0lfMB8GA1UdIwQY
MBaAFFeF/4PyY8xlfWi3Olv0jUrL+0lfMAoGCCqGSM49BAMDA2kAMGYCMQCPeFM3
TASsKQVaT+8S0sO9u97PVGCpE9d/I42IT7k3UUOLSR/qvJynVOD1vQKVXf0CMQC+
EY55WYoDBvs2wPAH1Gw4LbcwUN8QCff8bFmV4ZxjCRr4WXTLFHBKjbfneGSBWwA=
-----END CERTIFICATE-----
)pem";

// C=US, O=NVIDIA, CN=NVIDIA CoRIM signing Root CA; P-384; 2023-03-16 .. 2053-03-08.
constexpr std::string_view kCorimSigningRootPem = R"pem(-----BEGIN CERTIFICATE-----
MIICKTCCAbCgAwIBAgIQRdrjoA5QN73fh1N17LXicDAKBggqhkjOPQQDAzBFMQsw
CQYDVQQGEwJVUzEPMA0GA1UECgwGTlZJRElBMSUwIwYDVQQDDBxOVklESUEgQ29S
SU0gc2lnbmluZyBSb290IENBMCAXDTIzMDMxNjE1MzczNFoYDzIwNTMwMzA4MTUz
NzM0WjBFMQswCQYDVQQGEwJVUzEPMA0GA1UECgwGTlZJRElBMSUwIwYDVQQDDBxO
VklESUEgQ29SSU0gc2lnbmluZyBSb290IENBMHYwEAYHKoZIzj0CAQYFK4EEACID
YgAEuECyi9vNM+Iw2lfUzyBldHAwaC1HF7TCgp12QcEyUTm3Tagxwr48d55+K2VI
lWYIDk7NlAIQdcV/Ff7euGLI+Qauj93HsSI4WX298PpW54RTgz9tC+Q684caR/BX
WEeZo2MwYTAdBgNVHQ4EFgQUpaXrOPK4ZDAk08DBskn594zeZjAwHwYDVR0jBBgw
FoAUpaXrOPK4ZDAk08DBskn594zeZjAwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8B
Af8EBAMCAQYwCgYIKoZIzj0EAwMDZwAwZAIwHGDyscDP6ihHqRvZlI3eqZ4YkvjE
1duaN84tAHRVgxVMvNrp5Tnom3idHYGW/dskAjATvjIx6VzHm/4e2GiZAyZEIUBD
OKPzp5ei/A0iUZpdvngenDwV8Qa/wGdiTmJ7Bp4=
-----END CERTIFICATE-----
)pem";

crypto::Certificate load_pinned(std::string_view pem, std::string_view pin, const char* what) {
  auto cert = crypto::Certificate::from_pem(pem);
  if (!cert || crypto::hex_encode(cert->sha256()) != pin) {
    std::fprintf(stderr, "cchost nvidia: the compiled-in %s does not match its SHA-256 pin\n", what);
    std::abort();
  }
  return *cert;
}

}  // namespace

const crypto::Certificate& nvidia_device_identity_root() {
  static const crypto::Certificate root = load_pinned(kDeviceIdentityRootPem, kDeviceIdentityRootSha256, "Device Identity CA");
  return root;
}

const crypto::Certificate& nvidia_corim_signing_root() {
  static const crypto::Certificate root = load_pinned(kCorimSigningRootPem, kCorimSigningRootSha256, "CoRIM signing Root CA");
  return root;
}

}  // namespace cchost::nv
