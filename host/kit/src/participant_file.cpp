#include "cchost/kit/participant_file.hpp"

#include <set>
#include <sstream>

#include "cchost/kit/layout.hpp"
#include "cchost/kit/names.hpp"
#include "cchost/kit/strict_toml.hpp"

namespace cchost::kit {

namespace {

Status check(bool ok, const std::string& where, const std::string& message) {
  if (ok) return {};
  return make_error(where + ": " + message);
}

Status read_participant(TableReader& r, ParticipantFile& out) {
  auto name = r.required_string("name");
  if (!name) return name.error();
  if (auto s = check(is_safe_name(*name), r.where_key("name"),
                     "[participant] name must match [A-Za-z0-9._-]{1,64}, got \"" + *name + "\"");
      !s) {
    return s;
  }
  auto role = r.required_string("role");
  if (!role) return role.error();
  auto parsed_role = parse_role(*role);
  if (!parsed_role) return make_error(r.where_key("role") + ": " + parsed_role.message());
  auto project = r.required_string("project");
  if (!project) return project.error();
  auto org = r.required_string("org");
  if (!org) return org.error();
  auto fingerprint = r.required_string("root_fingerprint");
  if (!fingerprint) return fingerprint.error();
  if (auto s = check(is_sha256_hex(*fingerprint), r.where_key("root_fingerprint"),
                     "root_fingerprint must be 64 lowercase hex characters");
      !s) {
    return s;
  }
  out.participant = {*name, *parsed_role, *project, *org};
  out.root_fingerprint = *fingerprint;
  return r.finish();
}

Status read_server(TableReader& r, ParticipantFile& out) {
  auto name = r.required_string("name");
  if (!name) return name.error();
  if (auto s = check(is_safe_name(*name), r.where_key("name"), "[server] name is not a safe name");
      !s) {
    return s;
  }
  auto host = r.required_string("host");
  if (!host) return host.error();
  if (auto s = check(!host->empty() && host->size() <= 253, r.where_key("host"),
                     "[server] host must be 1..253 characters");
      !s) {
    return s;
  }
  auto port = r.required_int("port");
  if (!port) return port.error();
  if (auto s = check(*port >= 1 && *port <= 65535, r.where_key("port"),
                     "[server] port must be 1..65535, got " + std::to_string(*port));
      !s) {
    return s;
  }
  auto key = r.required_string("public_key");
  if (!key) return key.error();
  if (auto s = check(is_z85_key(*key), r.where_key("public_key"),
                     "[server] public_key must be a 40-character Z85 CURVE key");
      !s) {
    return s;
  }
  out.server = {*name, *host, static_cast<std::uint16_t>(*port), *key};
  return r.finish();
}

Status read_runtime(TableReader& r, ParticipantFile& out) {
  for (auto [key, target] : {std::pair{"reattest_interval", &out.runtime.reattest_interval_s},
                             std::pair{"request_timeout", &out.runtime.request_timeout_s}}) {
    auto text = r.optional_string(key);
    if (!text) return text.error();
    if (!text->has_value()) continue;
    auto seconds = parse_duration(**text);
    if (!seconds) return make_error(r.where_key(key) + ": " + seconds.message());
    *target = *seconds;
  }
  return r.finish();
}

Status read_authorizer(TableReader& r, ParticipantFile& out) {
  AuthorizerDecl decl;
  auto ns = r.required_string("namespace");
  if (!ns) return ns.error();
  // Namespaces are "x-<platform>" (DESIGN.md, "Evidence"), and safe as folder names in trust/.
  if (auto s = check(ns->size() > 2 && ns->rfind("x-", 0) == 0 && is_safe_name(*ns),
                     r.where_key("namespace"),
                     "[[authorizer]] namespace must look like \"x-name\", got \"" + *ns + "\"");
      !s) {
    return s;
  }
  auto plugin = r.required_string("plugin");
  if (!plugin) return plugin.error();
  if (auto s = check(is_safe_name(*plugin), r.where_key("plugin"),
                     "[[authorizer]] plugin must be a plain file name inside plugins/, got \"" +
                         *plugin + "\"");
      !s) {
    return s;
  }
  auto sha = r.required_string("sha256");
  if (!sha) return sha.error();
  if (auto s = check(is_sha256_hex(*sha), r.where_key("sha256"),
                     "[[authorizer]] sha256 must be 64 lowercase hex characters");
      !s) {
    return s;
  }
  auto config = r.optional_string("config");
  if (!config) return config.error();
  decl.config_toml = config->value_or("");
  // The plugin validates its own keys; here we only refuse text that is not TOML at all.
  if (auto parsed = parse_toml_text(decl.config_toml, "config"); !parsed) {
    return make_error(r.where_key("config") + ": [[authorizer]] " + *ns +
                      " config is not valid TOML: " + parsed.message());
  }
  auto verify_only = r.optional_bool("verify_only", false);
  if (!verify_only) return verify_only.error();
  decl.verify_only = *verify_only;
  for (const auto& other : out.authorizers) {
    if (other.ns == *ns) {
      return make_error(r.where_key("namespace") + ": duplicate authorizer namespace \"" + *ns +
                        "\"");
    }
  }
  decl.ns = *ns;
  decl.plugin = *plugin;
  decl.sha256 = *sha;
  out.authorizers.push_back(std::move(decl));
  return r.finish();
}

// "[key]". Built by appending: gcc 12 at -O2 reports a false -Wrestrict on `"[" + string`.
std::string bracketed(std::string_view key) {
  std::string out;
  out.reserve(key.size() + 2);
  out.push_back('[');
  out.append(key);
  out.push_back(']');
  return out;
}

template <class Fn>
Status read_required_table(TableReader& top, std::string_view key, Fn&& fn) {
  auto table = top.optional_table(key);
  if (!table) return table.error();
  const std::string name = bracketed(key);
  if (*table == nullptr) {
    std::string message = top.where_table();
    message.append(": missing table ").append(name);
    return make_error(std::move(message));
  }
  TableReader r(**table, top.source(), name);
  return fn(r);
}

}  // namespace

Result<ParticipantFile> parse_participant_toml(std::string_view text, const std::string& source) {
  auto doc = parse_toml_text(text, source);
  if (!doc) return doc.error();
  TableReader top(*doc, source, "participant.toml");
  ParticipantFile out;

  auto version = top.required_int("version");
  if (!version) return version.error();
  if (*version != layout::kParticipantVersion) {
    return make_error(top.where_key("version") + ": unsupported participant.toml version " +
                      std::to_string(*version) + ", expected " +
                      std::to_string(layout::kParticipantVersion));
  }
  if (auto s = read_required_table(top, "participant",
                                   [&](TableReader& r) { return read_participant(r, out); });
      !s) {
    return s.error();
  }
  if (auto s = read_required_table(top, "server",
                                   [&](TableReader& r) { return read_server(r, out); });
      !s) {
    return s.error();
  }
  auto runtime = top.optional_table("runtime");
  if (!runtime) return runtime.error();
  if (*runtime != nullptr) {
    TableReader r(**runtime, source, "[runtime]");
    if (auto s = read_runtime(r, out); !s) return s.error();
  }
  auto authorizers = top.optional_array("authorizer");
  if (!authorizers) return authorizers.error();
  if (*authorizers != nullptr) {
    for (const toml::node& node : **authorizers) {
      if (!node.is_table()) {
        return make_error(where(source, node.source()) + ": [[authorizer]] entries must be tables");
      }
      TableReader r(*node.as_table(), source, "[[authorizer]]");
      if (auto s = read_authorizer(r, out); !s) return s.error();
    }
  }
  if (auto s = top.finish(); !s) return s.error();
  return out;
}

Result<std::map<std::string, PeerKey>> parse_participants_toml(std::string_view text,
                                                               const std::string& source) {
  auto doc = parse_toml_text(text, source);
  if (!doc) return doc.error();
  TableReader top(*doc, source, "participants file");
  auto table = top.optional_table("participants");
  if (!table) return table.error();
  if (auto s = top.finish(); !s) return s.error();
  std::map<std::string, PeerKey> peers;
  if (*table == nullptr) return peers;
  for (const auto& [name, node] : **table) {
    std::string at = where(source, name.source());
    if (!is_safe_name(name.str())) {
      return make_error(at + ": participant name \"" + std::string(name.str()) + "\" is not safe");
    }
    if (!node.is_table()) return make_error(at + ": [participants." + std::string(name.str()) +
                                            "] must be a table");
    TableReader r(*node.as_table(), source, "[participants." + std::string(name.str()) + "]");
    auto role_text = r.required_string("role");
    if (!role_text) return role_text.error();
    auto role = parse_role(*role_text);
    if (!role) return make_error(r.where_key("role") + ": " + role.message());
    auto key = r.required_string("public_key");
    if (!key) return key.error();
    if (!is_z85_key(*key)) {
      return make_error(r.where_key("public_key") + ": public_key must be a 40-character Z85 key");
    }
    auto audit = r.optional_string("audit_public");
    if (!audit) return audit.error();
    std::string audit_pem = audit->value_or("");
    if (*role == Role::Site && audit_pem.find("-----BEGIN PUBLIC KEY-----") == std::string::npos) {
      return make_error(r.where_key("role") + ": a site's entry needs audit_public (its audit key, SPKI PEM)");
    }
    if (*role != Role::Site && !audit_pem.empty()) {
      return make_error(r.where_key("audit_public") + ": only a site's entry carries audit_public");
    }
    // The receipt key checks the receipts a site signs for every payload it stores.
    auto receipt = r.optional_string("receipt_public");
    if (!receipt) return receipt.error();
    std::string receipt_pem = receipt->value_or("");
    if (*role == Role::Site && receipt_pem.find("-----BEGIN PUBLIC KEY-----") == std::string::npos) {
      return make_error(r.where_key("role") + ": a site's entry needs receipt_public (its receipt key, SPKI PEM)");
    }
    if (*role != Role::Site && !receipt_pem.empty()) {
      return make_error(r.where_key("receipt_public") + ": only a site's entry carries receipt_public");
    }
    if (auto s = r.finish(); !s) return s.error();
    peers.emplace(std::string(name.str()), PeerKey{*role, *key, std::move(audit_pem), std::move(receipt_pem)});
  }
  return peers;
}

namespace {
std::string to_text(const toml::table& table) {
  std::ostringstream out;
  out << toml::toml_formatter(table, toml::format_flags::allow_multi_line_strings |
                                         toml::format_flags::allow_literal_strings |
                                         toml::format_flags::indentation);
  out << "\n";
  return out.str();
}
}  // namespace

std::string format_participant_toml(const ParticipantFile& file) {
  toml::table doc;
  doc.insert("version", layout::kParticipantVersion);
  doc.insert("participant", toml::table{{"name", file.participant.name},
                                        {"role", std::string(role_name(file.participant.role))},
                                        {"project", file.participant.project},
                                        {"org", file.participant.org},
                                        {"root_fingerprint", file.root_fingerprint}});
  doc.insert("server", toml::table{{"name", file.server.name},
                                   {"host", file.server.host},
                                   {"port", static_cast<std::int64_t>(file.server.port)},
                                   {"public_key", file.server.public_key}});
  doc.insert("runtime",
             toml::table{{"reattest_interval", format_duration(file.runtime.reattest_interval_s)},
                         {"request_timeout", format_duration(file.runtime.request_timeout_s)}});
  if (!file.authorizers.empty()) {
    toml::array list;
    for (const auto& a : file.authorizers) {
      toml::table entry{{"namespace", a.ns}, {"plugin", a.plugin}, {"sha256", a.sha256}, {"config", a.config_toml}};
      if (a.verify_only) entry.insert("verify_only", true);
      list.push_back(std::move(entry));
    }
    doc.insert("authorizer", std::move(list));
  }
  return to_text(doc);
}

std::string format_participants_toml(const std::map<std::string, PeerKey>& peers) {
  toml::table list;
  for (const auto& [name, peer] : peers) {
    toml::table entry{{"role", std::string(role_name(peer.role))}, {"public_key", peer.public_key}};
    if (!peer.audit_public_pem.empty()) entry.insert("audit_public", peer.audit_public_pem);
    if (!peer.receipt_public_pem.empty()) entry.insert("receipt_public", peer.receipt_public_pem);
    list.insert(name, std::move(entry));
  }
  toml::table doc;
  doc.insert("participants", std::move(list));
  return to_text(doc);
}

}  // namespace cchost::kit
