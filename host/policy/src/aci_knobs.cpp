// [aci] knobs -> claims of the Azure ACI authorizer (x-az-aci); shared/vectors/azure/NOTES.md §3, §5.
#include <array>
#include <limits>

#include "knob_spec.hpp"

namespace cchost::policy::detail {
namespace {

constexpr std::array<std::string_view, 2> kAttestationTypes = {"sevsnpvm", "azurevm"};

const std::array kAciKnobs = {
    KnobSpec{"attestation_type", KnobKind::StringOneOf, "aci.attestation_type", 0, 0, 0, kAttestationTypes},
    KnobSpec{"compliance_status", KnobKind::StringOneOf, "aci.compliance_status"},
    KnobSpec{"issuers", KnobKind::StringOneOf, "aci.issuer"},
    KnobSpec{"host_data", KnobKind::HexOneOf, "aci.host_data", 32},  // SHA-256 of the CCE policy
    KnobSpec{"debuggable", KnobKind::AllowedFlag, "aci.debuggable"},
    KnobSpec{"migration_allowed", KnobKind::AllowedFlag, "aci.migration_allowed"},
    KnobSpec{"vmpl", KnobKind::IntEquals, "aci.vmpl", 0, 0, 3},
    KnobSpec{"min_guest_svn", KnobKind::IntMin, "aci.guest_svn", 0, 0, 0xFFFFFFFFLL},
    KnobSpec{"min_uvm_svn", KnobKind::IntMin, "aci.uvm_svn", 0, 0, std::numeric_limits<std::int64_t>::max()},
    KnobSpec{"launch_measurements", KnobKind::HexOneOf, "aci.launch_measurement", 48},
    KnobSpec{"policy_hashes", KnobKind::StringOneOf, "aci.policy_hash"},
};

}  // namespace

std::span<const KnobSpec> aci_knobs() { return kAciKnobs; }

}  // namespace cchost::policy::detail
