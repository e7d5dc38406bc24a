// TCB level evaluation (NOTES.md §6). Intel's QVL is authoritative where implementations
// differ: the platform level must match the SGX components, PCESVN *and* the TDX components,
// and a matched TDX module identity level can only lower that status, never replace it
// (go-tdx-guest returns the module level's status alone, which reports
// trustee/quote_v4_module_tdx03 UpToDate although its platform PCESVN 11 < 13 is OutOfDate).
#include "tcb_eval.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "cchost/crypto/encoding.hpp"

namespace cchost::tdx {
namespace {

bool has(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// QVL convergence with an OutOfDate component: UpToDate / SWHardeningNeeded become OutOfDate,
// the Configuration* statuses become OutOfDateConfigurationNeeded; anything worse stays.
std::string lowered_to_out_of_date(const std::string& status) {
  if (status == "UpToDate" || status == "SWHardeningNeeded") return "OutOfDate";
  if (status == "ConfigurationNeeded" || status == "ConfigurationAndSWHardeningNeeded") {
    return "OutOfDateConfigurationNeeded";
  }
  return status;
}

std::string converge(const std::string& status, const std::string& other) {
  if (other == "Revoked") return "Revoked";
  if (other == "OutOfDate" || other == "OutOfDateConfigurationNeeded") return lowered_to_out_of_date(status);
  return status;
}

bool sgx_matches(const TcbInputs& in, const TcbLevel& level) {
  for (std::size_t i = 0; i < 16; ++i) {
    if (in.sgx_components[i] < level.sgx_components[i]) return false;
  }
  return in.pce_svn >= level.pce_svn;
}

// With a module major version in TEE_TCB_SVN[1], bytes 0 and 1 identify the module and are
// judged by tdxModuleIdentities instead of the level's TDX components (NOTES §6).
bool tdx_matches(const TcbInputs& in, const TcbLevel& level) {
  const std::size_t first = in.tee_tcb_svn[1] > 0 ? 2 : 0;
  for (std::size_t i = first; i < 16; ++i) {
    if (in.tee_tcb_svn[i] < level.tdx_components[i]) return false;
  }
  return true;
}

std::string module_id_of(std::uint8_t major) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "TDX_%02X", major);
  return buf;
}

bool same_id(const std::string& a, const std::string& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::toupper(x) == std::toupper(y); });
}

const TdxModuleIdentity* find_identity(const TcbInfo& info, std::uint8_t major) {
  const std::string id = module_id_of(major);
  for (const auto& m : info.module_identities) {
    if (same_id(m.id, id)) return &m;
  }
  return nullptr;
}

std::string hex(ByteView b) { return crypto::hex_encode(b); }

// MRSIGNERSEAM and masked SEAM attributes against the module description that applies
// (NOTES §5 step 9): the matched identity for module major > 0, tdxModule otherwise.
Status check_module_signer(const TcbInputs& in, const std::array<std::uint8_t, 48>& mr_signer,
                           const std::array<std::uint8_t, 8>& attributes, const std::array<std::uint8_t, 8>& mask,
                           const std::string& what) {
  if (in.mr_signer_seam != mr_signer) {
    return make_error("TDX quote: MRSIGNERSEAM must equal " + what + " mrsigner " + hex(mr_signer) + ", got " +
                      hex(in.mr_signer_seam));
  }
  for (std::size_t i = 0; i < 8; ++i) {
    if ((in.seam_attributes[i] & mask[i]) != attributes[i]) {
      return make_error("TDX quote: SEAM attributes masked with " + hex(mask) + " must equal " + what +
                        " attributes " + hex(attributes) + ", got " + hex(in.seam_attributes));
    }
  }
  return {};
}

void add_advisories(std::vector<std::string>& out, const std::vector<std::string>& more) {
  for (const auto& a : more) {
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
}

}  // namespace

TcbInputs tcb_inputs(const TdxQuote& quote, const PckExtensions& pck) {
  TcbInputs in;
  in.sgx_components = pck.sgx_tcb_svn;
  in.pce_svn = pck.pce_svn;
  in.tee_tcb_svn = quote.body.tee_tcb_svn;
  in.tee_tcb_svn_2 = quote.body.tee_tcb_svn_2;
  in.mr_signer_seam = quote.body.mr_signer_seam;
  in.seam_attributes = quote.body.seam_attributes;
  return in;
}

Result<QeEvaluation> evaluate_qe_identity(const QeReport& qe, const QeIdentity& id) {
  if (qe.mr_signer != id.mr_signer) {
    return make_error("QE identity: MRSIGNER must be " + hex(id.mr_signer) + ", got " + hex(qe.mr_signer));
  }
  if (qe.isv_prod_id != id.isv_prod_id) {
    return make_error("QE identity: ISVPRODID must be " + std::to_string(id.isv_prod_id) + ", got " +
                      std::to_string(qe.isv_prod_id));
  }
  if ((qe.miscselect & id.miscselect_mask) != id.miscselect) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "QE identity: MISCSELECT & %08X must be %08X, got %08X", id.miscselect_mask,
                  id.miscselect, qe.miscselect & id.miscselect_mask);
    return make_error(buf);
  }
  for (std::size_t i = 0; i < 16; ++i) {
    if ((qe.attributes[i] & id.attributes_mask[i]) != id.attributes[i]) {
      return make_error("QE identity: ATTRIBUTES masked with " + hex(id.attributes_mask) + " must be " +
                        hex(id.attributes) + ", got " + hex(qe.attributes));
    }
  }
  for (const auto& level : id.levels) {
    if (qe.isv_svn >= level.isv_svn) {
      return QeEvaluation{level.status, level.isv_svn, level.tcb_date, level.advisory_ids};
    }
  }
  return make_error("QE identity: no TCB level matches the QE's ISVSVN " + std::to_string(qe.isv_svn) +
                    " (lowest level needs " + std::to_string(id.levels.empty() ? 0 : id.levels.back().isv_svn) + ")");
}

