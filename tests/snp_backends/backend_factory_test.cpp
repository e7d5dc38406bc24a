// make_backend: selection by `backend`, type checks, and `auto`, which only ever picks a real
// interface and fails naming both paths where there is none.
#include <gtest/gtest.h>

#include "backends/backend.hpp"
#include "test_support.hpp"

namespace cchost::snp {
namespace {

bool contains(const std::string& text, const std::string& word) {
  return text.find(word) != std::string::npos;
}

TEST(SnpBackendFactory, AutoWithNeitherInterfaceNamesBothAndNeverSimulates) {
  testing::TempDir dir;
  const std::string root = (dir.path() / "tsm" / "report").string();
  const std::string device = (dir.path() / "sev-guest").string();
  // A [sim] table is present and valid, and still not used.
  auto backend = make_backend(toml::parse(
      "configfs_root = \"" + root + "\"\ndevice = \"" + device + "\"\n[sim]\nca_dir = \"" +
      testing::shared_sim_ca(Product::Milan).string() + "\"\n"));
  ASSERT_FALSE(backend.ok());
  const std::string& m = backend.message();
  EXPECT_TRUE(contains(m, "configfs-tsm at " + root)) << m;
  EXPECT_TRUE(contains(m, "sev-guest at " + device)) << m;
  EXPECT_TRUE(contains(m, "errno 2")) << m;
  EXPECT_TRUE(contains(m, "backend = \"sim\" explicitly")) << m;
}

TEST(SnpBackendFactory, AutoFallsBackToSevGuestWhenConfigfsIsAbsent) {
  testing::TempDir dir;
  const auto device = dir.path() / "sev-guest";
  testing::write_text(device, "");
  auto backend = make_backend(toml::parse("backend = \"auto\"\nconfigfs_root = \"" +
                                          (dir.path() / "none").string() + "\"\ndevice = \"" +
                                          device.string() + "\"\n"));
  ASSERT_TRUE(backend.ok()) << backend.message();
  EXPECT_EQ((*backend)->name(), "sev-guest");
}

TEST(SnpBackendFactory, ExplicitBackendsAndErrors) {
  testing::TempDir dir;
  const struct {
    std::string toml;
    std::vector<std::string> expect;
  } cases[] = {
      {"backend = \"tdx\"", {"backend", "\"tdx\"", "configfs-tsm", "sev-guest", "sim"}},
      {"backend = 3", {"backend", "string"}},
      {"backend = \"sim\"", {"[sim]", "ca_dir"}},
      {"backend = \"sim\"\nsim = 1", {"sim", "table"}},
      {"vmpl = 7", {"vmpl", "0..3"}},
      {"backend = \"sev-guest\"\ndevice = \"" + (dir.path() / "x").string() + "\"",
       {"sev-guest", (dir.path() / "x").string(), "errno 2"}},
      {"backend = \"configfs-tsm\"\nconfigfs_root = \"" + (dir.path() / "y").string() + "\"",
       {"configfs-tsm", (dir.path() / "y").string(), "errno 2"}},
      {"configfs_root = 5", {"configfs_root", "string"}},
  };
  for (const auto& c : cases) {
    auto backend = make_backend(toml::parse(c.toml));
    ASSERT_FALSE(backend.ok()) << c.toml;
    for (const auto& word : c.expect) {
      EXPECT_TRUE(contains(backend.message(), word))
          << c.toml << " -> " << backend.message() << " (missing \"" << word << "\")";
    }
  }
}

TEST(SnpBackendFactory, OtherPluginKeysAreLeftToThePlugin) {
  // The verifier's own keys (sim_roots, ...) share the table; make_backend ignores them.
  auto backend = make_backend(toml::parse(
      "backend = \"sim\"\nsim_roots = [\"/x/ark.pem\"]\n[sim]\nca_dir = \"" +
      testing::shared_sim_ca(Product::Milan).string() + "\"\n"));
  ASSERT_TRUE(backend.ok()) << backend.message();
  EXPECT_EQ((*backend)->name(), "sim");
}

}  // namespace
}  // namespace cchost::snp
