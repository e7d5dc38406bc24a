#pragma once
// The x-snp plugin's self-description (authorizer.h describe(), "cchost.describe/v1"): its
// claims, its policy vocabulary ([snp] knobs as data the host compiles), its config keys and
// the collateral it reads. The host knows nothing about SNP beyond this document.
#include <string>

namespace cchost::snp {

const std::string& describe_json();

}  // namespace cchost::snp
