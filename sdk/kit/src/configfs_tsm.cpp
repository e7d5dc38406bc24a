// configfs-tsm report client (see configfs_tsm.hpp for the protocol it follows).
#include "cchost/verify/configfs_tsm.hpp"

#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>

#include "cchost/verify/posix_files.hpp"

namespace cchost::vkit {
namespace {

constexpr std::string_view kName = "configfs-tsm";

// The kernel's errno for a failed configfs-tsm step says what went wrong.
std::string hint_for(int err) {
  switch (err) {
    case ENXIO: return " (no TSM provider, or the firmware returned an error status)";
    case ENOTTY: return " (the kernel disabled the guest's key after an earlier failed request)";
    case EINVAL: return " (rejected parameter: inblob at most 64 bytes, privlevel floor..3)";
    case EBUSY: return " (write generation wrapped; retry)";
    case ENOENT: return " (configfs-tsm is not available here)";
    default: return "";
  }
}

Error step_error(std::string_view step, const std::filesystem::path& path, int err) {
  return make_error(std::string(kName) + ": " + std::string(step) + " " + path.string() + ": " +
                    errno_text(err) + hint_for(err));
}

std::string trimmed(const Bytes& b) {
  std::string s(b.begin(), b.end());
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

Result<std::uint64_t> read_uint_attribute(const std::filesystem::path& path) {
  int err = 0;
  auto bytes = read_whole_file(path, 64, &err);
  if (!bytes) return err ? step_error("read", path, err) : make_error(bytes.message());
  const std::string text = trimmed(*bytes);
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return make_error(std::string(kName) + ": " + path.string() +
                      ": expected a decimal number, got \"" + text + "\"");
  }
  return value;
}

// Removes the entry on every path out, so a failed request leaves nothing behind in configfs.
class EntryGuard {
 public:
  explicit EntryGuard(std::filesystem::path entry) : entry_(std::move(entry)) {}
  ~EntryGuard() {
    if (!entry_.empty()) ::rmdir(entry_.c_str());
  }
  EntryGuard(const EntryGuard&) = delete;
  EntryGuard& operator=(const EntryGuard&) = delete;
  const std::filesystem::path& path() const { return entry_; }

 private:
  std::filesystem::path entry_;
};

// pid, a counter and random bits: unique within and across processes sharing configfs.
std::filesystem::path unique_entry(const std::filesystem::path& root) {
  static std::atomic<unsigned> counter{0};
  unsigned char random[6] = {};
  if (RAND_bytes(random, sizeof random) != 1) {
    // Still unique per process (pid + counter); the random part only guards against pid reuse.
    for (auto& b : random) b = 0;
  }
  char suffix[2 * sizeof random + 1];
  for (std::size_t i = 0; i < sizeof random; ++i) std::snprintf(suffix + 2 * i, 3, "%02x", random[i]);
  return root / ("cchost-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
                 suffix);
}

}  // namespace

Result<TsmReportClient> TsmReportClient::open(TsmReportOptions options) {
  if (options.provider.empty()) {
    return make_error(std::string(kName) + ": no provider named (expected e.g. sev_guest or tdx_guest)");
  }
  struct stat st {};
  if (::stat(options.root.c_str(), &st) != 0) return step_error("stat", options.root, errno);
  if (!S_ISDIR(st.st_mode)) {
    return make_error(std::string(kName) + ": " + options.root.string() + " is not a directory");
  }
  if (options.max_attempts < 1) options.max_attempts = 1;
  TsmReportClient client(std::move(options));
  auto entry = client.make_entry();
  if (!entry) return entry.error();
  EntryGuard guard(std::move(*entry));
  if (auto s = client.check_provider(guard.path()); !s) return s.error();
  return client;
}

Result<TsmReport> TsmReportClient::get_report(ByteView inblob) {
  if (inblob.empty() || inblob.size() > kTsmInblobMax) {
    return make_error(std::string(kName) + ": inblob must be 1.." + std::to_string(kTsmInblobMax) +
                      " bytes, got " + std::to_string(inblob.size()));
  }
  std::string races;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    bool raced = false;
    auto report = attempt_once(inblob, raced, races);
    if (report || !raced) return report;
  }
  return make_error(std::string(kName) + ": another writer changed the report entry on all " +
                    std::to_string(options_.max_attempts) + " attempts (" + races +
                    "); refusing a report that may carry someone else's inblob");
}

