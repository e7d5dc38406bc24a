// Every platform knob: the claim it compiles to, a passing value and a failing value.
#include "policy_test_support.hpp"

using namespace cchost::policy;
using namespace cchost::policy::test;

namespace {

const std::string M48a(96, 'a'), M48b(96, 'b'), H32a(64, 'a'), H32b(64, 'b'), H16a(32, 'a'), H16b(32, 'b'),
    H64a(128, 'a'), H64b(128, 'b'), H8a(16, 'a'), H8b(16, 'b'), H6a(12, 'a'), H6b(12, 'b');

struct KnobCase {
  std::string table;    // "snp"
  std::string require;  // "\"x-snp\""
  std::string knob;     // TOML lines under [table]
  std::string rule_id;  // the rule that must fail for `bad`
  ClaimsBuilder good;
  ClaimsBuilder bad;
};

std::vector<KnobCase> cases() {
  const std::string S = "x-snp", T = "x-tdx", G = "x-nv-gpu", W = "x-nv-switch", A = "x-az-aci";
  const std::string rs = "\"x-snp\"", rt = "\"x-tdx\"", rg = "\"x-nv-gpu\"", rw = "\"x-nv-switch\"", ra = "\"x-az-aci\"";
  std::vector<KnobCase> c;
  auto flag = [&](const std::string& tbl, const std::string& req, const std::string& ns, const std::string& knob,
                  const std::string& claim, bool want) {
    c.push_back({tbl, req, knob + " = " + (want ? "true" : "false"), tbl + "." + knob, ClaimsBuilder{}.b(ns, claim, want),
                 ClaimsBuilder{}.b(ns, claim, !want)});
  };
  // [snp] POLICY bits (maxima / requirements), PLATFORM_INFO bits
  flag("snp", rs, S, "debug", "snp.policy.debug", false);
  flag("snp", rs, S, "smt_allowed", "snp.policy.smt", false);
  flag("snp", rs, S, "migrate_ma_allowed", "snp.policy.migrate_ma", false);
  flag("snp", rs, S, "cxl_allowed", "snp.policy.cxl_allow", false);
  flag("snp", rs, S, "require_single_socket", "snp.policy.single_socket", true);
  flag("snp", rs, S, "require_mem_aes_256_xts", "snp.policy.mem_aes_256_xts", true);
  flag("snp", rs, S, "require_rapl_dis", "snp.policy.rapl_dis", true);
  flag("snp", rs, S, "require_ciphertext_hiding", "snp.policy.ciphertext_hiding", true);
  flag("snp", rs, S, "require_page_swap_disable", "snp.policy.page_swap_disable", true);
  flag("snp", rs, S, "smt_en_allowed", "snp.platform_info.smt_en", false);
  flag("snp", rs, S, "tsme_en_allowed", "snp.platform_info.tsme_en", false);
  flag("snp", rs, S, "tio_en_allowed", "snp.platform_info.tio_en", false);
  flag("snp", rs, S, "require_ecc", "snp.platform_info.ecc_en", true);
  flag("snp", rs, S, "require_platform_rapl_dis", "snp.platform_info.rapl_dis", true);
  flag("snp", rs, S, "require_platform_ciphertext_hiding", "snp.platform_info.ciphertext_hiding_en", true);
  flag("snp", rs, S, "require_alias_check", "snp.platform_info.alias_check_complete", true);
  flag("snp", rs, S, "require_author_key", "snp.author_key_en", true);
  flag("snp", rs, S, "mask_chip_key_allowed", "snp.mask_chip_key", false);
  c.push_back({"snp", rs, "min_abi = \"1.55\"", "snp.min_abi", ClaimsBuilder{}.i(S, "snp.policy", 0x30137),
               ClaimsBuilder{}.i(S, "snp.policy", 0x30136)});
  c.push_back({"snp", rs, "min_abi = \"0.31\"", "snp.min_abi", ClaimsBuilder{}.i(S, "snp.policy", 0x3001F),
               ClaimsBuilder{}.i(S, "snp.policy", 0x3001E)});
  c.push_back({"snp", rs, "min_tcb = {microcode = 68}", "snp.min_tcb.microcode",
               ClaimsBuilder{}.i(S, "snp.reported_tcb.microcode", 68), ClaimsBuilder{}.i(S, "snp.reported_tcb.microcode", 67)});
  for (const char* comp : {"bootloader", "tee", "snp", "fmc"}) {
    c.push_back({"snp", rs, std::string("min_tcb = {") + comp + " = 3}", std::string("snp.min_tcb.") + comp,
                 ClaimsBuilder{}.i(S, std::string("snp.reported_tcb.") + comp, 4),
                 ClaimsBuilder{}.i(S, std::string("snp.reported_tcb.") + comp, 2)});
  }
  c.push_back({"snp", rs, "min_launch_tcb = {snp = 5}", "snp.min_launch_tcb.snp", ClaimsBuilder{}.i(S, "snp.launch_tcb.snp", 5),
               ClaimsBuilder{}.i(S, "snp.launch_tcb.snp", 4)});
  c.push_back({"snp", rs, "min_guest_svn = 3", "snp.min_guest_svn", ClaimsBuilder{}.i(S, "snp.guest_svn", 3),
               ClaimsBuilder{}.i(S, "snp.guest_svn", 2)});
  c.push_back({"snp", rs, "vmpl = 0", "snp.vmpl", ClaimsBuilder{}.i(S, "snp.vmpl", 0), ClaimsBuilder{}.i(S, "snp.vmpl", 1)});
  auto hex = [&](const std::string& tbl, const std::string& req, const std::string& ns, const std::string& knob,
                 const std::string& claim, const std::string& a, const std::string& b) {
    c.push_back({tbl, req, knob + " = [\"" + a + "\"]", tbl + "." + knob, ClaimsBuilder{}.h(ns, claim, a),
                 ClaimsBuilder{}.h(ns, claim, b)});
  };
  hex("snp", rs, S, "measurements", "snp.measurement", M48a, M48b);
  hex("snp", rs, S, "host_data", "snp.host_data", H32a, H32b);
  hex("snp", rs, S, "family_id", "snp.family_id", H16a, H16b);
  hex("snp", rs, S, "image_id", "snp.image_id", H16a, H16b);
  hex("snp", rs, S, "report_id", "snp.report_id", H32a, H32b);
  hex("snp", rs, S, "report_id_ma", "snp.report_id_ma", H32a, H32b);
  hex("snp", rs, S, "chip_ids", "snp.chip_id", H64a, H64b);
  hex("snp", rs, S, "id_key_digests", "snp.id_key_digest", M48a, M48b);
  hex("snp", rs, S, "author_key_digests", "snp.author_key_digest", M48a, M48b);
  c.push_back({"snp", rs, "require_id_block = true", "snp.require_id_block", ClaimsBuilder{}.h(S, "snp.id_key_digest", M48a),
               ClaimsBuilder{}.h(S, "snp.id_key_digest", std::string(96, '0'))});
  c.push_back({"snp", rs, "allowed_signing_keys = [\"vcek\"]", "snp.allowed_signing_keys",
               ClaimsBuilder{}.s(S, "snp.signing_key", "vcek"), ClaimsBuilder{}.s(S, "snp.signing_key", "vlek")});
  c.push_back({"snp", rs, "allowed_products = [\"Genoa\", \"Turin\"]", "snp.allowed_products",
               ClaimsBuilder{}.s(S, "snp.product", "Turin"), ClaimsBuilder{}.s(S, "snp.product", "Milan")});
  c.push_back({"snp", rs, "min_version = \"1.49\"", "snp.min_version", ClaimsBuilder{}.v(S, "snp.current_version", "1.49.3"),
               ClaimsBuilder{}.v(S, "snp.current_version", "1.48.9")});
  c.push_back({"snp", rs, "min_build = 3", "snp.min_build", ClaimsBuilder{}.v(S, "snp.current_version", "1.49.3"),
               ClaimsBuilder{}.v(S, "snp.current_version", "1.49.2")});
  c.push_back({"snp", rs, "allow_provisional_firmware = false", "snp.allow_provisional_firmware.version",
               ClaimsBuilder{}.v(S, "snp.current_version", "1.55.21").v(S, "snp.committed_version", "1.55.21")
                   .i(S, "snp.current_tcb.bootloader", 1).i(S, "snp.committed_tcb.bootloader", 1)
                   .i(S, "snp.current_tcb.tee", 1).i(S, "snp.committed_tcb.tee", 1)
                   .i(S, "snp.current_tcb.snp", 1).i(S, "snp.committed_tcb.snp", 1)
                   .i(S, "snp.current_tcb.microcode", 1).i(S, "snp.committed_tcb.microcode", 1),
               ClaimsBuilder{}.v(S, "snp.current_version", "1.55.21").v(S, "snp.committed_version", "1.55.20")});
  c.push_back({"snp", rs, "allow_provisional_firmware = false", "snp.allow_provisional_firmware.microcode",
               ClaimsBuilder{}.v(S, "snp.current_version", "1.55.21").v(S, "snp.committed_version", "1.55.21")
                   .i(S, "snp.current_tcb.bootloader", 1).i(S, "snp.committed_tcb.bootloader", 1)
                   .i(S, "snp.current_tcb.tee", 1).i(S, "snp.committed_tcb.tee", 1)
                   .i(S, "snp.current_tcb.snp", 1).i(S, "snp.committed_tcb.snp", 1)
                   .i(S, "snp.current_tcb.microcode", 1).i(S, "snp.committed_tcb.microcode", 1)
                   .i(S, "snp.current_tcb.fmc", 2).i(S, "snp.committed_tcb.fmc", 2),
               ClaimsBuilder{}.i(S, "snp.current_tcb.microcode", 0x44).i(S, "snp.committed_tcb.microcode", 0x43)});
  c.push_back({"snp", rs, "min_launch_mit_vector = 0x3", "snp.min_launch_mit_vector",
               ClaimsBuilder{}.i(S, "snp.launch_mit_vector", 0x3f), ClaimsBuilder{}.i(S, "snp.launch_mit_vector", 0x1)});
  c.push_back({"snp", rs, "min_current_mit_vector = 0x20", "snp.min_current_mit_vector",
               ClaimsBuilder{}.i(S, "snp.current_mit_vector", 0x3f), ClaimsBuilder{}.i(S, "snp.current_mit_vector", 0x1f)});
  // [tdx]
  flag("tdx", rt, T, "debug", "tdx.debug", false);
  flag("tdx", rt, T, "require_sept_ve_disable", "tdx.sept_ve_disable", true);
  for (const char* k : {"mr_seam", "mr_signer_seam", "mr_td", "mr_config_id", "mr_owner", "mr_owner_config", "rtmr0",
                        "rtmr1", "rtmr2", "rtmr3"}) {
    hex("tdx", rt, T, k, std::string("tdx.") + k, M48a, M48b);
  }
  hex("tdx", rt, T, "td_attributes", "tdx.td_attributes", H8a, H8b);
  hex("tdx", rt, T, "xfam", "tdx.xfam", H8a, H8b);
  hex("tdx", rt, T, "qe_vendor_id", "tdx.qe_vendor_id", H16a, H16b);
  hex("tdx", rt, T, "fmspcs", "tdx.fmspc", H6a, H6b);
  c.push_back({"tdx", rt, "min_tee_tcb_svn = \"03000500000000000000000000000000\"", "tdx.min_tee_tcb_svn",
               ClaimsBuilder{}.h(T, "tdx.tee_tcb_svn", "03010600000000000000000000000000"),
               ClaimsBuilder{}.h(T, "tdx.tee_tcb_svn", "04000400000000000000000000000000")});  // byte 2 lower
  c.push_back({"tdx", rt, "min_qe_svn = 8", "tdx.min_qe_svn", ClaimsBuilder{}.i(T, "tdx.qe_svn", 8), ClaimsBuilder{}.i(T, "tdx.qe_svn", 7)});
  c.push_back({"tdx", rt, "min_pce_svn = 13", "tdx.min_pce_svn", ClaimsBuilder{}.i(T, "tdx.pce_svn", 13), ClaimsBuilder{}.i(T, "tdx.pce_svn", 12)});
  c.push_back({"tdx", rt, "accepted_tcb_status = [\"UpToDate\"]", "tdx.accepted_tcb_status",
               ClaimsBuilder{}.s(T, "tdx.tcb_status", "UpToDate"), ClaimsBuilder{}.s(T, "tdx.tcb_status", "OutOfDate")});
  // [gpu]
  c.push_back({"gpu", rg, "arch = \"HOPPER\"", "gpu.arch", ClaimsBuilder{}.s(G, "gpu.arch", "HOPPER"), ClaimsBuilder{}.s(G, "gpu.arch", "BLACKWELL")});
  c.push_back({"gpu", rg, "min_driver_version = \"550.54.15\"", "gpu.min_driver_version",
               ClaimsBuilder{}.v(G, "gpu.driver_version", "550.90.7"), ClaimsBuilder{}.v(G, "gpu.driver_version", "535.129.3")});
  c.push_back({"gpu", rg, "driver_versions = [\"550.54.15\"]", "gpu.driver_versions",
               ClaimsBuilder{}.v(G, "gpu.driver_version", "550.54.15"), ClaimsBuilder{}.v(G, "gpu.driver_version", "550.54.16")});
  c.push_back({"gpu", rg, "vbios_versions = [\"96.00.9F.00.01\"]", "gpu.vbios_versions",
               ClaimsBuilder{}.s(G, "gpu.vbios_version", "96.00.9F.00.01"), ClaimsBuilder{}.s(G, "gpu.vbios_version", "96.00.9F.00.02")});
  flag("gpu", rg, G, "secure_boot", "gpu.secure_boot", true);
  flag("gpu", rg, G, "debug", "gpu.debug", false);
  flag("gpu", rg, G, "require_rim_match", "gpu.rim_match", true);
  flag("gpu", rg, G, "require_fwid_match", "gpu.fwid_match", true);
  c.push_back({"gpu", rg, "allowed_modes = [\"ppcie\"]", "gpu.allowed_modes", ClaimsBuilder{}.s(G, "gpu.mode", "ppcie"),
               ClaimsBuilder{}.s(G, "gpu.mode", "spt")});
  // [nvswitch]
  c.push_back({"nvswitch", rw, "arch = \"LS10\"", "nvswitch.arch", ClaimsBuilder{}.s(W, "nvswitch.arch", "LS10"),
               ClaimsBuilder{}.s(W, "nvswitch.arch", "LS20")});
  c.push_back({"nvswitch", rw, "bios_versions = [\"96.10.55.00.01\"]", "nvswitch.bios_versions",
               ClaimsBuilder{}.s(W, "nvswitch.bios_version", "96.10.55.00.01"), ClaimsBuilder{}.s(W, "nvswitch.bios_version", "96.10.55.00.00")});
  flag("nvswitch", rw, W, "secure_boot", "nvswitch.secure_boot", true);
  flag("nvswitch", rw, W, "debug", "nvswitch.debug", false);
  flag("nvswitch", rw, W, "require_rim_match", "nvswitch.rim_match", true);
  flag("nvswitch", rw, W, "require_tnvl", "nvswitch.tnvl", true);
  flag("nvswitch", rw, W, "require_locked", "nvswitch.locked", true);
  // [aci]
  c.push_back({"aci", ra, "attestation_type = \"sevsnpvm\"", "aci.attestation_type",
               ClaimsBuilder{}.s(A, "aci.attestation_type", "sevsnpvm"), ClaimsBuilder{}.s(A, "aci.attestation_type", "azurevm")});
  c.push_back({"aci", ra, "compliance_status = [\"azure-compliant-uvm\"]", "aci.compliance_status",
               ClaimsBuilder{}.s(A, "aci.compliance_status", "azure-compliant-uvm"), ClaimsBuilder{}.s(A, "aci.compliance_status", "none")});
  c.push_back({"aci", ra, "issuers = [\"https://maa.example\"]", "aci.issuers", ClaimsBuilder{}.s(A, "aci.issuer", "https://maa.example"),
               ClaimsBuilder{}.s(A, "aci.issuer", "https://evil.example")});
  hex("aci", ra, A, "host_data", "aci.host_data", H32a, H32b);
  flag("aci", ra, A, "debuggable", "aci.debuggable", false);
  flag("aci", ra, A, "migration_allowed", "aci.migration_allowed", false);
  c.push_back({"aci", ra, "vmpl = 0", "aci.vmpl", ClaimsBuilder{}.i(A, "aci.vmpl", 0), ClaimsBuilder{}.i(A, "aci.vmpl", 2)});
  c.push_back({"aci", ra, "min_guest_svn = 2", "aci.min_guest_svn", ClaimsBuilder{}.i(A, "aci.guest_svn", 2), ClaimsBuilder{}.i(A, "aci.guest_svn", 1)});
  c.push_back({"aci", ra, "min_uvm_svn = 100", "aci.min_uvm_svn", ClaimsBuilder{}.i(A, "aci.uvm_svn", 101), ClaimsBuilder{}.i(A, "aci.uvm_svn", 99)});
  hex("aci", ra, A, "launch_measurements", "aci.launch_measurement", M48a, M48b);
  c.push_back({"aci", ra, "policy_hashes = [\"abc\"]", "aci.policy_hashes", ClaimsBuilder{}.s(A, "aci.policy_hash", "abc"),
               ClaimsBuilder{}.s(A, "aci.policy_hash", "abd")});
  // [topology] is gone: device counts are count / min_count rules over records
  // (policy_vocabulary_test.cpp), and cross-namespace checks belong to a composite stage.
  return c;
}

Decision eval_with_all_namespaces(const Policy& p, ClaimsBuilder c) {
  for (const auto& ns : p.require()) c.ns(ns);  // present (possibly empty) so only the knob decides
  return evaluate(p, c.map, {});
}

}  // namespace

