// What durability costs: one fdatasync'd append (the latency a decision waits for before it
// is sent), and verification speed over a 10,000-entry log.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "cchost/audit/audit_log.hpp"
#include "cchost/audit/audit_verify.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"

namespace {

std::filesystem::path scratch_log(const char* name) {
  std::random_device random;
  auto dir = std::filesystem::temp_directory_path() /
             ("cchost-audit-bench-" + std::to_string(random()));
  std::filesystem::create_directories(dir);
  return dir / name;
}

void BM_AuditAppendDurable(benchmark::State& state) {
  auto path = scratch_log("append.log");
  auto log = cchost::audit::AuditLog::open(path);
  if (!log) return state.SkipWithError(log.message().c_str());
  nlohmann::json fields = {{"job", "job-0001"}, {"site", "site-17"}, {"accept", true},
                           {"failed", nlohmann::json::array()}};
  for (auto _ : state) {
    auto appended = (*log)->append("job.vote", fields);
    if (!appended) state.SkipWithError(appended.message().c_str());
  }
  state.SetItemsProcessed(state.iterations());
  std::filesystem::remove_all(path.parent_path());
}
BENCHMARK(BM_AuditAppendDurable)->UseRealTime();

void BM_AuditVerify10k(benchmark::State& state) {
  auto path = scratch_log("verify.log");
  {
    // Written directly in the documented format (audit_format.hpp): 10,000 synced appends
    // would cost a minute of disk flushes.
    std::ofstream out(path, std::ios::binary);
    std::string prev(cchost::audit::kGenesisPrev);
    for (int i = 1; i <= 10000; ++i) {
      std::string line = "{\"seq\":" + std::to_string(i) +
                         ",\"time\":\"2026-11-23T18:00:25.123Z\",\"type\":\"job.vote\",\"prev\":\"" +
                         prev + "\",\"i\":" + std::to_string(i) + ",\"site\":\"site-17\"}";
      out << line << '\n';
      prev = cchost::crypto::hex_encode(cchost::crypto::sha256(cchost::as_bytes(line)));
    }
  }
  for (auto _ : state) {
    auto report = cchost::audit::verify_audit_log(path);
    if (!report || !report->intact() || report->entries != 10000) {
      state.SkipWithError("log did not verify");
    }
  }
  state.SetItemsProcessed(state.iterations() * 10000);
  std::filesystem::remove_all(path.parent_path());
}
BENCHMARK(BM_AuditVerify10k)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
