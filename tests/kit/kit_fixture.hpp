#pragma once
// Test fixture: provisions a small project (server, two sites, admin; a fake plugin file, no
// simulate mode) into a fresh temporary folder with the provisioner library, so that every
// load_kit test starts from a genuinely signed kit and breaks exactly one thing.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "provisioner.hpp"

namespace cchost::kit::testing {

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_text(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

inline constexpr const char* kSmallProject = R"(
[project]
name = "unit"

[server]
name = "hub"
host = "127.0.0.1"
port = 17555
  [[server.authorizer]]
  namespace = "x-example"
  plugin = "example_authorizer.so"
  backend = "fixed"
  args = { level = 3 }
  [server.policy.policy]
  require = ["x-example"]

[[site]]
name = "site-a"
org = "org-a"
policy = "site-policy.toml"

[[site]]
name = "site-b"
org = "org-b"
  [site.policy.policy]
  require = []
  accept_unattested = true

[admin]
name = "ops"
)";

inline constexpr const char* kSitePolicy = "[policy]\nrequire = [\"x-example\"]\n";

class KitLoad : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("cchost-kit-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_ / "plugins");
    write_text(root_ / "plugins" / "example_authorizer.so", "not really a shared object\n");
    write_text(root_ / "site-policy.toml", kSitePolicy);
    write_text(root_ / "project.toml", kSmallProject);
    provision::ProvisionOptions options;
    options.project = root_ / "project.toml";
    options.out = root_ / "kits";
    options.plugin_dir = root_ / "plugins";
    auto outcome = provision::run_provision(options);
    ASSERT_EQ(outcome.exit_code, 0) << outcome.message;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::filesystem::path kit(const std::string& name) const { return root_ / "kits" / name; }
  std::filesystem::path root_;
};

}  // namespace cchost::kit::testing
