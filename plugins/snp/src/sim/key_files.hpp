#pragma once
// The sim's names for the verification kit's key and certificate files (cchost/verify/key_files.hpp).
#include "cchost/verify/key_files.hpp"
#include "sim/openssl_ptr.hpp"

namespace cchost::snp::sim {

using vkit::certificate_der;
using vkit::certificate_pem;
using vkit::load_certificate_pem_file;
using vkit::load_private_key_file;
using vkit::private_key_pkcs8_pem;
using vkit::read_small_file;
using vkit::write_new_file;

}  // namespace cchost::snp::sim
