// [tdx] knobs -> claims of the TDX authorizer (x-tdx). Field semantics: go-tdx-guest
// validate.Options and the proposed table in shared/vectors/tdx/NOTES.md §7.
#include <array>

#include "knob_spec.hpp"

namespace cchost::policy::detail {
namespace {

// Intel QVL TCB statuses (NOTES §6). "Revoked" is deliberately absent: never acceptable.
constexpr std::array<std::string_view, 7> kTcbStatuses = {
    "UpToDate", "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded",
    "OutOfDate", "OutOfDateConfigurationNeeded", "TDRelaunchAdvised"};

const std::array kTdxKnobs = {
    KnobSpec{"debug", KnobKind::AllowedFlag, "tdx.debug"},  // TD_ATTRIBUTES bit 0
    KnobSpec{"require_sept_ve_disable", KnobKind::RequiredFlag, "tdx.sept_ve_disable"},  // bit 28
    KnobSpec{"mr_seam", KnobKind::HexOneOf, "tdx.mr_seam", 48},
    KnobSpec{"mr_signer_seam", KnobKind::HexOneOf, "tdx.mr_signer_seam", 48},
    KnobSpec{"min_tee_tcb_svn", KnobKind::BytewiseMin, "tdx.tee_tcb_svn", 16},
    KnobSpec{"td_attributes", KnobKind::HexOneOf, "tdx.td_attributes", 8},
    KnobSpec{"xfam", KnobKind::HexOneOf, "tdx.xfam", 8},
    KnobSpec{"mr_td", KnobKind::HexOneOf, "tdx.mr_td", 48},
    KnobSpec{"mr_config_id", KnobKind::HexOneOf, "tdx.mr_config_id", 48},
    KnobSpec{"mr_owner", KnobKind::HexOneOf, "tdx.mr_owner", 48},
    KnobSpec{"mr_owner_config", KnobKind::HexOneOf, "tdx.mr_owner_config", 48},
    KnobSpec{"rtmr0", KnobKind::HexOneOf, "tdx.rtmr0", 48},
    KnobSpec{"rtmr1", KnobKind::HexOneOf, "tdx.rtmr1", 48},
    KnobSpec{"rtmr2", KnobKind::HexOneOf, "tdx.rtmr2", 48},
    KnobSpec{"rtmr3", KnobKind::HexOneOf, "tdx.rtmr3", 48},
    KnobSpec{"qe_vendor_id", KnobKind::HexOneOf, "tdx.qe_vendor_id", 16},
    KnobSpec{"min_qe_svn", KnobKind::IntMin, "tdx.qe_svn", 0, 0, 0xFFFF},
    KnobSpec{"min_pce_svn", KnobKind::IntMin, "tdx.pce_svn", 0, 0, 0xFFFF},
    KnobSpec{"accepted_tcb_status", KnobKind::StringOneOf, "tdx.tcb_status", 0, 0, 0, kTcbStatuses},
    KnobSpec{"fmspcs", KnobKind::HexOneOf, "tdx.fmspc", 6},
};

}  // namespace

std::span<const KnobSpec> tdx_knobs() { return kTdxKnobs; }

}  // namespace cchost::policy::detail
