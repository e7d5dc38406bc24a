// One-time libxml2 / xmlsec / xmlsec-openssl set-up and its teardown at unload.
#include "xmlsec_library.hpp"

#include <mutex>
#include <string>

#include <libxml/parser.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/xmlsec.h>

namespace cchost::nv {
namespace {

struct XmlsecSession {
  Status status;
  bool crypto_up = false;
  bool xmlsec_up = false;

  XmlsecSession() {
    xmlInitParser();
    if (xmlSecInit() < 0) {
      status = make_error("xmlsec: xmlSecInit failed");
      return;
    }
    xmlsec_up = true;
    // A plugin must not write xmlsec's diagnostics to the host's stderr; callers report
    // failures in their own errors.
    xmlSecErrorsDefaultCallbackEnableOutput(0);
    if (xmlSecCheckVersion() != 1) {
      status = make_error("xmlsec: the loaded libxmlsec1 is not the version this build expects");
      return;
    }
    if (xmlSecCryptoAppInit(nullptr) < 0 || xmlSecCryptoInit() < 0) {
      status = make_error("xmlsec: the OpenSSL crypto backend failed to initialise");
      return;
    }
    crypto_up = true;
  }

  ~XmlsecSession() {
    if (crypto_up) {
      xmlSecCryptoShutdown();
      xmlSecCryptoAppShutdown();
    }
    if (xmlsec_up) xmlSecShutdown();
    xmlCleanupParser();
  }
};

}  // namespace

Status ensure_xmlsec() {
  static XmlsecSession session;  // C++ guarantees one thread-safe initialisation
  return session.status;
}

}  // namespace cchost::nv
