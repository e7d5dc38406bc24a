// Atomic, no-replace writes of keys and certificates; PEM encodings.
#include "cchost/verify/key_files.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/random.hpp"
#include "cchost/verify/posix_files.hpp"

namespace cchost::vkit {
namespace {

// Closes a descriptor and removes a temporary file unless released.
class TempFile {
 public:
  explicit TempFile(std::filesystem::path path) : path_(std::move(path)) {}
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!released_) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  int& fd() { return fd_; }
  const std::filesystem::path& path() const { return path_; }
  void release() { released_ = true; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  bool released_ = false;
};

Status move_no_replace(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return {};
  const int err = errno;
  if (err == EEXIST) return make_error("refusing to overwrite existing file " + to.string());
  if (err != EINVAL && err != ENOSYS) {
    return make_error("rename " + from.string() + " -> " + to.string() + ": " + errno_text(err));
  }
  // Filesystems without RENAME_NOREPLACE: link() also fails rather than replace.
  if (::link(from.c_str(), to.c_str()) != 0) {
    const int link_err = errno;
    if (link_err == EEXIST) return make_error("refusing to overwrite existing file " + to.string());
    return make_error("link " + from.string() + " -> " + to.string() + ": " + errno_text(link_err));
  }
  ::unlink(from.c_str());
  return {};
}

}  // namespace

Status write_new_file(const std::filesystem::path& path, ByteView data, unsigned mode) {
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
    return make_error("refusing to overwrite existing file " + path.string());
  }
  const std::string suffix = crypto::hex_encode(crypto::random_bytes(8));
  TempFile tmp(path.parent_path() / ("." + path.filename().string() + ".tmp-" + suffix));
  // O_EXCL + O_NOFOLLOW: never write through a planted file or link. The mode is applied at
  // creation, so the key is never readable by others, not even for an instant.
  tmp.fd() = ::open(tmp.path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    static_cast<mode_t>(mode));
  if (tmp.fd() < 0) {
    const int err = errno;
    tmp.release();  // nothing was created
    return make_error("create " + tmp.path().string() + ": " + errno_text(err));
  }
  if (::fchmod(tmp.fd(), static_cast<mode_t>(mode)) != 0) {  // umask may have narrowed it
    return make_error("chmod " + tmp.path().string() + ": " + errno_text(errno));
  }
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(tmp.fd(), data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error("write " + tmp.path().string() + ": " + errno_text(errno));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(tmp.fd()) != 0) {
    return make_error("fsync " + tmp.path().string() + ": " + errno_text(errno));
  }
  if (auto moved = move_no_replace(tmp.path(), path); !moved) return moved;
  tmp.release();
  return {};
}

Result<Bytes> read_small_file(const std::filesystem::path& path, std::size_t max_size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("cannot open " + path.string() + ": " + errno_text(errno));
  Bytes data;
  char buf[4096];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    data.insert(data.end(), buf, buf + in.gcount());
    if (data.size() > max_size) {
      return make_error(path.string() + " is larger than " + std::to_string(max_size) + " bytes");
    }
  }
  return data;
}

namespace {
Result<Bytes> bio_contents(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  if (len <= 0 || data == nullptr) return make_error("empty PEM/DER output");
  return Bytes(reinterpret_cast<std::uint8_t*>(data), reinterpret_cast<std::uint8_t*>(data) + len);
}
}  // namespace

Result<Bytes> private_key_pkcs8_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return make_error("encoding private key as PKCS#8 PEM: " + take_openssl_error());
  }
  return bio_contents(bio.get());
}

Result<Bytes> certificate_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return make_error("encoding certificate as PEM: " + take_openssl_error());
  }
  return bio_contents(bio.get());
}

Result<Bytes> certificate_der(X509* cert) {
  const int len = i2d_X509(cert, nullptr);
  if (len <= 0) return make_error("encoding certificate as DER: " + take_openssl_error());
  Bytes der(static_cast<std::size_t>(len));
  unsigned char* out = der.data();
  if (i2d_X509(cert, &out) != len) return make_error("encoding certificate as DER: length changed");
  return der;
}

Result<EvpPkeyPtr> load_private_key_file(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return make_error("cannot read key " + path.string() + ": " + errno_text(errno));
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return make_error("key file " + path.string() + " has mode " + mode +
                      ": expected 0600 (readable by its owner only)");
  }
  auto pem = read_small_file(path, 64 * 1024);
  if (!pem) return pem.error();
  BioPtr bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())));
  EvpPkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) return make_error("cannot parse private key " + path.string() + ": " + take_openssl_error());
  return key;
}

Result<X509Ptr> load_certificate_pem_file(const std::filesystem::path& path) {
  auto pem = read_small_file(path, 64 * 1024);
  if (!pem) return pem.error();
  BioPtr bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())));
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) {
    return make_error("cannot parse certificate " + path.string() + ": " + take_openssl_error());
  }
  return cert;
}

}  // namespace cchost::vkit