TEST(PolicyKnobs, EveryKnobCompilesToItsClaim) {
  for (const auto& k : cases()) {
    SCOPED_TRACE("[" + k.table + "] " + k.knob);
    auto p = load_ok("[policy]\nrequire = [" + k.require + "]\n[" + k.table + "]\n" + k.knob + "\n");
    ASSERT_FALSE(p.rules_for("", "").empty());
    auto good = eval_with_all_namespaces(p, k.good);
    EXPECT_TRUE(good.accept) << (good.failed.empty() ? "" : good.failed[0].rule + ": " + good.failed[0].why);
    auto bad = eval_with_all_namespaces(p, k.bad);
    EXPECT_FALSE(bad.accept);
    const RuleOutcome* f = find_failed(bad, k.rule_id);
    ASSERT_NE(f, nullptr) << "no failure for " << k.rule_id;
    EXPECT_FALSE(f->why.empty());
    EXPECT_FALSE(f->expected.empty());
    EXPECT_NE(f->actual, "");
    // Deny by default: with no claims at all, the knob fails too.
    EXPECT_FALSE(eval_with_all_namespaces(p, {}).accept);
  }
}

TEST(PolicyKnobs, PermissionsCompileToNoRule) {
  auto p = load_ok(R"([policy]
require = ["x-snp", "x-nv-gpu"]
[snp]
debug = true
smt_allowed = true
require_ecc = false
require_id_block = false
allow_provisional_firmware = true
[gpu]
secure_boot = false
)");
  EXPECT_TRUE(p.rules_for("", "").empty());
}

