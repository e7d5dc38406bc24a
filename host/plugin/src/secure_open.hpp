#pragma once
// Opens a plugin file so that what gets hashed is what gets loaded, after refusing files that
// someone other than the owner could have written.
#include <filesystem>
#include <string>

#include "cchost/result.hpp"

namespace cchost::plugin {

// An open file descriptor (closed on destruction) and the SHA-256 of its content.
class CheckedFile {
 public:
  CheckedFile(int fd, std::string sha256_hex) : fd_(fd), sha256_hex_(std::move(sha256_hex)) {}
  ~CheckedFile();
  CheckedFile(CheckedFile&& other) noexcept;
  CheckedFile(const CheckedFile&) = delete;
  CheckedFile& operator=(const CheckedFile&) = delete;
  CheckedFile& operator=(CheckedFile&&) = delete;

  // "/proc/self/fd/N": dlopen()ing this loads the very inode we hashed, so a rename of another
  // file over the path between the hash and the load (TOCTOU) changes nothing.
  std::string proc_path() const;
  // Renumbers the descriptor so that proc_path() is a name no earlier dlopen in this process
  // used (see secure_open.cpp for why). Call once, right before loading.
  Status make_proc_path_unique();
  const std::string& sha256_hex() const { return sha256_hex_; }
  void set_sha256_hex(std::string hex) { sha256_hex_ = std::move(hex); }

 private:
  int fd_;
  std::string sha256_hex_;
};

// Refuses a file that is not a regular file, is a symbolic link, is writable by group or
// others, or is owned by neither root nor this user; and the same for each folder from its
// parent up to `trusted_root` (only the parent when `trusted_root` is empty).
Result<CheckedFile> open_checked(const std::filesystem::path& file,
                                 const std::filesystem::path& trusted_root);

// Accepts 64 hex digits in either case; returns them lowercased.
Result<std::string> normalise_pin(const std::string& pin);

}  // namespace cchost::plugin
