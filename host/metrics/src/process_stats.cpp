#include "cchost/metrics/process_stats.hpp"

#include "cchost/metrics/registry.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace cchost::metrics {
namespace {

// Fields of /proc/self/stat after the command name (which may hold spaces and parentheses).
std::vector<std::string> stat_fields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  const auto close = line.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(line.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;  // fields[0] is field 3 (state)
}

double boot_time_seconds() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double t = 0;
      in >> t;
      return t;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

std::size_t open_fds() {
  std::error_code ec;
  std::size_t n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec))
    ++n;
  return n;
}

void family(std::ostringstream& out, const char* name, const char* help, const char* type, double value) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n' << name << ' '
      << format_sample_value(value) << '\n';
}

}  // namespace

std::string process_metrics_text() {
  const auto f = stat_fields();
  std::ostringstream out;
  if (f.size() < 22) return {};
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  // stat fields 14 utime, 15 stime, 22 starttime, 24 rss (1-based) -> indexes 11, 12, 19, 21.
  const double cpu = (std::stod(f[11]) + std::stod(f[12])) / ticks;
  family(out, "process_cpu_seconds_total", "User and system CPU time spent in seconds.", "counter", cpu);
  family(out, "process_resident_memory_bytes", "Resident memory size in bytes.", "gauge", std::stod(f[21]) * page);
  family(out, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", "gauge",
         boot_time_seconds() + std::stod(f[19]) / ticks);
  family(out, "process_open_fds", "Number of open file descriptors.", "gauge", static_cast<double>(open_fds()));
  return out.str();
}

}  // namespace cchost::metrics
