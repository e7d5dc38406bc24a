#pragma once
// The sim's names for the verification kit's OpenSSL handles (cchost/verify/openssl_handles.hpp).
#include "cchost/verify/openssl_handles.hpp"

namespace cchost::snp::sim {

using vkit::Asn1ObjectPtr;
using vkit::Asn1OctetStringPtr;
using vkit::BioPtr;
using vkit::EcdsaSigPtr;
using vkit::EvpMdCtxPtr;
using vkit::EvpPkeyCtxPtr;
using vkit::EvpPkeyPtr;
using vkit::X509ExtensionPtr;
using vkit::X509NamePtr;
using vkit::X509Ptr;
using vkit::take_openssl_error;

}  // namespace cchost::snp::sim
