// The offline RIM store, RIM ids and the checked-RIM cache (see rim_store.hpp).
#include "rim/rim_store.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <mutex>
#include <regex>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"

namespace cchost::nv {

struct RimStore::Cache {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const CheckedRim>> entries;
  std::atomic<std::size_t> hits{0};
  std::atomic<std::size_t> misses{0};
};

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string without_dots(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '.') out += c;
  }
  return out;
}

Status check_id_part(std::string_view value, const char* what) {
  if (value.empty() || value.size() > 64) {
    return make_error(std::string("RIM id: ") + what + " must be 1..64 characters, got " + std::to_string(value.size()));
  }
  for (char c : value) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return make_error(std::string("RIM id: ") + what + " has a character outside [A-Za-z0-9._-]: \"" +
                        std::string(value) + "\"");
    }
  }
  return {};
}

Result<Bytes> read_bounded(const std::filesystem::path& path, std::size_t max) {
  std::error_code ec;
  const auto status = std::filesystem::symlink_status(path, ec);
  if (ec || !std::filesystem::is_regular_file(status)) {
    return make_error("RIM file " + path.string() + ": not a regular file");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return make_error("RIM file " + path.string() + ": " + ec.message());
  if (size > max) {
    return make_error("RIM file " + path.string() + ": " + std::to_string(size) + " bytes, the limit is " +
                      std::to_string(max));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("RIM file " + path.string() + ": cannot be opened");
  Bytes data(static_cast<std::size_t>(size));
  in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (in.gcount() != static_cast<std::streamsize>(data.size()) || in.peek() != std::char_traits<char>::eof()) {
    return make_error("RIM file " + path.string() + ": changed size while read");
  }
  return data;
}

std::string roots_key(const std::vector<crypto::Certificate>& roots) {
  std::string key;
  for (const auto& r : roots) key += crypto::hex_encode(r.sha256()) + ",";
  return key;
}

}  // namespace

Result<std::string> hopper_driver_rim_id(std::string_view driver_version) {
  if (auto ok = check_id_part(driver_version, "driver version"); !ok) return ok.error();
  return "NV_GPU_DRIVER_GH100_" + upper(driver_version);
}

Result<std::string> blackwell_driver_rim_id(std::string_view chip_info, std::string_view driver_version) {
  const std::string_view chip = chip_info.empty() ? std::string_view("GB100") : chip_info;
  if (auto ok = check_id_part(chip, "chip"); !ok) return ok.error();
  if (auto ok = check_id_part(driver_version, "driver version"); !ok) return ok.error();
  return "NV_GPU_CC_DRIVER_" + upper(chip) + "_" + upper(driver_version);
}

Result<std::string> vbios_rim_id(std::string_view project, std::string_view project_sku, std::string_view chip_sku,
                                 std::string_view vbios_version) {
  if (auto ok = check_id_part(project, "project"); !ok) return ok.error();
  if (auto ok = check_id_part(project_sku, "project SKU"); !ok) return ok.error();
  if (auto ok = check_id_part(chip_sku, "chip SKU"); !ok) return ok.error();
  if (auto ok = check_id_part(vbios_version, "VBIOS version"); !ok) return ok.error();
  return upper("NV_GPU_VBIOS_" + std::string(project) + "_" + std::string(project_sku) + "_" + std::string(chip_sku) +
               "_" + without_dots(vbios_version));
}

Result<std::string> switch_bios_rim_id(std::string_view bios_version) {
  if (auto ok = check_id_part(bios_version, "BIOS version"); !ok) return ok.error();
  return "NV_SWITCH_BIOS_5612_0002_890_" + upper(without_dots(bios_version));
}

std::string rim_id_from_file_name(const std::string& file_name) {
  std::string stem = file_name;
  for (const char* ext : {".xml", ".swidtag"}) {
    const std::string e(ext);
    if (stem.size() > e.size() && stem.compare(stem.size() - e.size(), e.size(), e) == 0) {
      stem.resize(stem.size() - e.size());
      break;
    }
  }
  if (stem == file_name) return {};
  const std::string up = upper(stem);
  if (const auto at = up.find("NV_"); at != std::string::npos) {
    const std::string id = up.substr(at);
    return check_id_part(id, "file name") ? id : std::string();
  }
  // nvtrust's sample folder: {project}_{project_sku}_{chip_sku}_{vbios 10 hex}[_PROD]
  static const std::regex sample("^([0-9A-Z]{4})_([0-9A-Z]{4})_([0-9]{3})_([0-9A-F]{10})(_PROD)?$");
  std::smatch m;
  if (std::regex_match(up, m, sample)) return "NV_GPU_VBIOS_" + m[1].str() + "_" + m[2].str() + "_" + m[3].str() + "_" + m[4].str();
  return {};
}

Result<RimStore> RimStore::open(const std::filesystem::path& folder, RimStoreLimits limits) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) return make_error("RIM store: " + folder.string() + " is not a folder");
  RimStore store;
  store.folder_ = folder;
  store.limits_ = limits;
  store.cache_ = std::make_shared<Cache>();
  std::size_t seen = 0;
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const auto& path = it->path();
    const std::string name = path.filename().string();
    const bool rim_like = name.ends_with(".xml") || name.ends_with(".swidtag");
    if (!rim_like) continue;
    if (++seen > limits.max_files) {
      return make_error("RIM store: " + folder.string() + " holds more than " + std::to_string(limits.max_files) +
                        " RIM files");
    }
    const auto status = it->symlink_status(ec);
    if (ec || !std::filesystem::is_regular_file(status)) {
      store.skipped_.emplace_back(path, "not a regular file");
      ec.clear();
      continue;
    }
    const std::string id = rim_id_from_file_name(name);
    if (id.empty()) {
      store.skipped_.emplace_back(path, "the file name carries no RIM id");
      continue;
    }
    store.index_[id].push_back(path);
  }
  if (ec) return make_error("RIM store: cannot list " + folder.string() + ": " + ec.message());
  for (auto& [id, paths] : store.index_) std::sort(paths.begin(), paths.end());
  return store;
}

