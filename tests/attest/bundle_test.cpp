#include "cchost/attest/bundle.hpp"
#include "cchost/attest/binding.hpp"

#include <gtest/gtest.h>

using cchost::Bytes;
using namespace cchost::attest;

namespace {
EvidenceBundle sample() {
  EvidenceBundle b;
  b.name = "site-1";
  b.identity_key = Bytes(32, 0x22);
  b.nonce = Bytes(32, 0x11);
  b.issued_at = 1717200000;
  b.tokens = {{"x-snp", Bytes{1, 2, 3}}, {"x-hello", Bytes{4, 5}}};
  return b;
}
}  // namespace

TEST(AttestBundle, WireRoundTrip) {
  const auto b = sample();
  auto back = bundle_from_wire(bundle_header(b), bundle_blobs(b));
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(back->name, b.name);
  EXPECT_EQ(back->identity_key, b.identity_key);
  EXPECT_EQ(back->nonce, b.nonce);
  EXPECT_EQ(back->issued_at, b.issued_at);
  ASSERT_EQ(back->tokens.size(), 2u);
  EXPECT_EQ(back->tokens[1].ns, "x-hello");
  EXPECT_EQ(back->tokens[1].token, (Bytes{4, 5}));
}

TEST(AttestBundle, MalformedHeadersAreRefusedWithReason) {
  const auto b = sample();
  struct Case {
    const char* what;
    std::function<void(nlohmann::json&, std::vector<Bytes>&)> mutate;
    const char* expect;
  };
  const std::vector<Case> cases = {
      {"not an object", [](auto& h, auto&) { h = nlohmann::json::array(); }, "not an object"},
      {"no name", [](auto& h, auto&) { h.erase("name"); }, "'name'"},
      {"short key", [](auto& h, auto&) { h["identity_key"] = "0011"; }, "expected 32 bytes"},
      {"bad hex", [](auto& h, auto&) { h["nonce"] = std::string(64, 'z'); }, "'nonce'"},
      {"issued_at string", [](auto& h, auto&) { h["issued_at"] = "now"; }, "issued_at"},
      {"frame count", [](auto&, auto& blobs) { blobs.pop_back(); }, "evidence frames"},
      {"namespace without x-", [](auto& h, auto&) { h["namespaces"][1] = "hello"; }, "is not x-[a-z0-9-]+"},
      {"too many tokens", [](auto& h, auto& blobs) {
         for (std::size_t i = 2; i <= kMaxTokensPerBundle; ++i) { h["namespaces"].push_back("x-gpu"); blobs.push_back({}); }
       }, "tokens, at most"},
      {"oversized token", [](auto&, auto& blobs) { blobs[0].assign(kMaxTokenSize + 1, 0); }, "at most"},
  };
  for (const auto& c : cases) {
    auto header = bundle_header(b);
    auto blobs = bundle_blobs(b);
    c.mutate(header, blobs);
    auto r = bundle_from_wire(header, blobs);
    ASSERT_FALSE(r) << c.what;
    EXPECT_NE(r.message().find(c.expect), std::string::npos) << c.what << ": " << r.message();
  }
}

// One HGX board: 8 GPU tokens and 4 switch tokens in one namespace each, and a CPU report: more
// than the 16 tokens (and more than one token per namespace) the first bundle format allowed.
TEST(AttestBundle, RepeatedNamespacesAndManyTokensRoundTrip) {
  auto b = sample();
  b.tokens.clear();
  b.tokens.push_back({"x-snp", Bytes{9}});
  for (int i = 0; i < 8; ++i) b.tokens.push_back({"x-gpu", Bytes(10, static_cast<std::uint8_t>(i))});
  for (int i = 0; i < 4; ++i) b.tokens.push_back({"x-switch", Bytes(5, static_cast<std::uint8_t>(i))});
  for (int i = 0; i < 8; ++i) b.tokens.push_back({"x-extra", Bytes{1}});
  ASSERT_GT(b.tokens.size(), 16u);
  auto back = bundle_from_wire(bundle_header(b), bundle_blobs(b));
  ASSERT_TRUE(back) << back.message();
  ASSERT_EQ(back->tokens.size(), b.tokens.size());
  EXPECT_EQ(back->tokens[8].ns, "x-gpu");
  EXPECT_EQ(back->tokens[8].token, Bytes(10, 7));
  EXPECT_EQ(back->tokens[12].ns, "x-switch");
}

TEST(AttestBundle, BindingV2CarriesItsJobKey) {
  auto b = sample();
  EXPECT_FALSE(bundle_header(b).contains("binding")) << "a v1 header must stay as v1 peers know it";
  b.binding_version = 2;
  b.job_key = Bytes(32, 0x44);
  auto back = bundle_from_wire(bundle_header(b), bundle_blobs(b));
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(back->binding_version, 2);
  EXPECT_EQ(back->job_key, b.job_key);
  auto v2 = bundle_binding(*back, 64);
  auto v1 = bundle_binding(sample(), 64);
  ASSERT_TRUE(v2 && v1);
  EXPECT_NE(*v2, *v1);
}

