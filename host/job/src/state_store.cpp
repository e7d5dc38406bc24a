#include "cchost/job/state_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "cchost/job/job_spec.hpp"

namespace cchost::job {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxStateFile = 64u << 20;

std::string errno_text() { return std::strerror(errno); }

Status fsync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return make_error("cannot open folder " + dir.string() + ": " + errno_text());
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return make_error("fsync failed for folder " + dir.string() + ": " + errno_text());
  return {};
}

Result<nlohmann::json> load_json(const fs::path& path) {
  auto bytes = read_file_limited(path, kMaxStateFile);
  if (!bytes) return bytes.error();
  auto j = nlohmann::json::parse(bytes->begin(), bytes->end(), nullptr, false);
  if (j.is_discarded()) return make_error(path.string() + ": not valid JSON");
  return j;
}

Status check_job_id(const std::string& job_id) {
  if (!is_valid_job_id(job_id)) return make_error("invalid job id '" + job_id + "'");
  return {};
}

}  // namespace

Status atomic_write_file(const fs::path& path, ByteView data, unsigned mode) {
  const fs::path tmp = path.string() + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return make_error("cannot create " + tmp.string() + ": " + errno_text());
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = errno_text();
      ::close(fd);
      ::unlink(tmp.c_str());
      return make_error("write failed for " + tmp.string() + ": " + why);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::fchmod(fd, mode) != 0) {
    const std::string why = errno_text();
    ::close(fd);
    ::unlink(tmp.c_str());
    return make_error("fsync failed for " + tmp.string() + ": " + why);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = errno_text();
    ::unlink(tmp.c_str());
    return make_error("cannot rename " + tmp.string() + " to " + path.string() + ": " + why);
  }
  return fsync_dir(path.parent_path().empty() ? fs::path(".") : path.parent_path());
}

Result<Bytes> read_file_limited(const fs::path& path, std::size_t max_size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error("cannot read " + path.string() + ": " + errno_text());
  Bytes out;
  std::uint8_t buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = errno_text();
      ::close(fd);
      return make_error("read failed for " + path.string() + ": " + why);
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_size) {
      ::close(fd);
      return make_error(path.string() + ": larger than " + std::to_string(max_size) + " bytes");
    }
    out.insert(out.end(), buf, buf + n);
  }
  ::close(fd);
  return out;
}

Result<StateStore> StateStore::open(const fs::path& workspace) {
  std::error_code ec;
  fs::create_directories(workspace / "jobs", ec);
  if (ec) return make_error("cannot create workspace " + workspace.string() + ": " + ec.message());
  ::chmod(workspace.c_str(), 0700);
  return StateStore(fs::absolute(workspace));
}

Result<nlohmann::json> StateStore::load_registry() const {
  const auto path = root_ / "registry.json";
  if (!fs::exists(path)) return nlohmann::json::object();
  return load_json(path);
}

Status StateStore::save_registry(const nlohmann::json& registry) {
  const std::string text = registry.dump(2) + "\n";
  return atomic_write_file(root_ / "registry.json", as_bytes(text));
}

Status StateStore::save_job(const std::string& job_id, const nlohmann::json& job) {
  if (auto st = check_job_id(job_id); !st) return st;
  std::error_code ec;
  fs::create_directories(root_ / "jobs" / job_id, ec);
  if (ec) return make_error("cannot create job folder for " + job_id + ": " + ec.message());
  const std::string text = job.dump(2) + "\n";
  return atomic_write_file(root_ / "jobs" / job_id / "job.json", as_bytes(text));
}

Result<nlohmann::json> StateStore::load_job(const std::string& job_id) const {
  if (auto st = check_job_id(job_id); !st) return st.error();
  return load_json(root_ / "jobs" / job_id / "job.json");
}

Result<std::vector<nlohmann::json>> StateStore::load_jobs() const {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_ / "jobs", ec)) {
    if (entry.is_directory() && fs::exists(entry.path() / "job.json"))
      ids.push_back(entry.path().filename().string());
  }
  if (ec) return make_error("cannot list jobs in " + root_.string() + ": " + ec.message());
  std::sort(ids.begin(), ids.end());
  std::vector<nlohmann::json> jobs;
  for (const auto& id : ids) {
    auto j = load_job(id);
    if (!j) return j.error();
    jobs.push_back(std::move(*j));
  }
  return jobs;
}

fs::path StateStore::payload_path(const std::string& job_id) const { return root_ / "jobs" / job_id / "payload"; }

Status StateStore::store_payload(const std::string& job_id, ByteView payload) {
  if (auto st = check_job_id(job_id); !st) return st;
  std::error_code ec;
  fs::create_directories(root_ / "jobs" / job_id, ec);
  if (ec) return make_error("cannot create job folder for " + job_id + ": " + ec.message());
  return atomic_write_file(payload_path(job_id), payload, 0600);
}

}  // namespace cchost::job
