// The several-namespace form of `cchost verify`. Data walks as in the runtime (STYLE.md):
// evidence -> each namespace's plugin -> claims -> composite stages (attest/composite.hpp, the
// runtime's own code) -> policy over all of them -> decision. One namespace failing does not
// stop the others from being verified and reported; it does stop the composite stages that
// consume it (skipped) and the policy (whose verdict would be on a partial set).
#include "verify_multi.hpp"

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>

#include "cchost/attest/catalog.hpp"
#include "cchost/attest/composite.hpp"
#include "command_registry.hpp"
#include "verify_ear.hpp"
#include "verify_files.hpp"
#include "verify_multi_report.hpp"
#include "verify_policy.hpp"

namespace cchost::cli {
namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

class MultiVerifyRun {
 public:
  MultiVerifyRun(const VerifyOptions& options, const VerifyForm& form) : o_(options), form_(form) {}

  int run() {
    // As the single form: the EAR signer before anything is verified.
    auto signer = ear_signer_for(o_);
    int code = signer ? verify() : usage(signer.message());
    if (signer && *signer && code != kExitUsage) code = write_ear(**signer, code);
    if (o_.json) {
      std::cout << multi_verify_report_json(report_).dump(2) << "\n";
    } else if (code == kExitUsage) {
      for (const auto& e : report_.errors) std::cerr << "cchost verify: " << e << "\n";
    } else {
      print_multi_verify_report_text(report_, std::cout);
    }
    return code;
  }

 private:
  int usage(std::string message) {
    report_.errors.push_back(std::move(message));
    return kExitUsage;
  }

  int write_ear(const crypto::SigningKey& signer, int code) {
    VerifyOutcome outcome;
    outcome.verified = report_.verified();
    for (const auto& [ns, claims] : verified_) outcome.simulated = outcome.simulated || claims.simulated;
    for (const auto& in : form_.inputs) outcome.namespaces.push_back(in.ns);
    outcome.decision = report_.decision;
    outcome.at = at_;
    if (auto st = write_verify_ear(o_, outcome, signer); !st) return usage(st.message());
    return code;
  }

  bool is_given(const std::string& ns) const {
    for (const auto& in : form_.inputs)
      if (in.ns == ns) return true;
    return false;
  }

  bool is_stage_relating_given(const std::vector<plugin::DirEntry>& entries, const std::string& ns) const {
    for (const auto& entry : entries) {
      if (!entry.info.ok() || entry.info->ns != ns) continue;
      for (const auto& related : entry.info->relates)
        if (is_given(related)) return true;
    }
    return false;
  }

  Result<std::string> config_for(const std::string& ns) const {
    const auto it = form_.configs.find(ns);
    if (it == form_.configs.end()) return std::string();
    return read_small_file(it->second, "--config");
  }

  Result<std::shared_ptr<plugin::Authorizer>> load(const std::filesystem::path& so, const std::string& ns,
                                                   const std::string& collateral_dir) {
    auto config = config_for(ns);
    if (!config) return config.error();
    plugin::HostServices services;
    std::error_code ec;
    services.base_dir = std::filesystem::current_path(ec);  // --config paths are the caller's
    services.collateral_dir = collateral_dir;
    return loader_.load(so, *config, std::nullopt, services);
  }

  int verify() {
    auto at = resolve_time(o_);
    if (!at) return usage(at.message());
    at_ = *at;
    auto entries = list_plugins(o_.plugin_dir);
    if (!entries) return usage(entries.error().message);
    for (const auto& [ns, file] : form_.configs) {
      if (!is_given(ns) && !is_stage_relating_given(*entries, ns)) {
        return usage("--config " + ns + "=" + file + ": " + ns + " is neither a namespace given with --evidence "
                     "nor a composite stage in " + o_.plugin_dir + " that relates one");
      }
    }
    for (const auto& in : form_.inputs)
      if (int code = verify_namespace(in, *entries); code == kExitUsage) return code;
    if (int code = run_stages(*entries); code == kExitUsage) return code;
    if (!report_.verified()) return kExitRejected;
    if (o_.policy_file.empty()) return kExitOk;
    return appraise();
  }

  // One namespace: a usage error stops the command; a verification failure is recorded and
  // the next namespace is still verified.
  int verify_namespace(const NamespaceInput& in, const std::vector<plugin::DirEntry>& entries) {
    auto evidence = read_small_file(in.evidence_file, "--evidence");
    if (!evidence) return usage(in.ns + ": " + evidence.message());
    auto so = plugin_for(entries, o_.plugin_dir, in.ns);
    if (!so) return usage(so.message());
    auto authorizer = load(*so, in.ns, in.collateral_dir);
    if (!authorizer) return usage(in.ns + ": " + authorizer.message());
    const auto& info = (*authorizer)->info();
    if (!info.relates.empty()) {
      // As in the runtime: a composite namespace holds only what its stage derives.
      return usage("--evidence " + in.ns + "=" + in.evidence_file + ": " + in.ns +
                   " is derived by a composite stage (from " + joined(info.relates) +
                   "); evidence presented for it is refused");
    }
    auto binding = resolve_binding(o_, info.binding_size);
    if (!binding) return usage(in.ns + ": " + binding.message());
    authorizers_[in.ns] = *authorizer;
    order_.push_back(*authorizer);

    NamespaceReport entry;
    entry.ns = in.ns;
    entry.plugin_file = so->filename().string();
    auto claims = (*authorizer)->verify(as_bytes(*evidence), *binding, at_);
    if (!claims) {
      entry.errors.push_back(in.ns + " evidence did not verify: " + claims.message());
    } else {
      entry.verified = true;
      entry.claims_document = claims::to_json(*claims);
      verified_[in.ns] = std::move(*claims);
    }
    report_.namespaces.push_back(std::move(entry));
    return kExitOk;
  }