std::vector<std::string> RimStore::ids() const {
  std::vector<std::string> out;
  for (const auto& [id, paths] : index_) out.push_back(id);
  return out;
}

Result<std::filesystem::path> RimStore::path_of(std::string_view id) const {
  const auto it = index_.find(upper(id));
  if (it == index_.end()) return make_error("RIM store: no RIM with id " + std::string(id) + " in " + folder_.string());
  if (it->second.size() > 1) {
    std::string files;
    for (const auto& p : it->second) files += " " + p.filename().string();
    return make_error("RIM store: id " + std::string(id) + " is ambiguous, files:" + files);
  }
  return it->second.front();
}

Result<LoadedRim> RimStore::load(std::string_view id, const std::vector<crypto::Certificate>& pinned_roots,
                                 std::time_t at) const {
  auto path = path_of(id);
  if (!path) return path.error();
  auto loaded = load_file(*path, pinned_roots, at);
  if (loaded) loaded->id = upper(id);
  return loaded;
}

Result<LoadedRim> RimStore::load_file(const std::filesystem::path& path,
                                      const std::vector<crypto::Certificate>& pinned_roots, std::time_t at) const {
  auto bytes = read_bounded(path, limits_.max_file_bytes);
  if (!bytes) return bytes.error();
  auto loaded = load_bytes(*bytes, pinned_roots, at);
  if (!loaded) return make_error(path.filename().string() + ": " + loaded.message());
  loaded->path = path;
  loaded->id = rim_id_from_file_name(path.filename().string());
  return loaded;
}

Result<LoadedRim> RimStore::load_bytes(ByteView xml, const std::vector<crypto::Certificate>& pinned_roots,
                                       std::time_t at) const {
  const Bytes digest = crypto::sha256(xml);
  const std::string key = crypto::hex_encode(digest) + "|" + roots_key(pinned_roots);
  std::shared_ptr<const CheckedRim> checked;
  {
    std::lock_guard lock(cache_->mutex);
    if (auto it = cache_->entries.find(key); it != cache_->entries.end()) checked = it->second;
  }
  if (checked) {
    ++cache_->hits;
  } else {
    ++cache_->misses;
    auto document = parse_rim_document(xml);
    if (!document) return document.error();
    auto fresh = std::make_shared<CheckedRim>();
    fresh->sha256 = digest;
    fresh->document = std::move(*document);
    fresh->signature = check_rim_signature(xml, pinned_roots);
    checked = fresh;
    std::lock_guard lock(cache_->mutex);
    if (cache_->entries.size() >= limits_.max_cache_entries) cache_->entries.clear();
    cache_->entries.emplace(key, checked);
  }
  LoadedRim out;
  out.checked = checked;
  out.verification = evaluate_rim_signature(checked->signature, at);
  return out;
}

std::size_t RimStore::cache_misses() const { return cache_->misses.load(); }
std::size_t RimStore::cache_hits() const { return cache_->hits.load(); }

}  // namespace cchost::nv
