#pragma once
// The signing and checking keys `cchost run` takes from a kit, beyond its CURVE pair:
//  - the audit key (keys/audit.key) signs the log's heads, and at the server also its
//    revocation list (PROTOCOL.md "Revocation"); a site checks that list with the server's
//    audit public key its kit carries (keys/server-audit.pub);
//  - a site's receipt key (keys/receipt.key) signs the receipt of every payload it stores; the
//    server checks each with the site's receipt_public from its participants.toml
//    (PROTOCOL.md "Receipts").
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "cchost/crypto/public_key.hpp"
#include "cchost/crypto/signing_key.hpp"
#include "cchost/kit/kit.hpp"
#include "cchost/result.hpp"

namespace cchost::cli {

// An Ed25519 PKCS#8 key file of the kit; `what` names it in errors ("audit key").
Result<std::shared_ptr<const crypto::SigningKey>> load_kit_signing_key(const std::filesystem::path& path,
                                                                       std::string_view what);

Result<std::shared_ptr<const crypto::SigningKey>> server_revocation_signer(const kit::Kit& server_kit);
// nullptr (no error) for a kit provisioned before it carried the key: that site refuses every list.
Result<std::shared_ptr<const crypto::PublicKey>> site_revocation_key(const kit::Kit& site_kit);

Result<std::shared_ptr<const crypto::SigningKey>> site_receipt_signer(const kit::Kit& site_kit);
// Every site's receipt key, from the server kit's participants.toml.
Result<std::map<std::string, crypto::PublicKey>> server_receipt_keys(const kit::Kit& server_kit);

}  // namespace cchost::cli
