#pragma once
// The certificates and CRLs a verification may use, gathered from a collateral folder and the
// evidence's cert table. Nothing here is trusted: verify_chain.cpp checks all of it against the
// pinned ARK (or an explicitly configured simulated root).
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <optional>
#include <vector>

#include "cchost/crypto/x509.hpp"
#include "cchost/result.hpp"
#include "cert_table.hpp"
#include "report.hpp"

namespace cchost::snp {

struct Collateral {
  std::optional<crypto::Certificate> ark;   // informational only: the pinned ARK is the anchor
  std::optional<crypto::Certificate> ask;   // VCEK chain intermediate
  std::optional<crypto::Certificate> asvk;  // VLEK chain intermediate
  std::optional<crypto::Certificate> vcek;
  std::optional<crypto::Certificate> vlek;
  std::vector<crypto::Crl> crls;
  std::vector<crypto::Certificate> sim_arks;  // sim_ark.pem: simulated roots the caller trusts
};

// Reads `dir`: ark.pem, ask.pem, asvk.pem, vcek.{pem,der,crt,cer}, vlek.{pem,der,crt,cer},
// crl.{der,pem}, sim_ark.pem (each PEM or DER; all optional). A file that exists but does not
// parse is an error naming the file, never silently skipped.
Result<Collateral> load_collateral_dir(const std::filesystem::path& dir);

// Remembers parsed collateral folders, keyed by the folder and the (inode, size, mtime, ctime)
// of every file load_collateral_dir() reads, so a warm verify() does not re-parse the same
// certificates; any change to a file (ctime cannot be set back by a user) reloads the folder.
class CollateralFolderCache {
 public:
  explicit CollateralFolderCache(std::size_t capacity = 64) : capacity_(capacity) {}
  Result<Collateral> load(const std::filesystem::path& dir);

 private:
  struct Entry {
    std::string fingerprint;
    Collateral collateral;
  };
  std::size_t capacity_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;  // by folder path
};

// Fills the slots the folder left empty from the evidence's cert table (NOTES §7). The table's
// ASK entry is the ASVK when the report is VLEK-signed. Certificates are parsed through
// `parsed` (the same chip sends the same certificates with every report).
Status merge_cert_table(const CertTable& table, SigningKey signing_key, Collateral& collateral,
                        crypto::CertificateCache& parsed);

}  // namespace cchost::snp
