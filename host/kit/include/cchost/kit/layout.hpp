#pragma once
// File names inside a startup kit, shared by the provisioner (writer) and load_kit (reader).
#include <string_view>

namespace cchost::kit::layout {

inline constexpr std::string_view kParticipant = "participant.toml";
inline constexpr std::string_view kPolicy = "policy.toml";
inline constexpr std::string_view kCurveSecret = "keys/curve.secret";
inline constexpr std::string_view kCurvePublic = "keys/curve.public";
inline constexpr std::string_view kServerPublic = "keys/server.public";
inline constexpr std::string_view kParticipants = "keys/participants.toml";
// Servers and sites: the Ed25519 key that signs the audit log's chain head (host/audit).
inline constexpr std::string_view kAuditKey = "keys/audit.key";      // PKCS#8 PEM, 0600
inline constexpr std::string_view kAuditPublic = "keys/audit.pub";   // SPKI PEM
// Sites: the server's audit public key, which also signs the revocation list (PROTOCOL.md).
inline constexpr std::string_view kServerAuditPublic = "keys/server-audit.pub";  // SPKI PEM
// Sites: the Ed25519 key that signs a receipt for every payload stored (host/job/receipt.hpp).
inline constexpr std::string_view kReceiptKey = "keys/receipt.key";     // PKCS#8 PEM, 0600
inline constexpr std::string_view kReceiptPublic = "keys/receipt.pub";  // SPKI PEM
inline constexpr std::string_view kTrustDir = "trust";
inline constexpr std::string_view kPluginDir = "plugins";
inline constexpr std::string_view kRootPub = "root.pub";
inline constexpr std::string_view kManifest = "manifest.toml";
inline constexpr std::string_view kManifestSig = "manifest.sig";

inline constexpr int kManifestVersion = 1;
inline constexpr int kParticipantVersion = 1;

}  // namespace cchost::kit::layout
