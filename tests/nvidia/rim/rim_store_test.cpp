// The offline RIM store: ids from file names, lookups, ambiguity, limits, and the cache.
#include "rim/rim_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "rim_vectors.hpp"

namespace cchost::nv {
namespace {

using test::read_bytes;

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("nv_rim_store_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  static std::atomic<int>& counter() { static std::atomic<int> c{0}; return c; }
  void write(const std::string& name, ByteView data) const {
    std::ofstream(path / name, std::ios::binary).write(reinterpret_cast<const char*>(data.data()), data.size());
  }
};

TEST(RimIds, BuildersFollowNotesSection5) {
  EXPECT_EQ(hopper_driver_rim_id("550.144.03").value(), "NV_GPU_DRIVER_GH100_550.144.03");
  EXPECT_EQ(blackwell_driver_rim_id("", "575.32").value(), "NV_GPU_CC_DRIVER_GB100_575.32");
  EXPECT_EQ(blackwell_driver_rim_id("GB202", "575.32").value(), "NV_GPU_CC_DRIVER_GB202_575.32");
  EXPECT_EQ(vbios_rim_id("1010", "0205", "862", "96.00.74.00.20").value(), "NV_GPU_VBIOS_1010_0205_862_9600740020");
  EXPECT_EQ(vbios_rim_id("g520", "0200", "885", "96.00.a5.00.01").value(), "NV_GPU_VBIOS_G520_0200_885_9600A50001");
  EXPECT_EQ(switch_bios_rim_id("96.10.55.00.01").value(), "NV_SWITCH_BIOS_5612_0002_890_9610550001");
  EXPECT_FALSE(hopper_driver_rim_id("../../etc/passwd").ok());
  EXPECT_FALSE(vbios_rim_id("1010", "", "862", "96").ok());
  EXPECT_FALSE(switch_bios_rim_id(std::string(65, '1')).ok());
}

TEST(RimIds, FromFileNames) {
  EXPECT_EQ(rim_id_from_file_name("NV_GPU_DRIVER_GH100_550.144.03.xml"), "NV_GPU_DRIVER_GH100_550.144.03");
  EXPECT_EQ(rim_id_from_file_name("switchVBIOSRim_NV_SWITCH_BIOS_5612_0002_890_9610550001.xml"),
            "NV_SWITCH_BIOS_5612_0002_890_9610550001");
  EXPECT_EQ(rim_id_from_file_name("1010_0205_862_9600740020_PROD.swidtag"), "NV_GPU_VBIOS_1010_0205_862_9600740020");
  EXPECT_EQ(rim_id_from_file_name("g520_0200_885_960074000D_PROD.swidtag"), "NV_GPU_VBIOS_G520_0200_885_960074000D");
  EXPECT_EQ(rim_id_from_file_name("1010_0200_882_96005E0001_test_no_gpu.swidtag"), "");
  EXPECT_EQ(rim_id_from_file_name("Driver_RIM_test_no_gpu.swidtag"), "");
  EXPECT_EQ(rim_id_from_file_name("NV_GPU_DRIVER_GH100_550.144.03.txt"), "");
}

TEST(RimStore, GenuineFoldersIndexAndLoad) {
  NV_VECTORS_OR_SKIP(vec);
  const std::vector<crypto::Certificate> roots = {test::load_root(vec, "nvidia_corim_signing_root_ca.pem")};
  auto atsdk = RimStore::open(vec / "rims/atsdk");
  ASSERT_TRUE(atsdk.ok()) << atsdk.message();
  auto driver = atsdk->load(hopper_driver_rim_id("550.144.03").value(), roots, test::kAtsdkDriverRimTime);
  ASSERT_TRUE(driver.ok()) << driver.message();
  EXPECT_EQ(driver->id, "NV_GPU_DRIVER_GH100_550.144.03");
  EXPECT_EQ(driver->checked->document.colloquial_version, "550.144.03");
  EXPECT_TRUE(driver->verification.ok()) << driver->verification.cert_error;
  auto sw = atsdk->load(switch_bios_rim_id("96.10.55.00.01").value(), roots, test::kSwitchRimTime);
  ASSERT_TRUE(sw.ok()) << sw.message();
  EXPECT_TRUE(sw->verification.ok());

  auto samples = RimStore::open(vec / "rims/nvtrust_samples");
  ASSERT_TRUE(samples.ok());
  EXPECT_EQ(samples->ids().size(), 24u);     // 24 PROD VBIOS RIMs
  EXPECT_EQ(samples->skipped().size(), 2u);  // the two test_no_gpu RIMs carry no id
  auto vbios = samples->load(vbios_rim_id("1010", "0205", "862", "96.00.74.00.20").value(), roots, test::kNvtrustRimTime);
  ASSERT_TRUE(vbios.ok()) << vbios.message();
  EXPECT_EQ(vbios->checked->document.colloquial_version, "96.00.74.00.20");
  EXPECT_TRUE(vbios->verification.ok());
  auto missing = samples->load("NV_GPU_VBIOS_1010_0205_862_9600740099", roots, test::kNvtrustRimTime);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("no RIM with id NV_GPU_VBIOS_1010_0205_862_9600740099"), std::string::npos);
}

TEST(RimStore, WarmLookupIsServedFromTheCacheAndTimeStillCounts) {
  NV_VECTORS_OR_SKIP(vec);
  const std::vector<crypto::Certificate> roots = {test::load_root(vec, "nvidia_corim_signing_root_ca.pem")};
  auto store = RimStore::open(vec / "rims/atsdk").value();
  const std::string id = "NV_GPU_DRIVER_GH100_550.144.03";
  auto cold = store.load(id, roots, test::kAtsdkDriverRimTime);
  ASSERT_TRUE(cold.ok());
  auto warm = store.load(id, roots, test::utc("2027-06-01T00:00:00Z"));
  ASSERT_TRUE(warm.ok());
  EXPECT_EQ(store.cache_misses(), 1u);
  EXPECT_EQ(store.cache_hits(), 1u);
  EXPECT_EQ(cold->checked.get(), warm->checked.get());
  EXPECT_EQ(warm->verification.cert_status, CertStatus::expired);  // evaluated at the new time
  // Other roots are another cache entry, not the cached verdict.
  const std::vector<crypto::Certificate> wrong = {test::load_root(vec, "NEGATIVE_incorrect_rim_root.crt")};
  auto other = store.load(id, wrong, test::kAtsdkDriverRimTime);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->verification.cert_status, CertStatus::invalid);
  EXPECT_EQ(store.cache_misses(), 2u);
}

