// The loader's calls through the C ABI, against the plain-C good fixture: results copied,
// every plugin buffer freed, library lifetime tied to the contexts, claims checked.
#include <dlfcn.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "cchost/plugin/loader.hpp"
#include "plugin_test_support.hpp"

namespace cchost::plugin {
namespace {

using ::testing::HasSubstr;

Bytes binding_of(std::uint8_t seed) {
  Bytes b(64);
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(seed + i);
  return b;
}

// The fixture counts its own allocations; we reach the copy the loader mapped (glibc finds it
// by inode with RTLD_NOLOAD, so no second copy is created).
int live_allocations(const std::filesystem::path& so) {
  void* handle = ::dlopen(so.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (!handle) return -1;
  auto* fn = reinterpret_cast<int (*)()>(::dlsym(handle, "fixture_live_allocations"));
  int n = fn ? fn() : -2;
  ::dlclose(handle);
  return n;
}

bool is_mapped(const std::filesystem::path& so) {
  void* handle = ::dlopen(so.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (handle) ::dlclose(handle);
  return handle != nullptr;
}

TEST(PluginLoader, InspectReportsTableAndHash) {
  auto so = test::fixture("fixture_good");
  auto info = PluginLoader().inspect(so);
  ASSERT_TRUE(info.ok()) << info.message();
  EXPECT_EQ(info->file, so.string());
  EXPECT_EQ(info->ns, "x-fixture-good");
  EXPECT_EQ(info->name, "Good fixture");
  EXPECT_EQ(info->version, "1.2.3");
  EXPECT_EQ(info->abi, CCHOST_AUTHORIZER_ABI_VERSION);
  EXPECT_EQ(format_abi(info->abi), "2.0");
  EXPECT_EQ(info->binding_size, 64u);
  EXPECT_EQ(info->description["claims"][0]["name"], "fixture.ok");
  EXPECT_EQ(info->sha256_hex, test::sha256_file_hex(so));
  EXPECT_FALSE(is_mapped(so)) << "inspect must not keep the library loaded";
}

TEST(PluginLoader, GenerateVerifyRoundTripFreesEveryBuffer) {
  auto so = test::fixture("fixture_good");
  auto loaded = PluginLoader().load(so, "");
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  auto& authorizer = **loaded;
  auto binding = binding_of(7);
  auto token = authorizer.generate(binding);
  ASSERT_TRUE(token.ok()) << token.message();
  EXPECT_EQ(*token, binding);
  auto claims = authorizer.verify(*token, binding, 0);
  ASSERT_TRUE(claims.ok()) << claims.message();
  ASSERT_EQ(claims->records.size(), 1u);
  EXPECT_EQ(claims->records[0].cls, "device");
  EXPECT_TRUE(claims->records[0].claims.count("fixture.ok"));

  auto failed = authorizer.verify(as_bytes("fail"), std::nullopt, 0);
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(failed.message(), HasSubstr("verify failed: verification failed (status 3): "
                                          "signature check failed: expected key A, got key B"));
  auto other = binding_of(8);
  auto mismatch = authorizer.verify(*token, other, 0);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_THAT(mismatch.message(), HasSubstr("binding mismatch"));
  auto malformed = authorizer.verify(ByteView(), std::nullopt, 0);
  ASSERT_FALSE(malformed.ok());
  EXPECT_THAT(malformed.message(), HasSubstr("malformed evidence"));
  EXPECT_EQ(live_allocations(so), 0) << "the host must free_buffer() every plugin buffer";
}

TEST(PluginLoader, WrongBindingSizeRefusedBeforeThePlugin) {
  auto loaded = PluginLoader().load(test::fixture("fixture_good"), "");
  ASSERT_TRUE(loaded.ok());
  auto token = (*loaded)->generate(as_bytes("short"));
  ASSERT_FALSE(token.ok());
  EXPECT_THAT(token.message(), HasSubstr("binding must be 64 bytes, got 5"));
}

TEST(PluginLoader, ClaimsForAnotherNamespaceRefused) {
  auto so = test::fixture("fixture_good");
  auto loaded = PluginLoader().load(so, "");
  ASSERT_TRUE(loaded.ok());
  auto claims = (*loaded)->verify(as_bytes("lie"), std::nullopt, 0);
  ASSERT_FALSE(claims.ok());
  EXPECT_THAT(claims.message(),
              HasSubstr("expected namespace \"x-fixture-good\", got \"x-snp\""));
  EXPECT_EQ(live_allocations(so), 0);
}

// One validator (host/claims) for plugin output: a claim name with a double dot and an unknown
// top-level key are refused (the removed host/plugin claims_check accepted both).
TEST(PluginLoader, MalformedClaimsRefusedByTheOneValidator) {
  auto so = test::fixture("fixture_good");
  auto loaded = PluginLoader().load(so, "");
  ASSERT_TRUE(loaded.ok());
  auto dots = (*loaded)->verify(as_bytes("dots"), std::nullopt, 0);
  ASSERT_FALSE(dots.ok());
  EXPECT_THAT(dots.message(), HasSubstr("claim \"a..b\": invalid name"));
  auto extra = (*loaded)->verify(as_bytes("extra"), std::nullopt, 0);
  ASSERT_FALSE(extra.ok());
  EXPECT_THAT(extra.message(), HasSubstr("unknown key \"surprise\""));
  EXPECT_EQ(live_allocations(so), 0);
}

// create() gets absolute paths and a log callback; the host never changes directory for it.
TEST(PluginLoader, HostServicesAreAbsoluteAndLogIsForwarded) {
  auto so = test::fixture("fixture_good");
  std::vector<std::string> lines;
  HostServices services;
  services.base_dir = "relative/kit";
  services.collateral_dir = "relative/kit/trust/x-fixture-good";
  services.log = [&lines](int, const std::string& m) { lines.push_back(m); };
  auto loaded = PluginLoader().load(so, "", std::nullopt, services);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  void* handle = ::dlopen(so.c_str(), RTLD_NOW | RTLD_NOLOAD);
  ASSERT_NE(handle, nullptr);
  auto base = reinterpret_cast<const char* (*)()>(::dlsym(handle, "fixture_last_base_dir"));
  auto collateral = reinterpret_cast<const char* (*)()>(::dlsym(handle, "fixture_last_collateral_dir"));
  ASSERT_TRUE(base && collateral);
  const auto cwd = std::filesystem::current_path();
  EXPECT_EQ(std::string(base()), (cwd / "relative/kit").string());
  EXPECT_EQ(std::string(collateral()), (cwd / "relative/kit/trust/x-fixture-good").string());
  ::dlclose(handle);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "x-fixture-good: fixture created");
}

TEST(PluginLoader, CreateFailureCarriesPluginMessage) {
  auto so = test::fixture("fixture_good");
  auto loaded = PluginLoader().load(so, "bad = true");
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.message(), HasSubstr("create failed (status 1): config: key 'bad' is not allowed"));
  EXPECT_FALSE(is_mapped(so));
}

TEST(PluginLoader, LibraryLivesAsLongAsTheAuthorizer) {
  auto so = test::fixture("fixture_good");
  std::shared_ptr<Authorizer> authorizer;
  {
    PluginLoader loader;
    auto loaded = loader.load(so, "");
    ASSERT_TRUE(loaded.ok());
    authorizer = *loaded;
  }
  ASSERT_TRUE(is_mapped(so));
  auto binding = binding_of(1);
  EXPECT_TRUE(authorizer->generate(binding).ok());
  authorizer.reset();
  EXPECT_FALSE(is_mapped(so)) << "the last Authorizer must unload the library";
}

}  // namespace
}  // namespace cchost::plugin

