#pragma once
// A mapped plugin library and its validated table. Shared by every Authorizer created from it,
// so the code stays mapped while any context lives.
#include <boost/dll/shared_library.hpp>

#include "cchost/authorizer.h"
#include "cchost/plugin/loader.hpp"

namespace cchost::plugin {

struct LoadedModule {
  boost::dll::shared_library library;
  const cchost_authorizer_table_v2* table = nullptr;
  PluginInfo info;
};

}  // namespace cchost::plugin
