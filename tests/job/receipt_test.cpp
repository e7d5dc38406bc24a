// Signed receipts (receipt.hpp): the canonical message, the strict schema, the signature and
// each of the server's checks, and the evidence digest's sensitivity to every part of a bundle.
#include <gtest/gtest.h>

#include "cchost/crypto/encoding.hpp"
#include "cchost/job/receipt.hpp"

namespace cchost::job {
namespace {

crypto::SigningKey new_key() {
  auto k = crypto::SigningKey::generate();
  if (!k) throw std::runtime_error(k.message());
  return std::move(*k);
}

Receipt unsigned_receipt() {
  return Receipt{"job-1", "site-1", std::string(64, 'a'), std::string(64, 'b'), 1767000100, {}, {}};
}

ReceiptExpectation expectation_of(const Receipt& r) {
  return {r.job_id, r.site, r.payload_sha256, r.evidence_sha256, r.stored_at - 10, r.stored_at + 10};
}

attest::EvidenceBundle bundle() {
  attest::EvidenceBundle b;
  b.name = "site-1";
  b.identity_key = Bytes(32, 1);
  b.nonce = Bytes(32, 2);
  b.issued_at = 1767000000;
  b.tokens = {{"x-acme", Bytes{1, 2, 3}}, {"x-acme", Bytes{4, 5}}};
  b.binding_version = 2;
  b.job_key = Bytes(32, 3);
  return b;
}

void expect_error(const Status& s, const std::string& needle) {
  ASSERT_FALSE(s) << "expected an error naming: " << needle;
  EXPECT_NE(s.message().find(needle), std::string::npos) << s.message();
}

TEST(Receipt, SignsVerifiesAndRoundTrips) {
  const auto key = new_key();
  auto r = unsigned_receipt();
  ASSERT_TRUE(sign_receipt(r, key));
  EXPECT_EQ(r.key, crypto::hex_encode(key.public_key().spki_sha256()));
  EXPECT_EQ(r.sig.size(), 128u);
  auto back = receipt_from_json(receipt_to_json(r), "t");
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(*back, r);
  EXPECT_TRUE(verify_receipt_signature(*back, key.public_key()));
  EXPECT_TRUE(check_receipt(*back, key.public_key(), expectation_of(r)));
}

TEST(Receipt, SigningMessageIsLabelledAndExcludesKeyAndSig) {
  auto r = unsigned_receipt();
  const auto before = receipt_signing_message(r);
  EXPECT_EQ(before.rfind("cchost/receipt/v1\n", 0), 0u) << before;
  r.key = std::string(64, 'c');
  r.sig = std::string(128, 'd');
  EXPECT_EQ(receipt_signing_message(r), before);
  r.stored_at += 1;
  EXPECT_NE(receipt_signing_message(r), before);
}

TEST(Receipt, ForeignKeyAndChangedFieldsFailTheSignature) {
  const auto key = new_key();
  const auto other = new_key();
  auto r = unsigned_receipt();
  ASSERT_TRUE(sign_receipt(r, other));
  expect_error(verify_receipt_signature(r, key.public_key()), "not site-1's receipt key");

  // The right key id, content changed after signing: each signed field is covered.
  auto good = unsigned_receipt();
  ASSERT_TRUE(sign_receipt(good, key));
  for (auto change : std::vector<void (*)(Receipt&)>{
           [](Receipt& x) { x.job_id = "job-2"; }, [](Receipt& x) { x.site = "site-2"; },
           [](Receipt& x) { x.payload_sha256 = std::string(64, 'e'); },
           [](Receipt& x) { x.evidence_sha256 = std::string(64, 'e'); }, [](Receipt& x) { x.stored_at += 1; }}) {
    auto changed = good;
    change(changed);
    expect_error(verify_receipt_signature(changed, key.public_key()), "does not verify");
  }
  auto flipped = good;
  flipped.sig[0] = flipped.sig[0] == '0' ? '1' : '0';
  expect_error(verify_receipt_signature(flipped, key.public_key()), "does not verify");
}

TEST(Receipt, CheckNamesTheFirstFieldThatDiffers) {
  const auto key = new_key();
  auto r = unsigned_receipt();
  ASSERT_TRUE(sign_receipt(r, key));
  const auto e = expectation_of(r);
  auto with = [&](void (*edit)(ReceiptExpectation&)) {
    auto x = e;
    edit(x);
    return check_receipt(r, key.public_key(), x);
  };
  expect_error(with([](ReceiptExpectation& x) { x.site = "site-2"; }), "for site 'site-1', expected 'site-2'");
  expect_error(with([](ReceiptExpectation& x) { x.job_id = "job-9"; }), "for job 'job-1', expected 'job-9'");
  expect_error(with([](ReceiptExpectation& x) { x.payload_sha256 = std::string(64, 'f'); }), "the job's payload is");
  expect_error(with([](ReceiptExpectation& x) { x.evidence_sha256 = std::string(64, 'f'); }),
               "the evidence accepted from site-1");
  expect_error(with([](ReceiptExpectation& x) { x.not_before = 1767000101; }), "is outside");
  expect_error(with([](ReceiptExpectation& x) { x.not_after = 1767000099; }), "is outside");
}

TEST(Receipt, SchemaIsStrict) {
  const auto key = new_key();
  auto r = unsigned_receipt();
  ASSERT_TRUE(sign_receipt(r, key));
  const auto good = receipt_to_json(r);
  auto broken = [&](void (*edit)(nlohmann::json&)) {
    auto j = good;
    edit(j);
    auto parsed = receipt_from_json(j, "ack.receipt");
    return parsed ? Status{} : Status(parsed.error());
  };
  expect_error(broken([](nlohmann::json& j) { j["extra"] = 1; }), "extra");
  expect_error(broken([](nlohmann::json& j) { j.erase("sig"); }), "ack.receipt.sig must be a string");
  expect_error(broken([](nlohmann::json& j) { j.erase("stored_at"); }), "stored_at must be a non-negative integer");
  expect_error(broken([](nlohmann::json& j) { j["stored_at"] = -1; }), "stored_at must be a non-negative integer");
  expect_error(broken([](nlohmann::json& j) { j["stored_at"] = "1767000100"; }), "stored_at");
  expect_error(broken([](nlohmann::json& j) { j["schema"] = "cchost.receipt/v0"; }), "schema must be");
  expect_error(broken([](nlohmann::json& j) { j["job_id"] = "../x"; }), "job_id is not a valid job id");
  expect_error(broken([](nlohmann::json& j) { j["site"] = "Site 1"; }), "site is not a participant name");
  expect_error(broken([](nlohmann::json& j) { j["payload_sha256"] = std::string(63, 'a'); }), "payload_sha256 must be 64");
  expect_error(broken([](nlohmann::json& j) { j["evidence_sha256"] = std::string(64, 'A'); }), "evidence_sha256 must be 64");
  expect_error(broken([](nlohmann::json& j) { j["key"] = std::string(64, 'g'); }), "key must be 64");
  expect_error(broken([](nlohmann::json& j) { j["sig"] = std::string(126, 'a'); }), "sig must be 128");
  expect_error(broken([](nlohmann::json& j) { j = nlohmann::json::array(); }), "must be a JSON object");
}

TEST(Receipt, EvidenceDigestCoversEveryPartOfTheBundle) {
  const auto base = evidence_digest(bundle());
  EXPECT_EQ(base.size(), 64u);
  EXPECT_EQ(evidence_digest(bundle()), base);
  std::vector<void (*)(attest::EvidenceBundle&)> edits = {
      [](attest::EvidenceBundle& b) { b.name = "site-2"; },
      [](attest::EvidenceBundle& b) { b.identity_key[0] ^= 1; },
      [](attest::EvidenceBundle& b) { b.nonce[31] ^= 1; },
      [](attest::EvidenceBundle& b) { b.issued_at += 1; },
      [](attest::EvidenceBundle& b) { b.job_key[0] ^= 1; },
      [](attest::EvidenceBundle& b) { b.tokens[1].token.push_back(6); },
      [](attest::EvidenceBundle& b) { b.tokens[0].ns = "x-other"; },
      // Moving a byte across the token boundary: the length prefixes keep these apart.
      [](attest::EvidenceBundle& b) {
        b.tokens[0].token = Bytes{1, 2};
        b.tokens[1].token = Bytes{3, 4, 5};
      },
      [](attest::EvidenceBundle& b) { b.tokens.pop_back(); },
  };
  for (std::size_t i = 0; i < edits.size(); ++i) {
    auto b = bundle();
    edits[i](b);
    EXPECT_NE(evidence_digest(b), base) << "edit " << i << " left the digest unchanged";
  }
}

}  // namespace
}  // namespace cchost::job
