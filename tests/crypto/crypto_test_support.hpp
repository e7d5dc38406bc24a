#pragma once
// Shared helpers for the crypto tests: a private temp dir, the openssl CLI, file I/O,
// $CCHOST_VECTORS, and conversions the tests need to build inputs (DER ECDSA -> r,s; JWKs).
#include <filesystem>
#include <string>

#include "cchost/bytes.hpp"
#include "cchost/crypto/public_key.hpp"

namespace cchost::crypto::test {

// A fresh 0700 directory under $TMPDIR, removed at exit.
const std::filesystem::path& temp_dir();

// Runs `openssl <args>` in temp_dir(); returns false (and prints the command) on failure.
bool openssl(const std::string& args);

std::string read_text(const std::filesystem::path& path);
Bytes read_bytes(const std::filesystem::path& path);
void write_bytes(const std::filesystem::path& path, ByteView data);
void write_text(const std::filesystem::path& path, const std::string& text);

// $CCHOST_VECTORS, else CCHOST_SOURCE_DIR/../shared/vectors; empty when absent.
std::filesystem::path vectors_dir();

// Splits a DER Ecdsa-Sig-Value into big-endian r and s, each `field` bytes.
bool ecdsa_der_to_raw(ByteView der, std::size_t field, Bytes& r, Bytes& s);

// A JWK (RFC 7517) for `key` with the given kid, as a JSON object text.
std::string jwk_for(const PublicKey& key, const std::string& kid);

// The SHA-256 known-answer pins of the genuine AMD ARKs (DER), computed with
// `openssl x509 -outform der | sha256sum` and matching the prefixes in snp/NOTES.md.
extern const char* const kMilanArkSha256;
extern const char* const kGenoaArkSha256;
extern const char* const kTurinArkSha256;

}  // namespace cchost::crypto::test