namespace cchost::plugin {
namespace {

// A plugin that is never unloaded (as C++ plugins with STB_GNU_UNIQUE symbols are) keeps the
// name "/proc/self/fd/N" it was loaded under. A later plugin opened on the same descriptor
// number must still load as itself, not be handed the old plugin's handle by name.
TEST(PluginLoaderNames, NeverUnloadedPluginDoesNotShadowTheNextFile) {
  using test::fixture;
  PluginLoader loader;
  {
    auto first = loader.load(fixture("fixture_good"), "");
    ASSERT_TRUE(first) << first.message();
    // Pin the loaded copy (found by inode) as NODELETE, like a C++ plugin would be.
    void* pin = ::dlopen(fixture("fixture_good").c_str(), RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
    ASSERT_NE(pin, nullptr);
    ::dlclose(pin);
  }
  auto next = loader.inspect(fixture("fixture_dup_a"));
  ASSERT_TRUE(next) << next.message();
  EXPECT_EQ(next->ns, "x-fixture-dup");
}

// show (authorizer.h, `cchost evidence show`): the plugin's document is checked, never trusted:
// each way it can be wrong is refused naming what is wrong; a decode failure carries its reason.
TEST(PluginLoader, ShowChecksThePluginsDocument) {
  auto so = test::fixture("fixture_good");
  auto as_token = [](const std::string& s) { return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); };
  const std::string good = "anything";
  auto shown = PluginLoader().show(so, as_token(good));
  ASSERT_TRUE(shown.ok()) << shown.message();
  EXPECT_EQ((*shown)["fields"].value("size", 0), 1);
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"schema", "expected \"cchost.evidence.show/v1\""},
      {"ns", "names namespace \"x-other\""},
      {"nofields", "no \"fields\" object"},
      {"text", "no JSON object"},
      {"bad", "cannot decode the evidence: fixture: field 'size' out of range"},
  };
  for (const auto& [token, why] : refused) {
    auto r = PluginLoader().show(so, as_token(token));
    ASSERT_FALSE(r.ok()) << token;
    EXPECT_NE(r.message().find(why), std::string::npos) << token << ": " << r.message();
  }
}

}  // namespace
}  // namespace cchost::plugin
