// Intel's TCB algorithm against derived/tcb_eval.json (every quote x TCB Info pairing listed
// there), including the divergence NOTES.md §6 documents: quote_v4_module_tdx03 is OutOfDate
// per Intel (platform PCESVN 11 < 13) although its TDX module level is UpToDate.
#include <gtest/gtest.h>

#include "collateral_docs.hpp"
#include "pck_extensions.hpp"
#include "quote.hpp"
#include "tcb_eval.hpp"
#include "tdx_test_support.hpp"

namespace cchost::tdx {
namespace {

struct Evaluated {
  Result<QeEvaluation> qe;
  std::optional<Result<TcbEvaluation>> tcb;
};

Evaluated evaluate(const std::filesystem::path& vec, const std::string& quote, const std::string& tcb_info,
                   const std::string& qe_identity) {
  auto bytes = test::read_file(vec / quote);
  auto q = parse_tdx_quote(bytes);
  if (!q) std::abort();
  const std::string stem = quote.substr(0, quote.size() - 4);
  auto leaf = crypto::Certificate::from_file((vec / (stem + ".pck_leaf.pem")).string());
  auto ext = parse_pck_extensions(*leaf);
  auto tdoc = parse_signed_document(test::read_text(vec / tcb_info), "tcbInfo");
  auto info = parse_tcb_info(tdoc->body);
  auto qdoc = parse_signed_document(test::read_text(vec / qe_identity), "enclaveIdentity");
  auto id = parse_qe_identity(qdoc->body);
  if (!ext || !info || !id) {
    ADD_FAILURE() << "inputs: " << (ext ? "" : ext.message()) << (info ? "" : info.message()) << (id ? "" : id.message());
    std::abort();
  }
  Evaluated out{evaluate_qe_identity(q->qe_report, *id), std::nullopt};
  if (out.qe) out.tcb = evaluate_tcb(tcb_inputs(*q, *ext), *info, *out.qe);
  return out;
}

TEST(TdxTcbEval, StatusesEqualDerivedTcbEval) {
  TDX_REQUIRE_VECTORS(vec);
  const auto cases = test::read_json(vec / "derived/tcb_eval.json");
  int checked = 0;
  for (const auto& c : cases) {
    if (!c.contains("intel_qvl")) continue;
    const std::string quote = c["quote"];
    SCOPED_TRACE(quote + " with " + c["tcb_info"].get<std::string>());
    if (!std::filesystem::exists(vec / quote) || !std::filesystem::exists(vec / c["tcb_info"].get<std::string>()) ||
        !std::filesystem::exists(vec / c["qe_identity"].get<std::string>())) {
      continue;  // this vector set does not carry that quote or document
    }
    auto e = evaluate(vec, quote, c["tcb_info"], c["qe_identity"]);
    const auto& qvl = c["intel_qvl"];
    ASSERT_TRUE(e.qe) << e.qe.message();
    EXPECT_EQ(e.qe->status, qvl["qe"].get<std::string>());
    ASSERT_TRUE(e.tcb);
    const std::string final_status = qvl["final"];
    if (final_status == "TcbNotSupported") {
      ASSERT_FALSE(*e.tcb) << "expected no matching TCB level, got " << (*e.tcb)->status;
      EXPECT_NE(e.tcb->message().find("TCB not supported"), std::string::npos) << e.tcb->message();
    } else {
      ASSERT_TRUE(*e.tcb) << e.tcb->message();
      EXPECT_EQ((*e.tcb)->status, final_status);
      if (qvl["sgx_level"].is_array()) {
        EXPECT_EQ((*e.tcb)->sgx_status, qvl["sgx_level"][1].get<std::string>());
      }
      if (qvl["tdx_level"].is_array()) {
        EXPECT_EQ((*e.tcb)->platform_status, qvl["tdx_level"][1].get<std::string>());
        EXPECT_EQ((*e.tcb)->tcb_date, qvl["tdx_level"][0].get<std::string>());
      }
      if (qvl.contains("module") && (*e.tcb)->module_status) {
        EXPECT_EQ(*(*e.tcb)->module_status, qvl["module"].get<std::string>());
      }
    }
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

// The divergence, spelled out: go-tdx-guest would report the module level's UpToDate.
TEST(TdxTcbEval, ModuleTdx03IsOutOfDatePerIntel) {
  TDX_REQUIRE_VECTORS(vec);
  auto e = evaluate(vec, "trustee/quote_v4_module_tdx03.dat", "trustee/tcbinfo_fmspc_00a06d080000.json",
                    "trustee/qe_identity_td_qe.json");
  ASSERT_TRUE(e.qe);
  ASSERT_TRUE(e.tcb && *e.tcb) << (e.tcb ? e.tcb->message() : "");
  const auto& t = **e.tcb;
  EXPECT_EQ(t.status, "OutOfDate");
  EXPECT_EQ(t.platform_status, "OutOfDate");
  ASSERT_TRUE(t.module_status);
  EXPECT_EQ(*t.module_status, "UpToDate");
  ASSERT_TRUE(t.module_id);
  EXPECT_EQ(*t.module_id, "TDX_03");
}

// QE identity checks fail on each field with a message naming it (go-tdx-guest negatives).
TEST(TdxTcbEval, QeIdentityMismatches) {
  TDX_REQUIRE_VECTORS(vec);
  auto bytes = test::read_file(vec / "go-tdx-guest/quote_v4_spr_e4.dat");
  auto q = parse_tdx_quote(bytes);
  ASSERT_TRUE(q);
  auto doc = parse_signed_document(test::read_text(vec / "go-tdx-guest/qe_identity_td_qe.json"), "enclaveIdentity");
  auto id = parse_qe_identity(doc->body);
  ASSERT_TRUE(id) << id.message();
  auto ok = evaluate_qe_identity(q->qe_report, *id);
  ASSERT_TRUE(ok) << ok.message();
  EXPECT_EQ(ok->status, "UpToDate");
  {
    QeIdentity bad = *id;
    bad.miscselect = 0x01020304;
    EXPECT_NE(evaluate_qe_identity(q->qe_report, bad).message().find("MISCSELECT"), std::string::npos);
  }
  {
    QeIdentity bad = *id;
    bad.attributes[0] ^= 0x01;
    EXPECT_NE(evaluate_qe_identity(q->qe_report, bad).message().find("ATTRIBUTES"), std::string::npos);
  }
  {
    QeIdentity bad = *id;
    bad.mr_signer[0] ^= 0x01;
    EXPECT_NE(evaluate_qe_identity(q->qe_report, bad).message().find("MRSIGNER"), std::string::npos);
  }
  {
    QeIdentity bad = *id;
    bad.isv_prod_id = 5;
    EXPECT_EQ(evaluate_qe_identity(q->qe_report, bad).message(), "QE identity: ISVPRODID must be 5, got 2");
  }
  {
    QeIdentity bad = *id;
    for (auto& l : bad.levels) l.isv_svn = 100;
    EXPECT_NE(evaluate_qe_identity(q->qe_report, bad).message().find("no TCB level matches the QE's ISVSVN 4"),
              std::string::npos);
  }
}

// Synthetic levels for the convergence rules (module OutOfDate lowers, QE Revoked wins, relaunch).
TcbInfo synthetic_info() {
  TcbInfo info;
  TcbLevel l;
  l.status = "UpToDate";
  l.tcb_date = "2024-01-01T00:00:00Z";
  l.tdx_components[2] = 2;
  info.levels.push_back(l);
  TdxModuleIdentity m;
  m.id = "TDX_01";
  m.attributes_mask.fill(0xFF);
  m.levels.push_back({5, "UpToDate", "2024-01-01T00:00:00Z", 0, {}});
  m.levels.push_back({2, "OutOfDate", "2023-01-01T00:00:00Z", 0, {"INTEL-SA-00001"}});
  info.module_identities.push_back(m);
  return info;
}

TEST(TdxTcbEval, ModuleOutOfDateLowersAndRelaunchIsAdvised) {
  TcbInputs in;
  in.tee_tcb_svn = {3, 1, 2};
  QeEvaluation qe{"UpToDate", 4, "", {}};
  auto r = evaluate_tcb(in, synthetic_info(), qe);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->status, "OutOfDate");
  EXPECT_EQ(r->advisory_ids, std::vector<std::string>{"INTEL-SA-00001"});
  // TDX 1.5: TEE_TCB_SVN_2 already at the latest module: a relaunch fixes it.
  in.tee_tcb_svn_2 = std::array<std::uint8_t, 16>{5, 1, 2};
  r = evaluate_tcb(in, synthetic_info(), qe);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, "TDRelaunchAdvised");
  EXPECT_TRUE(r->relaunch_advised);
  // ...but not when TEE_TCB_SVN_2 lags too.
  in.tee_tcb_svn_2 = std::array<std::uint8_t, 16>{4, 1, 2};
  r = evaluate_tcb(in, synthetic_info(), qe);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, "OutOfDate");
  // A revoked QE revokes everything.
  in.tee_tcb_svn = {6, 1, 2};
  r = evaluate_tcb(in, synthetic_info(), QeEvaluation{"Revoked", 1, "", {}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, "Revoked");
  // An unknown module major version is a mismatch, not a status.
  in.tee_tcb_svn = {6, 7, 2};
  r = evaluate_tcb(in, synthetic_info(), qe);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("TDX_07"), std::string::npos);
}

}  // namespace
}  // namespace cchost::tdx
