#pragma once
// The server side of the runtime (PROTOCOL.md): mutual registration, job deployment with peer
// verification, re-attestation and quarantine, admin status — over host/net, with every
// decision appended to the audit log before it is sent, and state kept in the workspace so a
// restarted server loses nothing.
//
// Threading: everything runs on the io_context's single thread (the net layer's rule), except
// CPU-bound work that could stall it (the trust-set search), which runs on `run_off_io` or a
// worker thread of the runtime's own and posts its result back.
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "cchost/attest/nonce_registry.hpp"
#include "cchost/crypto/public_key.hpp"
#include "cchost/crypto/signing_key.hpp"
#include "cchost/job/attestor.hpp"
#include "cchost/job/state_store.hpp"
#include "cchost/job/trust_set.hpp"
#include "cchost/net/server.hpp"

namespace cchost::job {

struct ServerRuntimeConfig {
  std::string name = "server";
  net::ServerConfig net;                                 // bind endpoint, keys, allow-list
  std::chrono::milliseconds request_timeout{30000};      // for challenges, votes, deploy acks
  std::chrono::milliseconds reattest_interval{600000};   // ±20% jitter; 0 disables
  std::function<void(const std::string& event, const nlohmann::json& payload)> publish;  // bus
  TrustSetLimits trust_set_limits;                       // bound on the peer_trust = "mutual" search
  // The heartbeats a second the server takes from all its sites together, idle: each ack names
  // an interval of (known sites / budget), at most 60 s, and a site beats at the longer of that
  // and its own, so 128 sites beat every 4 s and not every 2 s. Liveness follows the interval
  // each site then announces. 0: the acks name none and every site keeps its own.
  std::size_t heartbeat_budget_per_s = 32;
  // Runs work off the io thread (e.g. the bus's verification pool); unset: a worker of our own.
  std::function<void(std::function<void()> work)> run_off_io;
  std::function<void(const std::string& site, const nlohmann::json& head)> on_audit_head;  // heartbeat's audit_head
  // An admin's `shutdown` request, audited and answered first; the owner of the io_context stops
  // it. Unset: the request is refused.
  std::function<void(const std::string& admin)> on_shutdown_requested;
  // Signs the revocation list (the server kit's keys/audit.key; sites check it with the copy of
  // its public half in their kits). Unset: `admin.revoke` is refused (server_revocation.cpp).
  std::shared_ptr<const crypto::SigningKey> revocation_signer;
  // Signs the EAR (host/ear) attached to the audit entries of the server's appraisals of its
  // sites ("registration", "job.verify", "reattestation"): `cchost run` gives the kit's audit
  // key. Unset: no EAR is attached.
  std::shared_ptr<const crypto::SigningKey> ear_signer;
  // Every site's receipt key (keys/receipt.pub of its kit, listed in the server kit's
  // participants.toml): a site counts as deployed only on a receipt that verifies with its key.
  // A site missing here can never be deployed (deny by default).
  std::map<std::string, crypto::PublicKey> receipt_keys;
  std::chrono::seconds receipt_clock_skew{120};  // a receipt's stored_at vs the decision and now
};

class ServerRuntime {
 public:
  static Result<std::unique_ptr<ServerRuntime>> create(boost::asio::io_context& io, ServerRuntimeConfig config,
                                                       Attestor& attestor, StateStore& store,
                                                       attest::NonceRegistry& nonces, AuditSink audit);
  ~ServerRuntime();
  const std::string& endpoint() const;

  struct Impl;

 private:
  explicit ServerRuntime(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cchost::job
