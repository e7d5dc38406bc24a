// One-time libxml2 / xmlsec / xmlsec-openssl set-up per process.
//
// xmlsec keeps its state (registered transforms, key data, I/O callbacks) in libxmlsec1's
// globals, shared by every plugin in the process that links it: x-nv-gpu and x-nv-switch both
// do. So a plugin must neither initialise it a second time (that would overwrite and leak the
// first registration) nor shut it down at unload (that would tear it down under the other
// plugin). Instead: the libraries are pinned in memory (RTLD_NODELETE), xmlsec is initialised
// once per process by whichever plugin comes first (seen from libxmlsec1's own transform
// registry, which is empty until then), and never shut down: the process ends with it.
#include "xmlsec_library.hpp"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include <libxml/parser.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/list.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmlsec.h>

namespace cchost::nv {
namespace {

// Keeps a library loaded for the life of the process, whoever loaded it first.
bool pin(const char* soname) { return dlopen(soname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE) != nullptr; }

Status initialise() {
  for (const char* lib : {"libxml2.so.2", "libxmlsec1.so.1", "libxmlsec1-openssl.so.1"}) {
    if (!pin(lib)) return make_error(std::string("xmlsec: cannot pin ") + lib + " in memory: " + dlerror());
  }
  // Another plugin of this process already initialised the shared library: use its state.
  if (xmlSecPtrListGetSize(xmlSecTransformIdsGet()) > 0) return {};
  xmlInitParser();
  if (xmlSecInit() < 0) return make_error("xmlsec: xmlSecInit failed");
  // A plugin must not write xmlsec's diagnostics to the host's stderr; callers report
  // failures in their own errors.
  xmlSecErrorsDefaultCallbackEnableOutput(0);
  if (xmlSecCheckVersion() != 1) return make_error("xmlsec: the loaded libxmlsec1 is not the version this build expects");
  if (xmlSecCryptoAppInit(nullptr) < 0 || xmlSecCryptoInit() < 0) {
    return make_error("xmlsec: the OpenSSL crypto backend failed to initialise");
  }
  return {};
}

}  // namespace

Status ensure_xmlsec() {
  static const Status status = initialise();  // once per plugin, thread-safe
  return status;
}

}  // namespace cchost::nv
