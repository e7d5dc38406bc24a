#pragma once
// Why an x-az-aci verification failed; plugin.cpp maps each kind to a CCHOST_E_* status.
#include <string>
#include <utility>
#include <variant>

namespace cchost::aci {

enum class FailureKind { Malformed, VerifyFailed, Collateral };

struct AciFailure {
  FailureKind kind;
  std::string message;
};

inline AciFailure malformed(std::string m) { return {FailureKind::Malformed, std::move(m)}; }
inline AciFailure verify_failed(std::string m) { return {FailureKind::VerifyFailed, std::move(m)}; }
inline AciFailure collateral_error(std::string m) { return {FailureKind::Collateral, std::move(m)}; }

}  // namespace cchost::aci