TEST(PolicyKnobs, TcbTableCompilesOneRulePerComponentInSchemaOrder) {
  auto p = load_ok("[policy]\nrequire = [\"x-snp\"]\n[snp]\nmin_tcb = {microcode = 68, bootloader = 2, snp = 5, tee = 0, fmc = 1}\n");
  std::vector<std::string> ids;
  for (const auto& r : p.rules_for("", "")) ids.push_back(r.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"snp.min_tcb.bootloader", "snp.min_tcb.tee", "snp.min_tcb.snp",
                                           "snp.min_tcb.microcode", "snp.min_tcb.fmc"}));
  EXPECT_EQ(p.rules_for("", "")[3].claim, "snp.reported_tcb.microcode");
}

TEST(PolicyKnobs, ProvisionalFirmwareToleratesMissingFmcOnBothSides) {
  auto p = load_ok("[policy]\nrequire = [\"x-snp\"]\n[snp]\nallow_provisional_firmware = false\n");
  ClaimsBuilder milan;
  milan.v("x-snp", "snp.current_version", "1.55.21").v("x-snp", "snp.committed_version", "1.55.21");
  for (const char* c : {"bootloader", "tee", "snp", "microcode"}) {
    milan.i("x-snp", std::string("snp.current_tcb.") + c, 3).i("x-snp", std::string("snp.committed_tcb.") + c, 3);
  }
  EXPECT_TRUE(evaluate(p, milan.map, {}).accept);
  auto turin_half = milan;
  turin_half.i("x-snp", "snp.current_tcb.fmc", 1);  // committed fmc missing: a mismatch
  auto d = evaluate(p, turin_half.map, {});
  EXPECT_FALSE(d.accept);
  EXPECT_NE(find_failed(d, "snp.allow_provisional_firmware.fmc"), nullptr);
}

TEST(PolicyKnobs, SingleStringIsAOneElementList) {
  auto p = load_ok("[policy]\nrequire = [\"x-snp\"]\n[snp]\nmeasurements = \"" + M48a + "\"\n");
  EXPECT_TRUE(evaluate(p, ClaimsBuilder{}.h("x-snp", "snp.measurement", M48a).map, {}).accept);
}
