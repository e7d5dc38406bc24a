// Collateral gathering: folder files first (the relying party's choice), then the cert table.
#include "collateral.hpp"

#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

namespace cchost::snp {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxCollateralFile = 1 << 20;

Result<Bytes> read_small_file(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return make_error("SNP collateral: cannot stat " + path.string() + ": " + ec.message());
  if (size > kMaxCollateralFile) {
    return make_error("SNP collateral: " + path.string() + " is " + std::to_string(size) +
                      " bytes, at most " + std::to_string(kMaxCollateralFile) + " expected");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("SNP collateral: cannot open " + path.string());
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The first of `dir/<stem>.<ext>` that exists; nullopt when none.
std::optional<fs::path> first_existing(const fs::path& dir, std::string_view stem,
                                       std::initializer_list<std::string_view> exts) {
  for (auto ext : exts) {
    fs::path p = dir / (std::string(stem) + "." + std::string(ext));
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return p;
  }
  return std::nullopt;
}

Status load_cert(const fs::path& dir, std::string_view stem,
                 std::initializer_list<std::string_view> exts,
                 std::optional<crypto::Certificate>& slot) {
  auto path = first_existing(dir, stem, exts);
  if (!path) return {};
  auto bytes = read_small_file(*path);
  if (!bytes) return bytes.error();
  auto cert = crypto::Certificate::from_pem_or_der(*bytes);
  if (!cert) {
    return make_error("SNP collateral: " + path->string() + " is not a certificate: " +
                      cert.message());
  }
  slot = std::move(*cert);
  return {};
}

Status set_from_table(const CertTable& table, const Guid& guid, const char* what,
                      std::optional<crypto::Certificate>& slot, crypto::CertificateCache& parsed) {
  if (slot) return {};
  auto der = table.find(guid);
  if (!der || der->empty()) return {};
  auto cert = parsed.from_der(*der);
  if (!cert) {
    return make_error(std::string("SNP cert table: the ") + what +
                      " entry is not a DER certificate: " + cert.message());
  }
  slot = std::move(*cert);
  return {};
}

// Every file name load_collateral_dir() may read.
const std::vector<std::string>& collateral_file_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (auto stem : {"ark", "ask", "asvk", "vcek", "vlek"}) {
      for (auto ext : {"pem", "der", "crt", "cer"}) out.push_back(std::string(stem) + "." + ext);
    }
    for (auto stem : {"crl", "vcek_crl", "vlek_crl"}) {
      for (auto ext : {"der", "pem", "crl"}) out.push_back(std::string(stem) + "." + ext);
    }
    out.push_back("sim_ark.pem");
    out.push_back("sim_ark.der");
    return out;
  }();
  return names;
}

std::string folder_fingerprint(const fs::path& dir) {
  std::string fp;
  for (const auto& name : collateral_file_names()) {
    struct stat st {};
    if (::stat((dir / name).c_str(), &st) != 0) continue;
    fp += name + ':' + std::to_string(st.st_ino) + ':' + std::to_string(st.st_size) + ':' +
          std::to_string(st.st_mtim.tv_sec) + '.' + std::to_string(st.st_mtim.tv_nsec) + ':' +
          std::to_string(st.st_ctim.tv_sec) + '.' + std::to_string(st.st_ctim.tv_nsec) + ';';
  }
  return fp;
}

}  // namespace

Result<Collateral> CollateralFolderCache::load(const fs::path& dir) {
  const std::string key = dir.lexically_normal().string();
  const std::string fp = folder_fingerprint(dir);
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.fingerprint == fp) return it->second.collateral;
  }
  auto loaded = load_collateral_dir(dir);
  // Files that changed while being read would leave a stale entry: re-check before caching.
  if (loaded && folder_fingerprint(dir) == fp) {
    std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity_) entries_.clear();
    entries_[key] = Entry{fp, *loaded};
  }
  return loaded;
}

Result<Collateral> load_collateral_dir(const fs::path& dir) {
  Collateral c;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return make_error("SNP collateral: " + dir.string() + " is not a directory");
  }
  const auto cert_exts = {std::string_view("pem"), std::string_view("der"),
                          std::string_view("crt"), std::string_view("cer")};
  if (auto s = load_cert(dir, "ark", cert_exts, c.ark); !s) return s.error();
  if (auto s = load_cert(dir, "ask", cert_exts, c.ask); !s) return s.error();
  if (auto s = load_cert(dir, "asvk", cert_exts, c.asvk); !s) return s.error();
  if (auto s = load_cert(dir, "vcek", cert_exts, c.vcek); !s) return s.error();
  if (auto s = load_cert(dir, "vlek", cert_exts, c.vlek); !s) return s.error();
  for (auto stem : {"crl", "vcek_crl", "vlek_crl"}) {
    auto path = first_existing(dir, stem, {"der", "pem", "crl"});
    if (!path) continue;
    auto bytes = read_small_file(*path);
    if (!bytes) return bytes.error();
    auto crl = crypto::Crl::from_pem_or_der(*bytes);
    if (!crl) {
      return make_error("SNP collateral: " + path->string() + " is not a CRL: " + crl.message());
    }
    c.crls.push_back(std::move(*crl));
  }
  if (auto path = first_existing(dir, "sim_ark", {"pem", "der"})) {
    std::optional<crypto::Certificate> sim;
    if (auto s = load_cert(dir, "sim_ark", {"pem", "der"}, sim); !s) return s.error();
    c.sim_arks.push_back(std::move(*sim));
  }
  return c;
}

Status merge_cert_table(const CertTable& table, SigningKey signing_key, Collateral& c,
                        crypto::CertificateCache& parsed) {
  if (auto s = set_from_table(table, kGuidArk, "ARK", c.ark, parsed); !s) return s;
  if (signing_key == SigningKey::Vcek) {
    if (auto s = set_from_table(table, kGuidAsk, "ASK", c.ask, parsed); !s) return s;
  } else {
    if (auto s = set_from_table(table, kGuidAsk, "ASVK", c.asvk, parsed); !s) return s;
  }
  if (auto s = set_from_table(table, kGuidVcek, "VCEK", c.vcek, parsed); !s) return s;
  return set_from_table(table, kGuidVlek, "VLEK", c.vlek, parsed);
}

}  // namespace cchost::snp
