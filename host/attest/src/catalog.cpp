#include "cchost/attest/catalog.hpp"

namespace cchost::attest {

Result<policy::Catalog> catalog_of(const std::vector<plugin::PluginInfo>& plugins) {
  policy::Catalog out;
  for (const auto& info : plugins) {
    auto v = policy::vocabulary_from_describe(info.description);
    if (!v) return make_error(info.file + ": " + v.message());
    for (const auto& other : out) {
      if (other.section == v->section || other.ns == v->section) {
        return make_error(info.file + ": policy section [" + v->section + "] is already " + other.ns + "'s");
      }
    }
    out.push_back(std::move(*v));
  }
  return out;
}

Result<policy::Catalog> catalog_of(const std::vector<std::shared_ptr<plugin::Authorizer>>& authorizers) {
  std::vector<plugin::PluginInfo> infos;
  for (const auto& a : authorizers) infos.push_back(a->info());
  return catalog_of(infos);
}

Result<policy::Catalog> catalog_from_dir(const std::filesystem::path& dir) {
  plugin::PluginLoader loader;
  auto entries = loader.list_dir(dir);
  if (!entries) return entries.error();
  std::vector<plugin::PluginInfo> infos;
  for (const auto& e : *entries) {
    if (!e.info) return e.info.error();
    infos.push_back(*e.info);
  }
  return catalog_of(infos);
}

}  // namespace cchost::attest