Result<std::filesystem::path> TsmReportClient::make_entry() {
  std::filesystem::path entry = unique_entry(options_.root);
  if (::mkdir(entry.c_str(), 0700) != 0) return step_error("mkdir", entry, errno);
  if (options_.after_mkdir) options_.after_mkdir(entry);
  return entry;
}

Status TsmReportClient::check_provider(const std::filesystem::path& entry) {
  int err = 0;
  auto provider = read_whole_file(entry / "provider", 256, &err);
  if (!provider) return err ? step_error("read", entry / "provider", err) : provider.error();
  if (trimmed(*provider) != options_.provider) {
    return make_error(std::string(kName) + ": " + (entry / "provider").string() +
                      ": expected provider \"" + options_.provider + "\", got \"" +
                      trimmed(*provider) + "\"" +
                      (options_.provider_hint.empty() ? "" : " (" + options_.provider_hint + ")"));
  }
  return {};
}

Status TsmReportClient::write_attribute(const std::filesystem::path& entry, std::string_view file,
                                        ByteView data) {
  int err = 0;
  if (auto s = write_whole_file(entry / file, data, &err); !s) {
    return err ? step_error("write", entry / file, err)
               : make_error(std::string(kName) + ": " + s.message());
  }
  if (options_.after_write) options_.after_write(entry, file);
  return {};
}

Result<TsmReport> TsmReportClient::attempt_once(ByteView inblob, bool& raced, std::string& races) {
  auto made = make_entry();
  if (!made) return made.error();
  EntryGuard guard(std::move(*made));
  const std::filesystem::path& entry = guard.path();

  if (auto s = check_provider(entry); !s) return s.error();
  auto generation_before = read_uint_attribute(entry / "generation");
  if (!generation_before) return generation_before.error();
  std::uint64_t writes = 0;

  if (options_.privlevel) {
    // The kernel refuses a level below the floor in use; say so before it answers EINVAL.
    std::uint64_t floor = 0;
    std::error_code ec;
    if (std::filesystem::exists(entry / "privlevel_floor", ec)) {  // absent before Linux 6.8
      auto f = read_uint_attribute(entry / "privlevel_floor");
      if (!f) return f.error();
      floor = *f;
    }
    if (*options_.privlevel < floor || *options_.privlevel > 3) {
      return make_error(std::string(kName) + ": privlevel " + std::to_string(*options_.privlevel) +
                        " is outside " + std::to_string(floor) + "..3 (privlevel_floor in " +
                        entry.string() + ")");
    }
    const std::string level = std::to_string(*options_.privlevel) + "\n";
    if (auto s = write_attribute(entry, "privlevel", as_bytes(level)); !s) return s.error();
    ++writes;
  }
  // The whole inblob in one write: configfs takes one value per write.
  if (auto s = write_attribute(entry, "inblob", inblob); !s) return s.error();
  ++writes;

  int err = 0;
  auto outblob = read_whole_file(entry / "outblob", options_.max_outblob, &err);
  if (!outblob) return err ? step_error("read", entry / "outblob", err) : outblob.error();
  Bytes auxblob;
  err = 0;
  if (auto aux = read_whole_file(entry / "auxblob", options_.max_auxblob, &err); aux) {
    auxblob = std::move(*aux);
  } else if (err != ENOENT && err != ENODATA && err != EOPNOTSUPP) {
    // The certificates are optional (hosts often have none), a broken read is not.
    return err ? step_error("read", entry / "auxblob", err) : aux.error();
  }

  auto generation_after = read_uint_attribute(entry / "generation");
  if (!generation_after) return generation_after.error();
  const std::uint64_t expected = *generation_before + writes;
  if (*generation_after != expected) {
    raced = true;
    races += (races.empty() ? "" : ", ") + std::string("generation ") +
             std::to_string(*generation_before) + " -> " + std::to_string(*generation_after) +
             " where " + std::to_string(expected) + " was expected";
    return make_error("raced");
  }
  return TsmReport{std::move(*outblob), std::move(auxblob)};
}

}  // namespace cchost::vkit
