// `cchost admin --kit ADMIN_KIT submit JOB.toml [--wait S] [--json]`,
// `cchost admin --kit ADMIN_KIT status [--job ID] [--json]`, `jobs`, `abort JOB [--reason R]`
// `shutdown [--reason R]` and `revoke SITE --reason R`.
// Exit codes: 0 ok; 1 the job failed; 2 usage error or a request the server refused;
// 3 the server is unreachable (no CURVE handshake within --connect-timeout, or it refused
// ours) or did not answer within --timeout.
#include <algorithm>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

#include "admin_request.hpp"
#include "cchost/job/job_spec.hpp"
#include "cchost/job/state_store.hpp"
#include "cli_reference.hpp"
#include "command_registry.hpp"
#include "root_pin_options.hpp"

namespace cchost::cli {
namespace {

struct AdminOptions {
  std::string kit_dir;
  RootPinOptions pin;
  std::string job_file;
  std::string job_id;
  std::string site;
  int wait_seconds = 0;
  std::string reason;
  int timeout_seconds = 30;
  int connect_timeout_seconds = 5;
  bool json = false;
  bool summary = false;
};

// The admin has no workspace to pin a root in on first use, so it needs an explicit pin: an
// admin kit trusted on its own say-so would let a re-signed kit point it at any server.
Result<kit::Kit> load_admin_kit(const AdminOptions& o) {
  auto pin = explicit_root_pin(o.pin);
  if (!pin) return pin.error();
  if (!*pin) {
    return make_error("refused kit " + o.kit_dir + ": no root pin; give --root-fingerprint HEX, " +
                      "--root-fingerprint-file FILE or $" + kRootFingerprintEnv +
                      " (the fingerprint ccprovision printed; an admin kit is never trusted on its own say-so)");
  }
  kit::LoadOptions lo;
  lo.expected_root_fingerprint = *pin;
  auto k = kit::load_kit(o.kit_dir, lo);
  if (!k) return make_error("refused kit " + o.kit_dir + ": " + k.message());
  if (k->participant.role != kit::Role::Admin) return make_error("kit " + o.kit_dir + " is not an admin kit");
  return k;
}

// "a, b" from a JSON array, each distinct value once (several peers often fail the same rule).
std::string join(const nlohmann::json& a) {
  std::vector<std::string> seen;
  std::string out;
  for (const auto& x : a) {
    const std::string text = x.is_string() ? x.get<std::string>() : x.dump();
    if (std::find(seen.begin(), seen.end(), text) != seen.end()) continue;
    seen.push_back(text);
    out += (out.empty() ? "" : ", ") + text;
  }
  return out;
}

void print_job(const nlohmann::json& job) {
  std::cout << "job " << job.value("id", "?") << ": " << job.value("state", "?");
  if (!job.value("reason", std::string()).empty()) std::cout << " (" << job.value("reason", "") << ")";
  std::cout << ", attempts " << job.value("attempts", 0) << "\n";
  if (const std::string how = job.value("trust_set", std::string()); !how.empty())
    std::cout << "  trust set: " << how << "\n";
  std::cout << "  " << std::left << std::setw(14) << "site" << std::setw(10) << "decision" << "why\n";
  // While delivering, a site is "pending" until it acknowledges the payload by its SHA-256.
  const nlohmann::json delivery = job.value("delivery", nlohmann::json::object());
  for (const auto& s : job.value("sites", nlohmann::json::array())) {
    const auto d = delivery.find(s.get<std::string>());
    const std::string state = d != delivery.end() && d->is_object() ? d->value("state", "deployed") : "deployed";
    std::cout << "  " << std::setw(14) << s.get<std::string>() << std::setw(10) << state << "\n";
  }
  const nlohmann::json excluded = job.value("excluded", nlohmann::json::object());
  for (const auto& [site, e] : excluded.items()) {
    std::string why = e.value("stage", "") + ": " + e.value("reason", "");
    const auto failed = e.value("failed", nlohmann::json::array());
    if (!failed.empty()) why += " [" + join(failed) + "]";
    std::cout << "  " << std::setw(14) << site << std::setw(10) << "excluded" << why << "\n";
  }
}

// One line for scripts and people: "job demo-1 deployed to 2 of 3 sites; excluded site-3 (snp.policy.debug)".
std::string job_summary(const nlohmann::json& job) {
  const auto sites = job.value("sites", nlohmann::json::array());
  const auto spec = job.value("spec", nlohmann::json::object());
  const auto wanted = spec.value("deploy_map", nlohmann::json::array()).size();
  std::string line = "job " + job.value("id", std::string("?")) + " ";
  if (job.value("state", std::string()) == "deployed")
    line += "deployed to " + std::to_string(sites.size()) + " of " + std::to_string(wanted) + " sites";
  else
    line += job.value("state", std::string("?")) + ": " + job.value("reason", std::string());
  const nlohmann::json excluded = job.value("excluded", nlohmann::json::object());
  std::string parts;
  for (const auto& [site, e] : excluded.items()) {
    std::string why = join(e.value("failed", nlohmann::json::array()));
    if (why.empty()) why = e.value("reason", std::string());
    parts += (parts.empty() ? "" : "; ") + site + " (" + why + ")";
  }
  if (!parts.empty()) line += "; excluded " + parts;
  return line;
}

// "3s ago" by the server's clock (the report's `now`); "never" when the site has sent nothing
// to this server process.
std::string seen_ago(std::int64_t now, std::int64_t seen) {
  if (seen <= 0) return "never";
  const std::int64_t d = std::max<std::int64_t>(0, now - seen);
  if (d < 120) return std::to_string(d) + "s ago";
  if (d < 2 * 3600) return std::to_string(d / 60) + "m ago";
  if (d < 2 * 86400) return std::to_string(d / 3600) + "h ago";
  return std::to_string(d / 86400) + "d ago";
}

void print_status(const nlohmann::json& report) {
  std::cout << "server " << report.value("server", "?") << "\n";
  const std::int64_t now = report.value("now", std::int64_t{0});
  std::cout << "  " << std::left << std::setw(14) << "participant" << std::setw(12) << "registered" << std::setw(13)
            << "quarantined" << std::setw(12) << "last seen" << "last attestation\n";
  for (const auto& p : report.value("participants", nlohmann::json::array())) {
    std::string last = p.value("last_accept", false) ? "accepted" : "rejected";
    const auto failed = p.value("last_failed", nlohmann::json::array());
    if (!failed.empty()) last += " [" + join(failed) + "]";
    if (p.value("quarantined", false)) last += " — " + p.value("quarantine_reason", "");
    std::cout << "  " << std::setw(14) << p.value("name", "?") << std::setw(12) << (p.value("registered", false) ? "yes" : "no")
              << std::setw(13) << (p.value("quarantined", false) ? "yes" : "no") << std::setw(12)
              << (seen_ago(now, p.value("last_seen", std::int64_t{0})) +
                  (p.value("reachable", true) ? "" : " (unreachable)"))
              << last << "\n";
  }
  for (const auto& j : report.value("jobs", nlohmann::json::array())) print_job(j);
}

int fail(const std::string& message, int code = kExitUsage) {
  std::cerr << "cchost admin: " << message << "\n";
  return code;
}

AdminTimeouts timeouts_of(const AdminOptions& o) {
  return {std::chrono::seconds(o.timeout_seconds), std::chrono::seconds(o.connect_timeout_seconds)};
}

// A transport failure (unreachable, or no answer in time) is exit 3; anything else is 2.
int request_failed(const std::string& message, bool unreachable) {
  const bool no_answer = message.rfind("timeout after", 0) == 0;
  return fail(message, unreachable || no_answer ? kExitUnreachable : kExitUsage);
}

int run_status(const AdminOptions& o) {
  auto k = load_admin_kit(o);
  if (!k) return fail(k.message());
  nlohmann::json body = nlohmann::json::object();
  if (!o.job_id.empty()) body["job_id"] = o.job_id;
  bool unreachable = false;
  auto reply = admin_request(*k, net::make_message("status", k->participant.name, body), timeouts_of(o), &unreachable);
  if (!reply) return request_failed(reply.message(), unreachable);
  if (reply->type != "status.report") return fail("server answered " + reply->type + ": " + reply->body.dump());
  if (o.summary) {
    for (const auto& j : reply->body.value("jobs", nlohmann::json::array())) std::cout << job_summary(j) << "\n";
  } else if (o.json) {
    std::cout << reply->body.dump(2) << "\n";
  } else {
    print_status(reply->body);
  }
  return kExitOk;
}

int run_submit(const AdminOptions& o) {
  auto k = load_admin_kit(o);
  if (!k) return fail(k.message());
  auto spec = job::load_job_spec(o.job_file);  // fail early, with FILE:LINE, before any network
  if (!spec) return fail(spec.message());
  std::ifstream in(o.job_file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto msg = net::make_message("submit", k->participant.name, {{"spec_toml", text.str()}});
  if (!spec->payload.empty()) {
    auto payload = job::read_file_limited(spec->payload, 8u << 20);
    if (!payload) return fail(payload.message());
    msg.blobs.push_back(std::move(*payload));
  }
  bool unreachable = false;
  auto reply = admin_request(*k, std::move(msg), timeouts_of(o), &unreachable);
  if (!reply) return request_failed(reply.message(), unreachable);
  if (reply->type != "submitted") return fail("server refused the job: " + reply->body.value("reason", reply->body.dump()));
  if (o.wait_seconds <= 0) {
    if (o.json)
      std::cout << reply->body.dump() << "\n";
    else
      std::cout << "submitted job " << spec->id << "\n";
    return kExitOk;
  }
  // --wait: poll status until the job is decided.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.wait_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    auto status = admin_request(*k, net::make_message("status", k->participant.name, {{"job_id", spec->id}}),
                                timeouts_of(o));
    if (status && status->type == "status.report") {
      for (const auto& j : status->body.value("jobs", nlohmann::json::array())) {
        const std::string state = j.value("state", "");
        if (state != "deployed" && state != "failed") continue;  // verifying or delivering: not decided yet
        if (o.json)
          std::cout << j.dump(2) << "\n";
        else
          print_job(j);
        return j.value("state", "") == "deployed" ? kExitOk : kExitRejected;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return fail("job " + spec->id + " not decided within " + std::to_string(o.wait_seconds) + "s");
}

// One admin request whose reply is `expected`; prints it (--json: as JSON) through `print`.
int run_request(const AdminOptions& o, net::Message request, const std::string& expected,
                const std::function<void(const nlohmann::json&)>& print) {
  auto k = load_admin_kit(o);
  if (!k) return fail(k.message());
  request.sender = k->participant.name;
  bool unreachable = false;
  auto reply = admin_request(*k, std::move(request), timeouts_of(o), &unreachable);
  if (!reply) return request_failed(reply.message(), unreachable);
  if (reply->type != expected) return fail("server refused: " + reply->body.value("reason", reply->body.dump()));
  if (o.json)
    std::cout << reply->body.dump(2) << "\n";
  else
    print(reply->body);
  return kExitOk;
}

int run_jobs(const AdminOptions& o) {
  return run_request(o, net::make_message("status", "", nlohmann::json::object()), "status.report",
                     [](const nlohmann::json& report) {
                       const auto jobs = report.value("jobs", nlohmann::json::array());
                       if (jobs.empty()) std::cout << "no jobs\n";
                       for (const auto& j : jobs) std::cout << job_summary(j) << "\n";
                     });
}

int run_abort(const AdminOptions& o) {
  nlohmann::json body = {{"job_id", o.job_id}};
  if (!o.reason.empty()) body["reason"] = o.reason;
  return run_request(o, net::make_message("abort", "", body), "aborted",
                     [](const nlohmann::json& job) { std::cout << job_summary(job) << "\n"; });
}

int run_shutdown(const AdminOptions& o) {
  nlohmann::json body = nlohmann::json::object();
  if (!o.reason.empty()) body["reason"] = o.reason;
  return run_request(o, net::make_message("server.shutdown", "", body), "shutdown.accepted",
                     [](const nlohmann::json& r) { std::cout << "server " << r.value("server", "?") << " is shutting down\n"; });
}

// The server revokes at once (allow-list, quarantine, running jobs, audit) and sends every
// site the signed list; the reply names the list's serial.
int run_revoke(const AdminOptions& o) {
  if (o.reason.empty()) return fail("revoke " + o.site + ": --reason is required (it is recorded and sent to every site)");
  return run_request(o, net::make_message("admin.revoke", "", {{"site", o.site}, {"reason", o.reason}}), "revoked",
                     [](const nlohmann::json& r) {
                       std::cout << "revoked " << r.value("site", "?") << " (revocation list serial "
                                 << r.value("serial", 0) << ", key sha256 " << r.value("key_sha256", "?") << ")\n";
                     });
}

const CommandRegistration registration{"6-admin", [](CLI::App& app, auto& set_exit) {
  auto* cmd = app.add_subcommand("admin", "submit, list and abort jobs, read status, revoke sites, stop the server, with an admin kit");
  auto o = std::make_shared<AdminOptions>();
  cmd->add_option("--kit", o->kit_dir, "the admin's startup kit folder")->required();
  add_root_pin_options(cmd, o->pin);
  cmd->add_option("--timeout", o->timeout_seconds, "seconds to wait for each reply")->check(CLI::Range(1, 3600));
  cmd->add_option("--connect-timeout", o->connect_timeout_seconds,
                  "seconds to wait for the connection before reporting the server unreachable (default 5)")
      ->check(CLI::Range(1, 3600));
  document(*cmd, {.examples = {{"cchost admin --kit kits/admin --root-fingerprint-file kits/root.fingerprint status",
                                 "who is registered, reachable or quarantined, and what each job did"}},
                   .exit_codes = {exit_code(kExitOk, "ok: the server answered and, with submit --wait, the job deployed"),
                                  exit_code(kExitRejected, "the job waited for failed"),
                                  exit_code(kExitUsage, "usage error, or a request the server refused"),
                                  exit_code(kExitUnreachable,
                                            "server unreachable: no connection within --connect-timeout (or the "
                                            "handshake refused), or no reply within --timeout")}});
  cmd->require_subcommand(1);
  auto* submit = cmd->add_subcommand("submit", "submit JOB.toml (id, deploy_map, min_sites, retries, resources, payload)");
  submit->add_option("job", o->job_file, "the job file")->required();
  submit->add_option("--wait", o->wait_seconds, "wait up to S seconds for the decision and print it");
  submit->add_flag("--json", o->json, "print JSON");
  document(*submit, {.examples = {{"cchost admin submit job.toml --kit kits/admin --wait 60",
                                    "submit a job and print its decision table once it is decided"}}});
  submit->callback([o, &set_exit] { set_exit(run_submit(*o)); });
  auto* status = cmd->add_subcommand("status", "participants, their last attestation and quarantine, jobs and decisions");
  status->add_option("--job", o->job_id, "only this job");
  status->add_flag("--json", o->json, "print JSON");
  status->add_flag("--summary", o->summary, "one line per job: where it went and who was excluded why");
  document(*status, {.examples = {{"cchost admin status --kit kits/admin", "every participant and job"},
                                   {"cchost admin status --kit kits/admin --job demo-1 --summary",
                                    "one line for one job: where it went and who was excluded why"}}});
  status->callback([o, &set_exit] { set_exit(run_status(*o)); });
  auto* jobs = cmd->add_subcommand("jobs", "one line per job: its state, where it went, who was excluded why");
  jobs->add_flag("--json", o->json, "print the status report as JSON");
  document(*jobs, {.examples = {{"cchost admin jobs --kit kits/admin --json"}}});
  jobs->callback([o, &set_exit] { set_exit(run_jobs(*o)); });
  auto* abort = cmd->add_subcommand("abort", "end a job that has not ended (audited on the server)");
  abort->add_option("job", o->job_id, "the job id")->required();
  abort->add_option("--reason", o->reason, "recorded with the abort (at most 256 characters)");
  abort->add_flag("--json", o->json, "print the job's record as JSON");
  document(*abort, {.examples = {{"cchost admin abort demo-1 --kit kits/admin --reason \"wrong payload\""}}});
  abort->callback([o, &set_exit] { set_exit(run_abort(*o)); });
  auto* shutdown = cmd->add_subcommand("shutdown", "stop the server cleanly (audited, log sealed)");
  shutdown->add_option("--reason", o->reason, "recorded with the request (at most 256 characters)");
  shutdown->add_flag("--json", o->json, "print the server's answer as JSON");
  document(*shutdown, {.examples = {{"cchost admin shutdown --kit kits/admin --reason maintenance",
                                      "the server seals its audit log and exits as on SIGTERM"}}});
  shutdown->callback([o, &set_exit] { set_exit(run_shutdown(*o)); });
  auto* revoke = cmd->add_subcommand("revoke", "revoke a site: its key is refused, it leaves every job, every site is told");
  revoke->add_option("site", o->site, "the site's name")->required();
  revoke->add_option("--reason", o->reason, "why (required; at most 256 characters; recorded and sent to every site)")
      ->required();
  revoke->add_flag("--json", o->json, "print the server's answer as JSON");
  document(*revoke, {.examples = {{"cchost admin revoke site-3 --kit kits/admin --reason \"key leaked\""}}});
  revoke->callback([o, &set_exit] { set_exit(run_revoke(*o)); });
}};

}  // namespace
}  // namespace cchost::cli
