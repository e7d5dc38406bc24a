#include "process_usage.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace cchost::runtime_test {

ProcessUsage process_usage(pid_t pid) {
  ProcessUsage u;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return u;
  // The command name (field 2) is in parentheses and may hold spaces: fields are counted
  // from the last ')'. utime and stime are fields 14 and 15.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return u;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  u.cpu_s = static_cast<double>(utime + stime) / ticks;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  while (std::getline(status, line)) {
    std::istringstream in(line);
    std::string key;
    std::int64_t kib = 0;
    in >> key >> kib;
    if (key == "VmRSS:") u.rss_kib = kib;
    if (key == "VmHWM:") u.hwm_kib = kib;
  }
  u.ok = true;
  return u;
}

}  // namespace cchost::runtime_test
