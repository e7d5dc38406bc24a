// The reference (RIM) and OCSP checkers an NVIDIA plugin verifies with, read from its
// collateral folder once at create(): RIMs under rims/ or in the folder itself (found by the id
// in their file name),
// OCSP responses under ocsp/. RIM signing chains end at NVIDIA's compiled-in CoRIM root or at
// a configured simulated RIM root; OCSP responses are trusted only through chains verified here.
#include <filesystem>
#include <map>
#include <mutex>

#include <sys/stat.h>

#include "ocsp/offline_ocsp.hpp"
#include "rim/measurement_compare.hpp"
#include "rim/rim_store.hpp"
#include "trust/nvidia_roots.hpp"
#include "verify/nv_authorizer.hpp"

namespace cchost::nv {
namespace {

namespace fs = std::filesystem;

// The version a RIM must state for the report that selected it.
std::string expected_version(const VerifiedDevice& d, const std::string& role) {
  if (role == "driver") return d.opaque.driver_version.value_or("");
  return d.opaque.vbios_version.value_or("");
}

// What a RIM for this device must say it is for: Meta@edition GPU or SWITCH by role, and
// Meta@product the chip the device identity certificate names ("GH100 A01 GSP BROM" -> GH100,
// "LS_10 A01 FSP BROM" -> LS10).
std::string expected_edition(const std::string& role) { return role == "bios" ? "SWITCH" : "GPU"; }
std::string certified_chip(const VerifiedDevice& d) {
  std::string chip = d.identity.hwmodel.substr(0, d.identity.hwmodel.find(' '));
  chip.erase(std::remove(chip.begin(), chip.end(), '_'), chip.end());
  return chip;
}

bool same_version(std::string a, std::string b) {
  for (auto* s : {&a, &b}) {
    for (auto& c : *s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return a == b;
}

RuntimeMeasurements runtime_of(const VerifiedDevice& d) {
  RuntimeMeasurements out;
  for (const auto& b : d.report.response.blocks) out.emplace(b.index, b.value);
  return out;
}

class RimReferenceChecker : public ReferenceChecker {
 public:
  RimReferenceChecker(DeviceClass device, std::shared_ptr<const RimStore> store, std::string store_error,
                      std::vector<crypto::Certificate> roots, std::shared_ptr<const OcspResponses> ocsp)
      : device_(device), store_(std::move(store)), store_error_(std::move(store_error)), roots_(std::move(roots)), ocsp_(std::move(ocsp)) {}

  ReferenceOutcome check(const VerifiedDevice& d, std::time_t at) const override {
    ReferenceOutcome out;
    std::vector<std::shared_ptr<const CheckedRim>> verified;
    for (const auto& [role, id] : rim_ids_for(d)) {
      RimOutcome rim;
      rim.role = role;
      rim.id = id;
      auto checked = check_one(d, rim, at);
      if (checked) verified.push_back(checked);
      out.rims.push_back(std::move(rim));
    }
    if (verified.size() != out.rims.size()) {
      out.detail = "a RIM is not verified, so the measurements cannot be compared";
      return out;
    }
    out.oemid = verified.front()->document.firmware_manufacturer_id;
    const RuntimeMeasurements runtime = runtime_of(d);
    MeasurementComparison c;
    if (device_ == DeviceClass::gpu) {
      GpuCompareOptions options;
      options.nvdec0_status = d.opaque.nvdec0_status;
      c = compare_gpu_measurements(verified[0]->document, verified[1]->document, runtime, options);
    } else {
      c = compare_switch_measurements(verified[0]->document, runtime);
    }
    out.measurements = c.success ? "success" : "fail";
    out.index_conflict = !c.index_no_conflict;
    for (const auto& m : c.mismatches) out.mismatch_indices.push_back(m.index);
    for (unsigned i : c.conflicting_indices) out.mismatch_indices.push_back(i);
    std::sort(out.mismatch_indices.begin(), out.mismatch_indices.end());
    out.mismatch_indices.erase(std::unique(out.mismatch_indices.begin(), out.mismatch_indices.end()), out.mismatch_indices.end());
    return out;
  }

 private:
  // Fills `rim`; returns the document when it may be compared against.
  std::shared_ptr<const CheckedRim> check_one(const VerifiedDevice& d, RimOutcome& rim, std::time_t at) const {
    if (!store_) {
      rim.detail = store_error_;
      return nullptr;
    }
    auto checked = load_checked(rim);
    if (!checked) return nullptr;
    const RimVerification v = evaluate_rim_signature(checked->signature, at);
    rim.cert_status = std::string(to_string(v.cert_status));
    rim.cert_expiration = v.cert_expiration;
    if (!v.signature_ok) {
      rim.status = "bad_signature";
      rim.detail = v.signature_error;
      return nullptr;
    }
    if (v.cert_status == CertStatus::invalid) {
      rim.status = "bad_chain";
      rim.detail = v.cert_error;
      return nullptr;
    }
    if (ocsp_) {
      OcspOptions o;
      o.at = at;
      rim.ocsp_status = std::string(to_string(check_rim_chain_ocsp(*ocsp_, v.chain, o).worst));
    }
    const std::string& stated = checked->document.colloquial_version;
    if (!same_version(stated, expected_version(d, rim.role))) {
      rim.status = "version_mismatch";
      rim.detail = "the RIM is for version " + stated + ", the report states " + expected_version(d, rim.role);
      return nullptr;
    }
    const RimDocument& doc = checked->document;
    if (!same_version(doc.edition, expected_edition(rim.role)) || !same_version(doc.product, certified_chip(d))) {
      rim.status = "wrong_device";
      rim.detail = "the RIM is for " + doc.product + " " + doc.edition + ", the device is a " + certified_chip(d) + " " +
                   expected_edition(rim.role);
      return nullptr;
    }
    rim.simulated = !v.chain.empty() && v.chain.back().der() != nvidia_corim_signing_root().der();
    rim.status = "verified";
    return checked;
  }

  // The checked RIM for rim.id. A file seen before and unchanged since (same inode, size and
  // modification time) is not read and hashed again: a warm verify costs one stat per RIM.
  // Any change sends it through the store, which re-reads, re-hashes and re-checks it.
  std::shared_ptr<const CheckedRim> load_checked(RimOutcome& rim) const {
    auto path = store_->path_of(rim.id);
    if (!path) {
      rim.status = path.message().find("no RIM with id") != std::string::npos ? "missing" : "malformed";
      rim.detail = path.message();
      return nullptr;
    }
    struct stat st {};
    const bool stat_ok = ::lstat(path->c_str(), &st) == 0;
    const FileIdentity identity{st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec};
    if (stat_ok) {
      std::lock_guard lock(memo_mutex_);
      if (auto it = memo_.find(rim.id); it != memo_.end() && it->second.first == identity) return it->second.second;
    }
    auto loaded = store_->load(rim.id, roots_, 0);
    if (!loaded) {
      rim.status = "malformed";
      rim.detail = loaded.message();
      return nullptr;
    }
    if (stat_ok) {
      std::lock_guard lock(memo_mutex_);
      memo_.insert_or_assign(rim.id, std::make_pair(identity, loaded->checked));
    }
    return loaded->checked;
  }

  struct FileIdentity {
    ino_t inode;
    off_t size;
    time_t mtime_sec;
    long mtime_nsec;
    bool operator==(const FileIdentity&) const = default;
  };

  DeviceClass device_;
  std::shared_ptr<const RimStore> store_;
  std::string store_error_;
  std::vector<crypto::Certificate> roots_;
  std::shared_ptr<const OcspResponses> ocsp_;
  mutable std::mutex memo_mutex_;
  mutable std::map<std::string, std::pair<FileIdentity, std::shared_ptr<const CheckedRim>>> memo_;
};

class ChainOcspChecker : public OcspChecker {
 public:
  explicit ChainOcspChecker(std::shared_ptr<const OcspResponses> responses) : responses_(std::move(responses)) {}
  std::string device_chain_status(const DeviceIdentity& identity, std::time_t at) const override {
    OcspOptions o;
    o.at = at;
    return std::string(to_string(check_device_chain_ocsp(*responses_, identity.certificates, o).worst));
  }

 private:
  std::shared_ptr<const OcspResponses> responses_;
};

}  // namespace

NvCheckers make_checkers(DeviceClass device, const NvPluginConfig& config, const std::string& collateral_dir) {
  std::vector<crypto::Certificate> rim_roots{nvidia_corim_signing_root()};
  rim_roots.insert(rim_roots.end(), config.sim_rim_roots.begin(), config.sim_rim_roots.end());

  std::shared_ptr<const RimStore> store;
  std::string store_error = "no collateral folder is configured";
  std::shared_ptr<const OcspResponses> ocsp;
  if (!collateral_dir.empty()) {
    // RIMs under rims/, or directly in the folder (a kit's trust/<ns>/ holds them flat).
    std::error_code ec;
    const fs::path rims = fs::is_directory(fs::path(collateral_dir) / "rims", ec) ? fs::path(collateral_dir) / "rims"
                                                                                 : fs::path(collateral_dir);
    if (fs::is_directory(rims, ec)) {
      auto opened = RimStore::open(rims);
      if (opened) {
        store = std::make_shared<const RimStore>(std::move(*opened));
      } else {
        store_error = opened.message();
      }
    } else {
      store_error = "the collateral folder " + collateral_dir + " does not exist";
    }
    // OCSP responses under ocsp/, or directly in the folder (a kit's trust/<ns>/).
    const fs::path responses = fs::is_directory(fs::path(collateral_dir) / "ocsp", ec) ? fs::path(collateral_dir) / "ocsp"
                                                                                       : fs::path(collateral_dir);
    if (fs::is_directory(responses, ec)) {
      auto loaded = OcspResponses::load_folder(responses);
      if (loaded) ocsp = std::make_shared<const OcspResponses>(std::move(*loaded));
    }
  }
  NvCheckers out;
  out.references = std::make_shared<RimReferenceChecker>(device, std::move(store), std::move(store_error), std::move(rim_roots), ocsp);
  if (ocsp) out.ocsp = std::make_shared<ChainOcspChecker>(ocsp);
  return out;
}

}  // namespace cchost::nv
