#include "maa_instances.hpp"

#include <sys/stat.h>

#include <algorithm>

#include "cchost/crypto/encoding.hpp"
#include "cchost/verify/posix_files.hpp"
#include "json_strict.hpp"

namespace cchost::aci {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxJwksSize = 1 << 20;
constexpr std::size_t kMaxInstances = 64;
constexpr std::string_view kSuffix = ".jwks.json";

struct Prefix {
  std::string_view text;
  bool simulated;
};
constexpr Prefix kPrefixes[] = {{"sim_maa.", true}, {"maa.", false}};

struct PinFile {
  fs::path path;
  std::string host;
  bool simulated;
};

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The pin files load() reads, sorted, so the fingerprint and the parse see the same list.
Result<std::vector<PinFile>> list_files(const fs::path& dir) {
  std::vector<PinFile> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!ends_with(name, kSuffix)) continue;
    for (const auto& prefix : kPrefixes) {
      if (name.compare(0, prefix.text.size(), prefix.text) != 0) continue;
      files.push_back({it->path(), name.substr(prefix.text.size(), name.size() - prefix.text.size() - kSuffix.size()),
                       prefix.simulated});
      break;
    }
  }
  if (ec) return make_error("MAA collateral: cannot list " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end(), [](const PinFile& a, const PinFile& b) { return a.path < b.path; });
  if (files.size() > kMaxInstances) {
    return make_error("MAA collateral: " + std::to_string(files.size()) + " pinned instances, the limit is " +
                      std::to_string(kMaxInstances));
  }
  return files;
}

Result<MaaInstance> load_instance(const PinFile& file) {
  if (!is_host_name(file.host)) {
    return make_error("MAA collateral " + file.path.string() + ": \"" + file.host + "\" is not a lowercase host name");
  }
  auto bytes = vkit::read_whole_file(file.path, kMaxJwksSize);
  if (!bytes) return make_error("MAA collateral: " + bytes.message());
  std::string text(bytes->begin(), bytes->end());
  auto doc = parse_json_object(text, "MAA collateral " + file.path.string());
  if (!doc) return doc.error();
  auto keys = doc->find("keys");
  if (keys == doc->end() || !keys->is_array() || keys->empty()) {
    return make_error("MAA collateral " + file.path.string() + ": expected a JWKS with a non-empty \"keys\" array");
  }
  auto set = crypto::JwksKeySet::parse(text);
  if (!set) return make_error("MAA collateral " + file.path.string() + ": " + set.message());
  MaaInstance instance{"https://" + file.host, std::move(*set), file.simulated, {}};
  for (const auto& jwk : *keys) {
    const auto x5c = jwk.is_object() ? jwk.find("x5c") : jwk.end();
    if (x5c == jwk.end() || !x5c->is_array() || x5c->size() < 2) continue;
    const auto kid = jwk.find("kid");
    if (kid == jwk.end() || !kid->is_string()) continue;  // unselectable by kid: never used
    std::vector<crypto::Certificate> chain;
    for (const auto& entry : *x5c) {
      auto der = entry.is_string() ? crypto::base64_decode(entry.get<std::string>()) : Result<Bytes>(make_error("not a string"));
      auto cert = der ? crypto::Certificate::from_der(*der) : Result<crypto::Certificate>(der.error());
      if (!cert) return make_error("MAA collateral " + file.path.string() + ": x5c of \"" + kid->get<std::string>() + "\": " +
                                   cert.message());
      chain.push_back(std::move(*cert));
    }
    instance.pki_chains[kid->get<std::string>()] = std::move(chain);
  }
  return instance;
}

std::string fingerprint_of(const std::vector<PinFile>& files) {
  std::string out;
  for (const auto& [path, host, simulated] : files) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};  // unreadable: never a cache hit
    out += path.string() + '\0' + std::to_string(st.st_ino) + ':' + std::to_string(st.st_size) + ':' +
           std::to_string(st.st_mtim.tv_sec) + '.' + std::to_string(st.st_mtim.tv_nsec) + ':' +
           std::to_string(st.st_ctim.tv_sec) + '.' + std::to_string(st.st_ctim.tv_nsec) + '\n';
  }
  return out.empty() ? std::string("empty") : out;
}

}  // namespace

Status check_maa_pki_chain(const std::vector<crypto::Certificate>& chain, std::int64_t at) {
  if (chain.size() < 2) return make_error("MAA key chain: expected a leaf and its root");
  if (crypto::hex_encode(chain.back().sha256()) != kMicrosoftRoot2011Sha256) {
    return make_error("MAA key chain: ends in \"" + chain.back().subject() + "\", not the pinned Microsoft Root CA 2011");
  }
  crypto::ChainOptions options;
  options.anchors = {chain.back()};
  options.at = static_cast<std::time_t>(at);
  std::vector<crypto::Certificate> intermediates(chain.begin() + 1, chain.end() - 1);
  if (auto path = crypto::verify_chain(chain.front(), intermediates, options); !path) {
    return make_error("MAA key chain: " + path.message());
  }
  auto eku = chain.front().extended_key_usage();
  if (!eku) return make_error("MAA key chain leaf: " + eku.message());
  if (std::find(eku->begin(), eku->end(), kMaaSigningEku) == eku->end()) {
    return make_error("MAA key chain leaf \"" + chain.front().subject() + "\": EKU " + kMaaSigningEku + " missing");
  }
  return {};
}

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
  for (const auto& file : *files) {
    auto instance = load_instance(file);
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

Result<std::shared_ptr<const TrustedInstances>> TrustedInstancesCache::load(const fs::path& dir) {
  auto files = list_files(dir);
  if (!files) return files.error();
  const std::string fingerprint = fingerprint_of(*files);
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(dir.string()); it != entries_.end() && it->second.first == fingerprint) {
    return it->second.second;
  }
  auto loaded = TrustedInstances::load(dir);
  if (!loaded) return loaded.error();
  auto shared = std::make_shared<const TrustedInstances>(std::move(*loaded));
  if (entries_.size() >= 16) entries_.clear();  // a handful of folders per process at most
  entries_[dir.string()] = {fingerprint, shared};
  return shared;
}

}  // namespace cchost::aci