TEST(AttestBundle, MalformedBindingFieldsAreRefused) {
  auto b = sample();
  b.binding_version = 2;
  b.job_key = Bytes(32, 0x44);
  struct Case {
    const char* what;
    std::function<void(nlohmann::json&)> mutate;
    const char* expect;
  };
  const std::vector<Case> cases = {
      {"binding 3", [](auto& h) { h["binding"] = 3; }, "'binding' must be 1 or 2"},
      {"binding string", [](auto& h) { h["binding"] = "2"; }, "'binding' must be 1 or 2"},
      {"v2 without key", [](auto& h) { h.erase("job_key"); }, "'job_key'"},
      {"short job key", [](auto& h) { h["job_key"] = std::string(62, 'a'); }, "expected 32 bytes"},
      {"job key in v1", [](auto& h) { h["binding"] = 1; }, "belongs to binding 2"},
      {"job key, no version", [](auto& h) { h.erase("binding"); }, "belongs to binding 2"},
  };
  for (const auto& c : cases) {
    auto header = bundle_header(b);
    c.mutate(header);
    auto r = bundle_from_wire(header, bundle_blobs(b));
    ASSERT_FALSE(r) << c.what;
    EXPECT_NE(r.message().find(c.expect), std::string::npos) << c.what << ": " << r.message();
  }
}

// Composite bundles (device_list.hpp): the device list travels in a v2 header, with or without
// a job key, and only there.
TEST(AttestBundle, DeviceListRoundTripsAndEntersTheBinding) {
  auto b = sample();
  b.binding_version = 2;
  b.devices = {device_entry_of("x-hello", Bytes{4, 5})};
  auto back = bundle_from_wire(nlohmann::json::parse(bundle_header(b).dump()), bundle_blobs(b));
  ASSERT_TRUE(back) << back.message();
  EXPECT_TRUE(back->job_key.empty());
  EXPECT_EQ(back->devices, b.devices);
  EXPECT_TRUE(lists_device(*back, "x-hello"));
  EXPECT_FALSE(lists_device(*back, "x-snp"));
  // The listed device binds without the digest; every other token binds it.
  auto device = bundle_binding(*back, 64, "x-hello");
  auto cpu = bundle_binding(*back, 64, "x-snp");
  auto plain = binding_v2_of_size({b.nonce, b.identity_key, b.name, {}, {}}, 64);
  auto committed = binding_v2_of_size({b.nonce, b.identity_key, b.name, {}, device_list_digest(b.devices)}, 64);
  ASSERT_TRUE(device && cpu && plain && committed);
  EXPECT_EQ(*device, *plain);
  EXPECT_EQ(*cpu, *committed);
  EXPECT_NE(*cpu, *device);
}

TEST(AttestBundle, DeviceListDigestCoversOrderNamesAndDigests) {
  const std::vector<DeviceEntry> list = {device_entry_of("x-gpu", Bytes{1}), device_entry_of("x-switch", Bytes{2})};
  const auto base = device_list_digest(list);
  EXPECT_EQ(base.size(), 32u);
  EXPECT_NE(device_list_digest({list[1], list[0]}), base);
  EXPECT_NE(device_list_digest({list[0]}), base);
  EXPECT_NE(device_list_digest({}), base);
  auto renamed = list;
  renamed[0].ns = "x-gpv";
  EXPECT_NE(device_list_digest(renamed), base);
  auto other = list;
  other[1] = device_entry_of("x-switch", Bytes{3});
  EXPECT_NE(device_list_digest(other), base);
}

TEST(AttestBundle, MalformedDeviceListsAreRefused) {
  auto b = sample();
  b.binding_version = 2;
  b.devices = {device_entry_of("x-hello", Bytes{4, 5})};
  struct Case {
    const char* what;
    std::function<void(nlohmann::json&)> mutate;
    const char* expect;
  };
  const std::string sha(64, 'a');
  const std::vector<Case> cases = {
      {"devices in v1", [](auto& h) { h.erase("binding"); }, "'devices' belongs to binding 2"},
      {"v2 with neither", [](auto& h) { h.erase("devices"); }, "has neither"},
      {"not an array", [](auto& h) { h["devices"] = "x"; }, "non-empty array"},
      {"empty", [](auto& h) { h["devices"] = nlohmann::json::array(); }, "non-empty array"},
      {"extra key", [](auto& h) { h["devices"][0]["index"] = 0; }, "exactly {ns, sha256}"},
      {"bad ns", [](auto& h) { h["devices"][0]["ns"] = "gpu"; }, "devices[0].ns"},
      {"short digest", [](auto& h) { h["devices"][0]["sha256"] = std::string(62, 'a'); }, "expected 32 bytes"},
      {"more entries than tokens",
       [&](auto& h) {
         for (int i = 0; i < 2; ++i) h["devices"].push_back({{"ns", "x-hello"}, {"sha256", sha}});
       },
       "lists 3 device tokens, the bundle holds 2"},
      {"too many entries",
       [&](auto& h) {
         for (std::size_t i = 0; i < kMaxTokensPerBundle; ++i) h["devices"].push_back({{"ns", "x-hello"}, {"sha256", sha}});
       },
       "at most"},
  };
  for (const auto& c : cases) {
    auto header = bundle_header(b);
    c.mutate(header);
    auto r = bundle_from_wire(header, bundle_blobs(b));
    ASSERT_FALSE(r) << c.what;
    EXPECT_NE(r.message().find(c.expect), std::string::npos) << c.what << ": " << r.message();
  }
}
