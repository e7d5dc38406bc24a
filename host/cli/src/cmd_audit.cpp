// `cchost audit verify FILE [--json]`: checks an audit log's hash chain.
// Exit 0: intact. 1: broken, naming the first broken entry and its line. 2: unreadable.
#include <nlohmann/json.hpp>

#include <iostream>

#include "cchost/audit/audit_verify.hpp"
#include "command_registry.hpp"

namespace cchost::cli {
namespace {

nlohmann::json break_to_json(const audit::AuditBreak& b) {
  nlohmann::json out = {{"line", b.line},
                        {"kind", audit::to_string(b.kind)},
                        {"reason", b.reason},
                        {"seq", b.seq ? nlohmann::json(*b.seq) : nlohmann::json(nullptr)}};
  if (!b.expected.empty() || !b.actual.empty()) {
    out["expected"] = b.expected;
    out["actual"] = b.actual;
  }
  return out;
}

int run_audit_verify(const std::string& file, bool as_json) {
  auto verified = audit::verify_audit_log(file);
  if (!verified) {
    if (as_json) {
      std::cout << nlohmann::json{{"file", file}, {"error", verified.message()}}.dump() << "\n";
    } else {
      std::cerr << "cchost audit verify: " << verified.message() << "\n";
    }
    return kExitUsage;
  }
  const auto& report = *verified;
  if (as_json) {
    nlohmann::json out = {{"file", file},
                          {"intact", report.intact()},
                          {"entries", report.entries},
                          {"head", report.head}};
    if (report.broken) out["broken"] = break_to_json(*report.broken);
    std::cout << out.dump() << "\n";
  } else if (report.intact()) {
    std::cout << file << ": intact, " << report.entries << " entries, head sha256 "
              << report.head << "\n";
  } else {
    const auto& b = *report.broken;
    std::cout << file << ": broken at line " << b.line << " (" << audit::to_string(b.kind)
              << "): " << b.reason << "\n";
    if (!b.expected.empty()) {
      std::cout << "  expected: " << b.expected << "\n  actual:   " << b.actual << "\n";
    }
    std::cout << "  " << report.entries << " entries before it verify; last intact head sha256 "
              << report.head << "\n";
  }
  return report.intact() ? kExitOk : kExitRejected;
}

const CommandRegistration registration{"6-audit", [](CLI::App& app, auto& set_exit) {
  auto* audit = app.add_subcommand("audit", "inspect a workspace's audit log");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand(
      "verify", "check the hash chain; exit 0 intact, 1 broken (names the line), 2 unreadable");
  auto file = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  verify->add_option("FILE", *file, "the audit log (audit.log in the workspace)")->required();
  verify->add_flag("--json", *as_json, "print one JSON object");
  verify->callback([&set_exit, file, as_json] { set_exit(run_audit_verify(*file, *as_json)); });
}};

}  // namespace
}  // namespace cchost::cli
