#pragma once
// libxmlsec1 (with libxml2 and the OpenSSL crypto backend) has process-wide state that must be
// initialised once per process before any XMLDSig call (and never torn down: plugins share it). Every
// user in this library calls ensure_xmlsec() first; it is thread-safe and idempotent.
#include "cchost/result.hpp"

namespace cchost::nv {

// Initialises libxml2, xmlsec and its OpenSSL backend on first call; later calls return the
// first call's outcome.
Status ensure_xmlsec();

}  // namespace cchost::nv