Result<TcbEvaluation> evaluate_tcb(const TcbInputs& in, const TcbInfo& info, const QeEvaluation& qe) {
  TcbEvaluation out;
  const TcbLevel* sgx_level = nullptr;
  const TcbLevel* tdx_level = nullptr;
  for (const auto& level : info.levels) {
    if (!sgx_matches(in, level)) continue;
    if (sgx_level == nullptr) sgx_level = &level;
    if (tdx_matches(in, level)) {
      tdx_level = &level;
      break;
    }
  }
  if (sgx_level == nullptr || tdx_level == nullptr) {
    return make_error(std::string("TCB Info: no TCB level matches the platform (") +
                      (sgx_level == nullptr ? "SGX components " + hex(in.sgx_components) + " / PCESVN " +
                                                  std::to_string(in.pce_svn)
                                            : "TEE_TCB_SVN " + hex(in.tee_tcb_svn)) +
                      "): TCB not supported");
  }
  out.sgx_status = sgx_level->status;
  out.platform_status = tdx_level->status;
  out.tcb_date = tdx_level->tcb_date;
  out.tcb_date_time = tdx_level->tcb_date_time;
  add_advisories(out.advisory_ids, tdx_level->advisory_ids);

  std::string status = tdx_level->status;
  const TdxModuleIdentity* identity = nullptr;
  if (in.tee_tcb_svn[1] > 0) {
    identity = find_identity(info, in.tee_tcb_svn[1]);
    if (identity == nullptr) {
      return make_error("TCB Info: no tdxModuleIdentities entry " + module_id_of(in.tee_tcb_svn[1]) +
                        " for the TDX module major version " + std::to_string(in.tee_tcb_svn[1]) +
                        " in TEE_TCB_SVN[1] (TDX module mismatch)");
    }
    if (auto s = check_module_signer(in, identity->mr_signer, identity->attributes, identity->attributes_mask,
                                     "TCB Info module identity " + identity->id);
        !s) {
      return s.error();
    }
    const ModuleLevel* module_level = nullptr;
    for (const auto& l : identity->levels) {
      if (in.tee_tcb_svn[0] >= l.isv_svn) {
        module_level = &l;
        break;
      }
    }
    if (module_level == nullptr) {
      return make_error("TCB Info: no level of module identity " + identity->id + " matches TDX module SVN " +
                        std::to_string(in.tee_tcb_svn[0]) + ": TCB not supported");
    }
    out.module_id = identity->id;
    out.module_status = module_level->status;
    add_advisories(out.advisory_ids, module_level->advisory_ids);
    if (module_level->tcb_date_time < out.tcb_date_time) {
      out.tcb_date = module_level->tcb_date;
      out.tcb_date_time = module_level->tcb_date_time;
    }
    status = converge(status, module_level->status);
  } else {
    if (auto s = check_module_signer(in, info.tdx_module.mr_signer, info.tdx_module.attributes,
                                     info.tdx_module.attributes_mask, "TCB Info tdxModule");
        !s) {
      return s.error();
    }
  }

  // TDX 1.5 relaunch (QVL TDRelaunchCheck): an out-of-date module whose TD could run on an
  // up-to-date one by relaunching, judged on TEE_TCB_SVN_2 against the latest level.
  const bool qe_ok = qe.status != "OutOfDate" && qe.status != "OutOfDateConfigurationNeeded" && qe.status != "Revoked";
  const bool sgx_ok = out.sgx_status == "UpToDate" || out.sgx_status == "SWHardeningNeeded" ||
                      out.sgx_status == "ConfigurationNeeded" || out.sgx_status == "ConfigurationAndSWHardeningNeeded";
  if (in.tee_tcb_svn_2 && qe_ok && sgx_ok && has(status, "OutOfDate") && out.module_status &&
      *out.module_status == "OutOfDate") {
    const auto& svn2 = *in.tee_tcb_svn_2;
    const TcbLevel& latest = info.levels.front();
    std::optional<std::uint16_t> needed0;
    if (svn2[1] != 0) {
      if (const auto* latest_identity = find_identity(info, svn2[1]); latest_identity && !latest_identity->levels.empty()) {
        needed0 = latest_identity->levels.front().isv_svn;
      }
    } else {
      needed0 = latest.tdx_components[0];
    }
    if (needed0 && svn2[0] >= *needed0 && svn2[2] >= latest.tdx_components[2]) {
      out.relaunch_advised = true;
      const bool config = has(out.sgx_status, "Configuration") || has(out.platform_status, "Configuration") ||
                          has(qe.status, "Configuration");
      status = config ? "TDRelaunchAdvisedConfigurationNeeded" : "TDRelaunchAdvised";
    }
  }

  status = converge(status, qe.status);
  add_advisories(out.advisory_ids, qe.advisory_ids);
  out.status = status;
  return out;
}

}  // namespace cchost::tdx
