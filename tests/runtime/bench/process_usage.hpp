#pragma once
// CPU time and resident memory of a running process, read from /proc (Linux), for the
// benchmarks that run participants as real processes.
#include <sys/types.h>

#include <cstdint>

namespace cchost::runtime_test {

struct ProcessUsage {
  double cpu_s = 0;          // user + system time so far
  std::int64_t rss_kib = 0;  // resident set now (VmRSS)
  std::int64_t hwm_kib = 0;  // the most it has been resident (VmHWM)
  bool ok = false;           // false: the process is gone or /proc could not be read
};

ProcessUsage process_usage(pid_t pid);

}  // namespace cchost::runtime_test
