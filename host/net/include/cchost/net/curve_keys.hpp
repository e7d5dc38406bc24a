#pragma once
// CURVE (Curve25519) key pairs as ZeroMQ uses them: 32-byte keys carried as 40-char Z85 text.
// Secret key files are 0600, written atomically, and refused when group/others can read them.
#include <filesystem>
#include <string>

#include "cchost/result.hpp"

namespace cchost::net {

inline constexpr std::size_t kZ85KeyLength = 40;

struct CurveKeyPair {
  std::string public_z85;
  std::string secret_z85;  // never logged
};

// Fresh key pair from libzmq (zmq_curve_keypair). Throws std::runtime_error when libzmq was
// built without CURVE: the host cannot run securely at all then.
CurveKeyPair generate_curve_keypair();

// Derives the public key from a secret key (zmq_curve_public).
Result<std::string> curve_public_from_secret(const std::string& secret_z85);

// True when `text` is 40 Z85 characters that decode to 32 bytes.
bool is_z85_key(const std::string& text);

// Key files hold one Z85 key and a newline. Writes go to a temporary file in the same
// directory, are fsync'd and renamed over the target, so a crash never leaves half a key.
Status save_public_key(const std::filesystem::path& path, const std::string& public_z85);
Status save_secret_key(const std::filesystem::path& path, const std::string& secret_z85);
Result<std::string> load_public_key(const std::filesystem::path& path);
// Refuses a file readable or writable by group/others (names the file and its mode).
Result<std::string> load_secret_key(const std::filesystem::path& path);
// Loads a secret key file and derives its public half.
Result<CurveKeyPair> load_keypair(const std::filesystem::path& secret_path);

}  // namespace cchost::net
