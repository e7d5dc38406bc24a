#pragma once
// A DER/ASN.1 reader built on OpenSSL's decoders (d2i_* and the ASN1_* accessors): plugins never
// walk tags and lengths by hand. Every decoder takes exactly one DER element of the named type:
// a wrong tag, a truncated element, a length beyond the input or bytes after the element are
// errors that say which.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

// OpenSSL's certificate type, declared so that callers need not include OpenSSL headers.
typedef struct x509_st X509;  // NOLINT: OpenSSL's own spelling

namespace cchost::vkit {

// INTEGER that is non-negative and fits 64 bits (a leading 0x00 sign byte is fine).
Result<std::uint64_t> der_uint64(ByteView der);
// IA5String holding ASCII only.
Result<std::string> der_ia5_string(ByteView der);
// OCTET STRING; the contents.
Result<Bytes> der_octet_string(ByteView der);

// ENUMERATED that is non-negative and fits 64 bits.
Result<std::uint64_t> der_enumerated(ByteView der);

// BOOLEAN.
Result<bool> der_boolean(ByteView der);

// One entry of a SEQUENCE OF SEQUENCE { OBJECT IDENTIFIER, ANY }: the dotted OID and the whole
// DER element of its value (decode it with the functions here, or this one again when the
// value is itself such a sequence). Vendor certificate extensions use this shape (Intel's SGX
// PCK extension 1.2.840.113741.1.13.1 nests it two levels deep).
struct DerOidValue {
  std::string oid;
  Bytes value;
};
// Every pair must have exactly two elements, the first an OBJECT IDENTIFIER.
Result<std::vector<DerOidValue>> der_oid_value_sequence(ByteView der);

// RSASSA-PSS-params (RFC 4055), with the defaults filled in (SHA-1, MGF1-SHA-1, salt 20,
// trailer 1). Hash names are OpenSSL short names: "SHA384", ...
struct RsaPssParams {
  std::string hash;
  std::string mask_gen;   // "MGF1"
  std::string mgf1_hash;
  std::int64_t salt_length = 20;
  std::int64_t trailer_field = 1;
};

// A certificate's outer signatureAlgorithm (Certificate ::= SEQUENCE {tbs, signatureAlgorithm,
// signature}): `algorithm` is the dotted OID, `pss` set when it is RSASSA-PSS.
struct SignatureAlgorithm {
  std::string algorithm;
  std::optional<RsaPssParams> pss;
};

// From an already parsed certificate (no re-parse; for per-verify checks).
Result<SignatureAlgorithm> signature_algorithm(const X509& cert);
// From a DER certificate.
Result<SignatureAlgorithm> signature_algorithm_of_der(ByteView cert_der);

inline constexpr std::string_view kOidRsassaPss = "1.2.840.113549.1.1.10";

}  // namespace cchost::vkit
