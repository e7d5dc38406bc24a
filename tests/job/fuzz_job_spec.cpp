// Fuzzes the JOB.toml parser: arbitrary text must give a spec or an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cchost/job/job_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)cchost::job::parse_job_spec(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml");
  return 0;
}
