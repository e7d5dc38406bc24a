#pragma once
// An offline RIM store over a collateral folder (NOTES §5: what an offline verifier uses
// instead of the RIM service), the RIM id builders, and a cache of parsed + checked RIMs.
//
// Index: every regular `*.xml` / `*.swidtag` file directly in the folder (not recursive,
// symlinks refused) is indexed by the RIM id its **file name** carries, because the document
// itself does not carry one (rim_document.hpp): the name from its first "NV_" on, without
// the extension ("NV_GPU_DRIVER_GH100_550.144.03.xml",
// "switchVBIOSRim_NV_SWITCH_BIOS_5612_0002_890_9610550001.xml"), or nvtrust's sample naming
// "{project}_{sku}_{chip_sku}_{vbios}[_PROD].swidtag" as NV_GPU_VBIOS_{...}. Ids compare
// case-insensitively (upper case). Two files with one id make that id ambiguous: looking it up
// is an error naming both files. Files are re-read on every lookup (bounded size) and the
// parse + signature check is cached by SHA-256 of the bytes and the pinned roots, so a warm
// lookup hashes 20 KiB instead of parsing and verifying. Thread-safe.
#include <cstddef>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/crypto/x509.hpp"
#include "cchost/result.hpp"
#include "rim/rim_document.hpp"
#include "rim/rim_signature.hpp"

namespace cchost::nv {

// RIM ids (NOTES §5). Inputs come from untrusted reports: only [A-Za-z0-9._-] is accepted.
Result<std::string> hopper_driver_rim_id(std::string_view driver_version);      // NV_GPU_DRIVER_GH100_{v}
// Blackwell: NV_GPU_CC_DRIVER_{chip}_{v}; chip_info empty (no CHIP_INFO TLV) means GB100.
Result<std::string> blackwell_driver_rim_id(std::string_view chip_info, std::string_view driver_version);
// NV_GPU_VBIOS_{PROJECT}_{PROJECT_SKU}_{CHIP_SKU}_{VBIOS without dots}, upper case.
Result<std::string> vbios_rim_id(std::string_view project, std::string_view project_sku, std::string_view chip_sku,
                                 std::string_view vbios_version);
// NV_SWITCH_BIOS_5612_0002_890_{BIOS without dots}, upper case (LS10 constants).
Result<std::string> switch_bios_rim_id(std::string_view bios_version);

// The id a collateral file name carries, or empty when it carries none.
std::string rim_id_from_file_name(const std::string& file_name);

struct RimStoreLimits {
  std::size_t max_files = 4096;                 // files considered (more: open fails)
  std::size_t max_file_bytes = kMaxRimBytes;    // larger files are listed in skipped()
  std::size_t max_cache_entries = 1024;         // checked RIMs kept (cleared when full)
};

// A parsed RIM and its time-independent signature check.
struct CheckedRim {
  Bytes sha256;             // of the file bytes
  RimDocument document;
  RimSignatureCheck signature;
};

// A RIM looked up for one verification: the document and the verdict at the time asked.
struct LoadedRim {
  std::string id;
  std::filesystem::path path;
  std::shared_ptr<const CheckedRim> checked;
  RimVerification verification;  // at `at`
};

class RimStore {
 public:
  static Result<RimStore> open(const std::filesystem::path& folder, RimStoreLimits limits = {});

  std::vector<std::string> ids() const;  // sorted
  // Files not indexed, with why (no id in the name, too large, not a regular file, ...).
  const std::vector<std::pair<std::filesystem::path, std::string>>& skipped() const { return skipped_; }
  Result<std::filesystem::path> path_of(std::string_view id) const;

  // Reads the RIM for `id`, parses it (an error if it does not parse) and checks its
  // signature and chain against `pinned_roots`; the verdict is for time `at`. A bad
  // signature or chain is not an error here: it is in `verification` for the caller to judge.
  Result<LoadedRim> load(std::string_view id, const std::vector<crypto::Certificate>& pinned_roots,
                         std::time_t at) const;
  // The same for a file or bytes from elsewhere (a RIM named in a policy, a service response).
  Result<LoadedRim> load_file(const std::filesystem::path& path, const std::vector<crypto::Certificate>& pinned_roots,
                              std::time_t at) const;
  Result<LoadedRim> load_bytes(ByteView xml, const std::vector<crypto::Certificate>& pinned_roots,
                               std::time_t at) const;

  // Cache statistics (tests and the benchmark): checks done vs answered from the cache.
  std::size_t cache_misses() const;
  std::size_t cache_hits() const;

  struct Cache;  // shared by copies of the store

 private:
  RimStore() = default;
  std::filesystem::path folder_;
  RimStoreLimits limits_;
  std::map<std::string, std::vector<std::filesystem::path>> index_;  // id -> files (>1: ambiguous)
  std::vector<std::pair<std::filesystem::path, std::string>> skipped_;
  std::shared_ptr<Cache> cache_;
};

}  // namespace cchost::nv