  // Every plugin of the folder that relates a given namespace: run when all it relates
  // verified, otherwise skipped with the reason. Plugins relating none are not this command's.
  int run_stages(const std::vector<plugin::DirEntry>& entries) {
    std::vector<std::shared_ptr<plugin::Authorizer>> stages;
    std::map<std::string, std::string> stage_files;
    for (const auto& entry : entries) {
      if (!entry.info.ok() || entry.info->relates.empty()) continue;
      const auto& info = *entry.info;
      bool relevant = false;
      SkippedReport skip{info.ns, entry.file.filename().string(), info.relates, {}, ""};
      std::string why;
      for (const auto& ns : info.relates) {
        const bool given = is_given(ns);
        relevant = relevant || given;
        if (verified_.count(ns)) continue;
        skip.missing.push_back(ns);
        why += std::string(why.empty() ? "" : "; ") + ns + (given ? " did not verify" : " not given");
      }
      if (!relevant || is_given(info.ns) || stage_files.count(info.ns)) continue;
      if (!skip.missing.empty()) {
        skip.reason = "not derived: relates " + joined(info.relates) + "; " + why;
        report_.skipped.push_back(std::move(skip));
        continue;
      }
      auto stage = load(entry.file, info.ns, "");
      if (!stage) return usage("composite " + info.ns + ": " + stage.message());
      authorizers_[info.ns] = *stage;
      order_.push_back(*stage);
      stages.push_back(*stage);
      stage_files[info.ns] = entry.file.filename().string();
    }
    auto outcome = attest::run_composite_stages(stages, verified_);
    for (const auto& stage : stages) {
      const auto& info = stage->info();
      DerivedReport d{info.ns, stage_files[info.ns], info.relates, false, nullptr, {}};
      if (auto it = outcome.derived.find(info.ns); it != outcome.derived.end()) {
        d.derived = true;
        d.claims_document = claims::to_json(it->second);
        derived_[info.ns] = std::move(it->second);
      }
      for (const auto& f : outcome.failed)
        if (f.ns == info.ns) d.errors.push_back("composite." + f.ns + ": " + f.ns + " composite stage failed: " + f.message);
      report_.derived.push_back(std::move(d));
    }
    return kExitOk;
  }

  int appraise() {
    std::vector<plugin::PluginInfo> infos;
    for (const auto& a : order_) infos.push_back(a->info());
    // The policy's sections compile from the vocabularies of every plugin in play, stages too.
    auto catalog = attest::catalog_of(infos);
    if (!catalog) return usage(catalog.message());
    std::map<std::string, claims::NamespaceClaims> all = verified_;
    for (const auto& [ns, claims] : derived_) all[ns] = claims;
    auto decision = evaluate_policy_for_verify(o_.policy_file, all, evidence_age(), *catalog);
    if (!decision) return usage(decision.message());
    report_.decision = std::move(*decision);
    if (!report_.decision.value("accept", false)) {
      report_.errors.push_back("policy " + o_.policy_file + " rejected the claims");
      return kExitRejected;
    }
    return kExitOk;
  }

  // As the single form decides it (cmd_verify.cpp), per namespace, and the oldest wins:
  // --evidence-age when given; else each namespace's age from its own issued_at, or 0 with
  // --nonce (the evidence answers a challenge the caller just drew); a namespace whose age
  // is unknown makes the whole unknown (a policy with max_evidence_age then rejects).
  std::optional<std::int64_t> evidence_age() const {
    if (o_.evidence_age_seconds) return o_.evidence_age_seconds;
    std::int64_t oldest = 0;
    for (const auto& [ns, claims] : verified_) {
      if (claims.issued_at) oldest = std::max(oldest, at_ - *claims.issued_at);
      else if (o_.nonce_hex.empty()) return std::nullopt;
    }
    return oldest;
  }

  const VerifyOptions& o_;
  const VerifyForm& form_;
  std::int64_t at_ = 0;  // the verification time, resolved once
  plugin::PluginLoader loader_;
  std::map<std::string, std::shared_ptr<plugin::Authorizer>> authorizers_;  // by namespace: given and stages
  std::vector<std::shared_ptr<plugin::Authorizer>> order_;                  // the same, in load order
  std::map<std::string, claims::NamespaceClaims> verified_;
  std::map<std::string, claims::NamespaceClaims> derived_;
  MultiVerifyReport report_;
};

}  // namespace

int run_multi_verify(const VerifyOptions& options, const VerifyForm& form) {
  return MultiVerifyRun(options, form).run();
}

}  // namespace cchost::cli
