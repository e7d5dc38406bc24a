// bench_nv_rim: what a RIM costs. Cold = parse + XMLDSig + chain (a fresh store each time),
// warm = a store lookup answered from the cache (file read + SHA-256), and the measurement
// comparison alone, on the genuine test_no_gpu RIMs.
//   usage: bench_nv_rim [ITERATIONS]   (CCHOST_VECTORS as for the tests)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "rim/measurement_compare.hpp"
#include "rim/rim_store.hpp"
#include "rim_vectors.hpp"

using namespace cchost;
using namespace cchost::nv;

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 200;
  auto vec = test::nvidia_vectors();
  if (!vec) {
    std::puts("bench_nv_rim: no vectors (CCHOST_VECTORS)");
    return 77;
  }
  const std::vector<crypto::Certificate> roots = {test::load_root(*vec, "nvidia_corim_signing_root_ca.pem")};
  const auto path = *vec / "rims/nvtrust_samples/Driver_RIM_test_no_gpu.swidtag";
  using clock = std::chrono::steady_clock;
  auto per_op_us = [&](auto&& fn) {
    const auto t0 = clock::now();
    for (int i = 0; i < n; ++i) fn();
    return std::chrono::duration<double, std::micro>(clock::now() - t0).count() / n;
  };
  const double cold = per_op_us([&] {
    auto store = RimStore::open(path.parent_path()).value();
    if (!store.load_file(path, roots, test::kNvtrustRimTime).value().verification.ok()) std::abort();
  });
  auto store = RimStore::open(path.parent_path()).value();
  (void)store.load_file(path, roots, test::kNvtrustRimTime);
  const double warm = per_op_us([&] {
    if (!store.load_file(path, roots, test::kNvtrustRimTime).value().verification.ok()) std::abort();
  });
  const auto driver = parse_rim_document(test::read_bytes(path)).value();
  const double parse = per_op_us([&] { (void)parse_rim_document(test::read_bytes(path)); });
  RuntimeMeasurements rt;
  for (const auto& m : driver.measurements) rt[m.index + 1] = m.hashes[0];
  RimDocument empty;
  const double compare = per_op_us([&] {
    if (!compare_gpu_measurements(driver, empty, rt).success) std::abort();
  });
  std::printf("RIM cold (open store + read + parse + XMLDSig + chain): %8.1f us\n", cold);
  std::printf("RIM warm (read + SHA-256 + cache hit + verdict at t):   %8.1f us\n", warm);
  std::printf("RIM parse only (read + libxml2 + 64 Resources):         %8.1f us\n", parse);
  std::printf("measurement comparison (64 golden entries):             %8.1f us\n", compare);
  return 0;
}
