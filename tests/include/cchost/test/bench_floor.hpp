#pragma once
// What every benchmark prints: rates per CPU-second (and per wall-second) of an operation, and
// the floor they are judged against, measured in the same run with `openssl speed`, so a
// reader sees a ratio rather than a number that depends on the machine. Header-only.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <string>

namespace cchost::test {

struct Rate {
  double cpu = 0;   // operations per second of this process's CPU time
  double wall = 0;  // operations per wall-clock second
};

inline double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Runs `op` until `seconds` of CPU time passed; a failing op stops the benchmark (a benchmark
// of an operation that fails measures nothing).
inline Rate per_second(double seconds, const std::function<bool()>& op, const char* who) {
  using clock = std::chrono::steady_clock;
  const auto wall_start = clock::now();
  const double cpu_start = process_cpu_seconds();
  long n = 0;
  double cpu = 0;
  while (cpu < seconds) {
    if (!op()) {
      std::fprintf(stderr, "%s: operation failed\n", who);
      std::exit(1);
    }
    ++n;
    cpu = process_cpu_seconds() - cpu_start;
  }
  const double wall = std::chrono::duration<double>(clock::now() - wall_start).count();
  return {static_cast<double>(n) / cpu, static_cast<double>(n) / wall};
}

// The verify/s figure of `openssl speed` for the line containing `line_marker` (e.g. "384 bits
// ecdsa"): the last number on that line. 0 when openssl is missing or printed no such line.
inline double openssl_speed_verify(const std::string& command, const std::string& line_marker) {
  FILE* p = popen(command.c_str(), "r");
  if (!p) return 0;
  char line[512];
  double verify = 0;
  while (std::fgets(line, sizeof line, p)) {
    std::string s(line);
    if (s.find(line_marker) == std::string::npos) continue;
    const auto last = s.find_last_of("0123456789.");
    if (last == std::string::npos) continue;
    const auto first = s.find_last_not_of("0123456789.", last);
    verify = std::atof(s.substr(first + 1, last - first).c_str());
  }
  pclose(p);
  return verify;
}

}  // namespace cchost::test
