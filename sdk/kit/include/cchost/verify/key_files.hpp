#pragma once
// Key and certificate files for simulated CAs and tests: new files only, atomically, keys
// readable by the owner only; PEM/DER encodings; loading that refuses a group/world-readable key.
#include <filesystem>
#include <string_view>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "cchost/verify/openssl_handles.hpp"

namespace cchost::vkit {

// Writes `data` to a temporary file in the same directory with `mode`, syncs it, then moves it
// to `path` without ever replacing an existing file (renameat2 RENAME_NOREPLACE, or link+unlink
// where the filesystem lacks it). A reader never sees a half-written key, and an existing key is
// never clobbered, even by a concurrent writer.
Status write_new_file(const std::filesystem::path& path, ByteView data, unsigned mode);

Result<Bytes> read_small_file(const std::filesystem::path& path, std::size_t max_size);

// PEM encodings: PKCS#8 "PRIVATE KEY" (unencrypted; the file mode protects it) and "CERTIFICATE".
Result<Bytes> private_key_pkcs8_pem(EVP_PKEY* key);
Result<Bytes> certificate_pem(X509* cert);
Result<Bytes> certificate_der(X509* cert);

// Loads a private key file, refusing one that group or others could read (deny by default:
// a world-readable signing key means the chain it signs is no longer ours alone).
Result<EvpPkeyPtr> load_private_key_file(const std::filesystem::path& path);
Result<X509Ptr> load_certificate_pem_file(const std::filesystem::path& path);

}  // namespace cchost::vkit
