#pragma once
// The site side of the runtime (PROTOCOL.md): registers mutually (appraising the server with
// its own policy first), answers challenges with fresh bound evidence, appraises peers and
// votes, stores deployed payloads, re-verifies the server on its own interval, and re-registers
// by itself when the server restarts (heartbeats carry the server's session id).
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "cchost/attest/nonce_registry.hpp"
#include "cchost/crypto/public_key.hpp"
#include "cchost/crypto/signing_key.hpp"
#include "cchost/job/attestor.hpp"
#include "cchost/job/state_store.hpp"
#include "cchost/net/client.hpp"

namespace cchost::job {

struct SiteRuntimeConfig {
  std::string name;
  std::string server_name = "server";
  net::ClientConfig net;
  std::map<std::string, std::int64_t> resources;         // what this site offers to jobs
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds heartbeat_interval{2000};
  std::chrono::milliseconds reattest_interval{600000};   // re-verify the server; 0 disables
  std::chrono::milliseconds register_retry{3000};        // first retry; doubles after each failure
  std::chrono::milliseconds register_retry_max{300000};  // up to this
  std::function<void(const std::string& event, const nlohmann::json& payload)> publish;
  std::function<void(const std::string& reason)> on_shutdown;  // the policy said "shutdown"
  std::function<nlohmann::json()> audit_head;  // latest signed audit head, sent in heartbeats (PROTOCOL.md)
  // The server's revocation-list key (keys/server-audit.pub in the kit); unset: every list is refused.
  std::shared_ptr<const crypto::PublicKey> revocation_key;
  // Signs the receipt for every payload this site stores (keys/receipt.key in the kit); unset:
  // the site acknowledges without a receipt, which no server counts as deployed.
  std::shared_ptr<const crypto::SigningKey> receipt_signer;
  // Signs the EAR (host/ear) attached to the audit entries of this site's appraisals of the
  // server and of its peers (`cchost run`: the kit's audit key); unset: no EAR is attached.
  std::shared_ptr<const crypto::SigningKey> ear_signer;
  // Runs a job's peer appraisals (CPU-bound: a signature check or more per peer) on other
  // threads, one task per peer, so that a site with many peers uses every core and its io
  // thread keeps answering heartbeats (`cchost run`: the bus's verification pool). The
  // attestor's appraise() must then be safe to call concurrently (PluginAttestor is). Never a
  // function that runs work on the io thread itself. Unset: appraised in turn on the io thread.
  std::function<void(std::function<void()> work)> run_off_io;
};

class SiteRuntime {
 public:
  static Result<std::unique_ptr<SiteRuntime>> create(boost::asio::io_context& io, SiteRuntimeConfig config,
                                                     Attestor& attestor, StateStore& store,
                                                     attest::NonceRegistry& nonces, AuditSink audit);
  ~SiteRuntime();
  bool registered() const;

  struct Impl;

 private:
  explicit SiteRuntime(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cchost::job
