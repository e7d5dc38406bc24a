#pragma once
// The keys of revocation (PROTOCOL.md "Revocation") as `cchost run` takes them from a kit: the
// server signs its revocation list with its audit key; a site checks it with the server's audit
// public key its kit carries (keys/server-audit.pub).
#include <memory>

#include "cchost/crypto/public_key.hpp"
#include "cchost/crypto/signing_key.hpp"
#include "cchost/kit/kit.hpp"
#include "cchost/result.hpp"

namespace cchost::cli {

Result<std::shared_ptr<const crypto::SigningKey>> server_revocation_signer(const kit::Kit& server_kit);
// nullptr (no error) for a kit provisioned before it carried the key: that site refuses every list.
Result<std::shared_ptr<const crypto::PublicKey>> site_revocation_key(const kit::Kit& site_kit);

}  // namespace cchost::cli
