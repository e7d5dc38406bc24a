#include "project_config.hpp"

#include <set>
#include <sstream>

#include "cchost/kit/names.hpp"
#include "cchost/kit/strict_toml.hpp"
#include "file_io.hpp"

namespace fs = std::filesystem;
using cchost::kit::TableReader;

namespace cchost::provision {

namespace {

struct Context {
  fs::path base;       // project.toml's folder: relative paths resolve against it
  std::string source;  // project.toml's path as given, for FILE:LINE
};

Error at(const std::string& where, const std::string& message) {
  return make_error(where + ": " + message);
}

Result<std::string> read_name(TableReader& r, std::string_view key, const std::string& what) {
  auto name = r.required_string(key);
  if (!name) return name.error();
  if (!kit::is_safe_name(*name)) {
    return at(r.where_key(key), what + " \"" + *name + "\" must match [A-Za-z0-9._-]{1,64}");
  }
  return name;
}

// policy = "path/to/policy.toml"  or  [x.policy] inline table.
Status read_policy(TableReader& r, const Context& ctx, PolicySource& out, bool required) {
  const toml::node* node = r.take("policy");
  if (node == nullptr) {
    if (required) return at(r.where_table(), "missing required key 'policy' (a path or a table)");
    return {};
  }
  out.where = kit::where(ctx.source, node->source());
  if (const auto* table = node->as_table()) {
    out.inline_table = *table;
    return {};
  }
  if (!node->is_string()) return at(kit::where(ctx.source, node->source()),
                                    "policy must be a file path or an inline table");
  fs::path path = *node->value<std::string>();
  if (path.is_relative()) path = ctx.base / path;
  // Parse it now so that a broken policy fails here with its own FILE:LINE, not at run time.
  auto text = read_file(path);
  if (!text) return at(r.where_key("policy"), "policy file " + text.message());
  if (auto parsed = kit::parse_toml_text(*text, path.string()); !parsed) return parsed.error();
  out.file = path;
  return {};
}

Result<AuthorizerSpec> read_authorizer(const toml::table& table, const Context& ctx,
                                       bool simulate) {
  TableReader r(table, ctx.source, "[[authorizer]]");
  AuthorizerSpec spec;
  spec.where = r.where_table();
  auto ns = r.required_string("namespace");
  if (!ns) return ns.error();
  if (ns->size() <= 2 || ns->rfind("x-", 0) != 0 || !kit::is_safe_name(*ns)) {
    return at(r.where_key("namespace"), "namespace must look like \"x-name\", got \"" + *ns + "\"");
  }
  auto plugin = r.required_string("plugin");
  if (!plugin) return plugin.error();
  if (!kit::is_safe_name(*plugin)) {
    return at(r.where_key("plugin"), "plugin must be a file name (no folders), got \"" + *plugin +
                                         "\"");
  }
  auto backend = r.optional_string("backend");
  if (!backend) return backend.error();
  // `backend` is a plugin config key like any other (checked against the plugin's schema);
  // in simulate mode it defaults to "sim" for plugins that declare it.
  auto args = r.optional_table("args");
  if (!args) return args.error();
  auto verify_only = r.optional_bool("verify_only", false);
  if (!verify_only) return verify_only.error();
  if (*verify_only && backend->has_value())
    return at(r.where_key("backend"), "a verify_only authorizer presents no evidence, so it has no backend");
  if (*verify_only && *args != nullptr && ((*args)->contains("backend") || (*args)->contains("sim")))
    return at(r.where_key("args"), "a verify_only authorizer presents no evidence: its args take no backend or sim table");
  auto trust = r.optional_array("trust");
  if (!trust) return trust.error();
  if (*trust != nullptr) {
    for (const toml::node& item : **trust) {
      auto file = item.value<std::string>();
      if (!file) return at(kit::where(ctx.source, item.source()), "trust entries must be paths");
      fs::path path = *file;
      if (path.is_relative()) path = ctx.base / path;
      if (!kit::is_safe_name(path.filename().string()) || !fs::is_regular_file(path)) {
        return at(kit::where(ctx.source, item.source()),
                  "trust file \"" + *file + "\" is missing or has an unsafe name");
      }
      spec.trust.push_back(path);
    }
  }
  if (auto s = r.finish(); !s) return s.error();
  spec.ns = *ns;
  spec.plugin = *plugin;
  spec.verify_only = *verify_only;
  spec.backend = spec.verify_only ? "" : backend->value_or(simulate ? "sim" : "");
  spec.backend_given = backend->has_value();
  if (*args != nullptr) spec.args = **args;
  return spec;
}

Status read_authorizers(TableReader& r, const Context& ctx, bool simulate, ParticipantSpec& out) {
  auto list = r.optional_array("authorizer");
  if (!list) return list.error();
  if (*list == nullptr) return {};
  std::set<std::string> seen;
  for (const toml::node& node : **list) {
    if (!node.is_table()) {
      return at(kit::where(ctx.source, node.source()), "[[authorizer]] entries must be tables");
    }
    auto spec = read_authorizer(*node.as_table(), ctx, simulate);
    if (!spec) return spec.error();
    if (!seen.insert(spec->ns).second) {
      return at(spec->where, "duplicate authorizer namespace \"" + spec->ns + "\" for " + out.name);
    }
    out.authorizers.push_back(std::move(*spec));
  }
  return {};
}

// Reads the keys every participant table shares; the caller reads its role's extra keys first.
Result<ParticipantSpec> read_participant(TableReader& r, const Context& ctx, kit::Role role,
                                         const std::string& context, bool simulate,
                                         const std::string& default_org) {
  ParticipantSpec spec;
  spec.role = role;
  spec.where = r.where_table();
  auto name = read_name(r, "name", context + " name");
  if (!name) return name.error();
  spec.name = *name;
  auto org = r.optional_string("org");
  if (!org) return org.error();
  if (role == kit::Role::Site && !org->has_value()) {
    return at(r.where_table(), context + " is missing required key 'org'");
  }
  spec.org = org->value_or(default_org);
  if (auto s = read_policy(r, ctx, spec.policy, role != kit::Role::Admin); !s) return s.error();
  if (role != kit::Role::Admin) {
    if (auto s = read_authorizers(r, ctx, simulate, spec); !s) return s.error();
  }
  if (auto s = r.finish(); !s) return s.error();
  return spec;
}

Status read_runtime(TableReader& top, ProjectConfig& out) {
  auto table = top.optional_table("runtime");
  if (!table) return table.error();
  if (*table == nullptr) return {};
  TableReader r(**table, top.source(), "[runtime]");
  for (auto [key, target] : {std::pair{"reattest_interval", &out.runtime.reattest_interval_s},
                             std::pair{"request_timeout", &out.runtime.request_timeout_s}}) {
    auto text = r.optional_string(key);
    if (!text) return text.error();
    if (!text->has_value()) continue;
    auto seconds = kit::parse_duration(**text);
    if (!seconds) return at(r.where_key(key), seconds.message());
    *target = *seconds;
  }
  return r.finish();
}

Result<ProjectConfig> parse_project(const toml::table& doc, const Context& ctx) {
  ProjectConfig out;
  TableReader top(doc, ctx.source, "project.toml");

  auto project = top.optional_table("project");
  if (!project) return project.error();
  if (*project == nullptr) return at(ctx.source + ":1", "missing table [project]");
  {
    TableReader r(**project, ctx.source, "[project]");
    auto name = read_name(r, "name", "[project] name");
    if (!name) return name.error();
    out.name = *name;
    auto simulate = r.optional_bool("simulate", false);
    if (!simulate) return simulate.error();
    out.simulate = *simulate;
    if (auto s = r.finish(); !s) return s.error();
  }
  if (auto s = read_runtime(top, out); !s) return s.error();

  auto server = top.optional_table("server");
  if (!server) return server.error();
  if (*server == nullptr) return at(ctx.source + ":1", "missing table [server]");
  {
    TableReader r(**server, ctx.source, "[server]");
    auto host = r.required_string("host");
    if (!host) return host.error();
    if (host->empty() || host->size() > 253) return at(r.where_key("host"), "host must be 1..253 characters");
    out.host = *host;
    auto port = r.required_int("port");
    if (!port) return port.error();
    if (*port < 1 || *port > 65535) {
      return at(r.where_key("port"), "port must be 1..65535, got " + std::to_string(*port));
    }
    out.port = static_cast<std::uint16_t>(*port);
    auto spec = read_participant(r, ctx, kit::Role::Server, "[server]", out.simulate, out.name);
    if (!spec) return spec.error();
    out.server = std::move(*spec);
  }

  auto sites = top.optional_array("site");
  if (!sites) return sites.error();
  if (*sites == nullptr || (*sites)->empty()) return at(top.where_table(), "no [[site]] declared");
  for (const toml::node& node : **sites) {
    if (!node.is_table()) return at(kit::where(ctx.source, node.source()), "[[site]] entries must be tables");
    TableReader r(*node.as_table(), ctx.source, "[[site]]");
    auto spec = read_participant(r, ctx, kit::Role::Site, "[[site]]", out.simulate, out.name);
    if (!spec) return spec.error();
    out.sites.push_back(std::move(*spec));
  }

  auto admin = top.optional_table("admin");
  if (!admin) return admin.error();
  if (*admin != nullptr) {
    TableReader r(**admin, ctx.source, "[admin]");
    auto spec = read_participant(r, ctx, kit::Role::Admin, "[admin]", out.simulate, out.name);
    if (!spec) return spec.error();
    out.admin = std::move(*spec);
  }
  if (auto s = top.finish(); !s) return s.error();

  // One name, one key, one kit: names are identities on the wire and folder names on disk.
  std::set<std::string> names;
  for (const ParticipantSpec* p : out.participants()) {
    if (!names.insert(p->name).second) {
      return at(p->where, "participant name \"" + p->name + "\" is used twice");
    }
  }
  return out;
}

}  // namespace

std::vector<const ParticipantSpec*> ProjectConfig::participants() const {
  std::vector<const ParticipantSpec*> all{&server};
  for (const auto& site : sites) all.push_back(&site);
  if (admin) all.push_back(&*admin);
  return all;
}

const ParticipantSpec* ProjectConfig::find(std::string_view name) const {
  for (const ParticipantSpec* p : participants()) {
    if (p->name == name) return p;
  }
  return nullptr;
}

Result<ProjectConfig> load_project(const fs::path& file) {
  Context ctx{fs::absolute(file).parent_path(), file.string()};
  auto text = read_file(file);
  if (!text) return text.error();
  auto doc = kit::parse_toml_text(*text, ctx.source);
  if (!doc) return doc.error();
  auto project = parse_project(*doc, ctx);
  if (!project) return project.error();
  project->file = fs::absolute(file);
  return project;
}

}  // namespace cchost::provision

namespace cchost::provision {

Result<std::string> policy_text(const ParticipantSpec& who) {
  if (who.policy.file) return read_file(*who.policy.file);
  if (!who.policy.inline_table) return std::string();
  // An inline table (`policy = { ... }`) keeps its inline flag; the document root must not.
  toml::table root = *who.policy.inline_table;
  root.is_inline(false);
  std::ostringstream text;
  text << "# Generated by ccprovision from the inline policy of " << who.name
       << " in project.toml.\n"
       << toml::toml_formatter(root, toml::format_flags::indentation) << "\n";
  return text.str();
}

}  // namespace cchost::provision
