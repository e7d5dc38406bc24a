#include "maa_instances.hpp"

#include <sys/stat.h>

#include "cchost/verify/posix_files.hpp"
#include "json_strict.hpp"

namespace cchost::aci {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxJwksSize = 1 << 20;
constexpr std::size_t kMaxInstances = 64;
constexpr std::string_view kSuffix = ".jwks.json";

struct Folder {
  const char* name;
  bool simulated;
};
constexpr Folder kFolders[] = {{"maa", false}, {"sim_maa", true}};

// The files load() reads, sorted, so the fingerprint and the parse see the same list.
Result<std::vector<std::pair<fs::path, bool>>> list_files(const fs::path& dir) {
  std::vector<std::pair<fs::path, bool>> files;
  for (const auto& folder : kFolders) {
    std::error_code ec;
    const fs::path sub = dir / folder.name;
    if (!fs::is_directory(sub, ec)) continue;
    std::vector<fs::path> names;
    for (fs::directory_iterator it(sub, ec), end; !ec && it != end; it.increment(ec)) names.push_back(it->path());
    if (ec) return make_error("MAA collateral: cannot list " + sub.string() + ": " + ec.message());
    std::sort(names.begin(), names.end());
    for (auto& p : names) files.emplace_back(std::move(p), folder.simulated);
  }
  if (files.size() > kMaxInstances) {
    return make_error("MAA collateral: " + std::to_string(files.size()) + " files, the limit is " +
                      std::to_string(kMaxInstances));
  }
  return files;
}

Result<MaaInstance> load_instance(const fs::path& file, bool simulated) {
  const std::string name = file.filename().string();
  if (name.size() <= kSuffix.size() || name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
    return make_error("MAA collateral " + file.string() + ": expected <host>" + std::string(kSuffix));
  }
  const std::string host = name.substr(0, name.size() - kSuffix.size());
  if (!is_host_name(host)) {
    return make_error("MAA collateral " + file.string() + ": \"" + host + "\" is not a lowercase host name");
  }
  auto bytes = vkit::read_whole_file(file, kMaxJwksSize);
  if (!bytes) return make_error("MAA collateral: " + bytes.message());
  std::string text(bytes->begin(), bytes->end());
  auto doc = parse_json_object(text, "MAA collateral " + file.string());
  if (!doc) return doc.error();
  auto keys = doc->find("keys");
  if (keys == doc->end() || !keys->is_array() || keys->empty()) {
    return make_error("MAA collateral " + file.string() + ": expected a JWKS with a non-empty \"keys\" array");
  }
  return MaaInstance{"https://" + host, std::move(text), simulated};
}

std::string fingerprint_of(const std::vector<std::pair<fs::path, bool>>& files) {
  std::string out;
  for (const auto& [path, simulated] : files) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};  // unreadable: never a cache hit
    out += path.string() + '\0' + std::to_string(st.st_ino) + ':' + std::to_string(st.st_size) + ':' +
           std::to_string(st.st_mtim.tv_sec) + '.' + std::to_string(st.st_mtim.tv_nsec) + ':' +
           std::to_string(st.st_ctim.tv_sec) + '.' + std::to_string(st.st_ctim.tv_nsec) + '\n';
  }
  return out.empty() ? std::string("empty") : out;
}

}  // namespace

bool is_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.back() == '.') return false;
  std::size_t label = 0;
  for (char c : host) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    if (++label > 63) return false;
  }
  return true;
}

Result<TrustedInstances> TrustedInstances::load(const fs::path& dir) {
  auto files = list_files(dir);
  if (!files) return files.error();
  TrustedInstances out;
  for (const auto& [path, simulated] : *files) {
    auto instance = load_instance(path, simulated);
    if (!instance) return instance.error();
    if (out.instances_.count(instance->issuer)) {
      return make_error("MAA collateral: " + instance->issuer + " is pinned both as a real and a simulated instance");
    }
    std::string issuer = instance->issuer;
    out.instances_.emplace(std::move(issuer), std::move(*instance));
  }
  return out;
}

const MaaInstance* TrustedInstances::find(std::string_view issuer) const {
  auto it = instances_.find(issuer);
  return it == instances_.end() ? nullptr : &it->second;
}

std::string TrustedInstances::issuer_list() const {
  std::string out;
  for (const auto& [issuer, instance] : instances_) {
    out += (out.empty() ? "" : ", ") + issuer + (instance.simulated ? " (simulated)" : "");
  }
  return out.empty() ? "none" : out;
}

Result<TrustedInstances> TrustedInstancesCache::load(const fs::path& dir) {
  auto files = list_files(dir);
  if (!files) return files.error();
  const std::string fingerprint = fingerprint_of(*files);
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(dir.string()); it != entries_.end() && it->second.first == fingerprint) {
    return it->second.second;
  }
  auto loaded = TrustedInstances::load(dir);
  if (!loaded) return loaded.error();
  if (entries_.size() >= 16) entries_.clear();  // a handful of folders per process at most
  entries_[dir.string()] = {fingerprint, *loaded};
  return loaded;
}

}  // namespace cchost::aci