TEST(RimStore, ChangedFileIsRecheckedNotServedStale) {
  NV_VECTORS_OR_SKIP(vec);
  const std::vector<crypto::Certificate> roots = {test::load_root(vec, "nvidia_corim_signing_root_ca.pem")};
  TempDir dir;
  const Bytes good = read_bytes(vec / "rims/atsdk/NV_GPU_DRIVER_GH100_550.144.03.xml");
  dir.write("NV_GPU_DRIVER_GH100_550.144.03.xml", good);
  auto store = RimStore::open(dir.path).value();
  auto first = store.load("nv_gpu_driver_gh100_550.144.03", roots, test::kAtsdkDriverRimTime);  // case-insensitive
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->verification.ok());
  dir.write("NV_GPU_DRIVER_GH100_550.144.03.xml",
            read_bytes(vec / "rims/atsdk/NEGATIVE_incorrect_signature_driver_rim.xml"));
  auto second = store.load("NV_GPU_DRIVER_GH100_550.144.03", roots, test::kAtsdkDriverRimTime);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->verification.signature_ok);
  EXPECT_EQ(store.cache_misses(), 2u);
}

TEST(RimStore, AmbiguousOversizedMalformedAndSymlinkedFiles) {
  NV_VECTORS_OR_SKIP(vec);
  const std::vector<crypto::Certificate> roots = {test::load_root(vec, "nvidia_corim_signing_root_ca.pem")};
  TempDir dir;
  const Bytes good = read_bytes(vec / "rims/atsdk/NV_GPU_DRIVER_GH100_550.144.03.xml");
  dir.write("NV_GPU_DRIVER_GH100_1.xml", good);
  dir.write("copy_NV_GPU_DRIVER_GH100_1.swidtag", good);
  dir.write("NV_GPU_DRIVER_GH100_2.xml", Bytes(2000, 'x'));
  dir.write("NV_GPU_DRIVER_GH100_3.xml", as_bytes(std::string("<SoftwareIdentity")));
  std::filesystem::create_symlink(dir.path / "NV_GPU_DRIVER_GH100_1.xml", dir.path / "NV_GPU_DRIVER_GH100_4.xml");
  auto store = RimStore::open(dir.path, RimStoreLimits{16, 1024, 8}).value();
  auto ambiguous = store.load("NV_GPU_DRIVER_GH100_1", roots, test::kAtsdkDriverRimTime);
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_NE(ambiguous.message().find("ambiguous"), std::string::npos) << ambiguous.message();
  auto big = store.load("NV_GPU_DRIVER_GH100_2", roots, test::kAtsdkDriverRimTime);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.message().find("2000 bytes, the limit is 1024"), std::string::npos) << big.message();
  auto broken = store.load("NV_GPU_DRIVER_GH100_3", roots, test::kAtsdkDriverRimTime);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.message().find("XML parse failed"), std::string::npos) << broken.message();
  EXPECT_FALSE(store.path_of("NV_GPU_DRIVER_GH100_4").ok());
  ASSERT_EQ(store.skipped().size(), 1u);
  EXPECT_EQ(store.skipped()[0].second, "not a regular file");
  // Too many files: open fails rather than silently indexing a subset.
  auto few = RimStore::open(dir.path, RimStoreLimits{3, 1024, 8});
  ASSERT_FALSE(few.ok());
  EXPECT_NE(few.message().find("more than 3 RIM files"), std::string::npos);
}

TEST(RimStore, ConcurrentLoadsAgree) {
  NV_VECTORS_OR_SKIP(vec);
  const std::vector<crypto::Certificate> roots = {test::load_root(vec, "nvidia_corim_signing_root_ca.pem")};
  auto store = RimStore::open(vec / "rims/nvtrust_samples").value();
  const auto ids = store.ids();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (const auto& id : ids) {
        auto r = store.load(id, roots, test::kNvtrustRimTime);
        if (r.ok() && r->verification.ok()) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), static_cast<int>(4 * ids.size()));
  EXPECT_EQ(store.cache_hits() + store.cache_misses(), 4 * ids.size());
}

}  // namespace
}  // namespace cchost::nv
