#pragma once
// ccprovision's reference beyond its CLI11 definition (examples, exit codes), rendered into its
// --help footer and into ccprovision.1 (`ccprovision --man DIR`) by host/manpage.
#include "cchost/manpage/command_manual.hpp"

namespace cchost::provision {

manpage::CommandManual ccprovision_manual();
manpage::ManualInfo ccprovision_manual_info();

}  // namespace cchost::provision
