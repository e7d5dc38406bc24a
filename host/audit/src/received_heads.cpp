#include "cchost/audit/received_heads.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace cchost::audit {

Result<SignedHead> read_received_head(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(file.string() + ": cannot read it");
  std::stringstream text;
  text << in.rdbuf();
  auto value = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return make_error(file.string() + ": not JSON");
  return signed_head_from_json(value, file.string());
}

Status keep_received_head(const fs::path& dir, const std::string& writer, const SignedHead& head) {
  // Writer names come from the kit's participant list, but the file name is built from one, so
  // check it here too rather than trust every caller.
  if (writer.empty() || writer.size() > 64 || writer.front() == '.' ||
      writer.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != std::string::npos) {
    return make_error("received head: unsafe writer name \"" + writer + "\"");
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error(dir.string() + ": " + ec.message());
  const fs::path file = dir / (writer + ".json");
  if (fs::exists(file)) {
    if (auto kept = read_received_head(file); kept && kept->seq >= head.seq) return {};
  }
  const fs::path tmp = dir / ("." + writer + ".json.tmp");
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(tmp.string() + ": " + std::strerror(errno));
  const std::string text = signed_head_to_json(head).dump() + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fdatasync(fd) == 0;
  ::close(fd);
  if (!ok) return make_error(tmp.string() + ": write failed");
  fs::rename(tmp, file, ec);
  if (ec) return make_error(file.string() + ": " + ec.message());
  return {};
}

}  // namespace cchost::audit
