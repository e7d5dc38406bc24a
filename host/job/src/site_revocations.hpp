#pragma once
// A site's side of revocation (PROTOCOL.md "Revocation"): it keeps the server's signed
// revocation list in its workspace (revocations.json), accepts a newer one only when the
// server's key signed it and its serial does not go back, and votes against every revoked
// peer in a job whatever that peer's evidence says.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "cchost/crypto/public_key.hpp"
#include "cchost/job/revocation_list.hpp"
#include "cchost/job/state_store.hpp"
#include "cchost/net/message.hpp"

namespace cchost::job {

class SiteRevocations {
 public:
  using Note = std::function<void(const std::string& type, const nlohmann::json& fields)>;
  // `signer`: the server's list-signing public key from the kit; none: every list is refused.
  SiteRevocations(std::string site, std::string server_name, std::shared_ptr<const crypto::PublicKey> signer,
                  const StateStore& store, Note note);

  // Reads the held list, if any: schema and signature checked. An error stops the site (a list
  // it cannot trust any more must not be silently forgotten).
  Status load();
  // The answer to a `revocation` push: `ack {serial}`, or `error` naming why it was refused.
  net::Message on_push(const net::Message& push);
  // Turns every vote for a revoked peer into a rejection with rule `revocation.revoked`, audited.
  void filter_votes(net::Message& vote) const;

  const std::optional<RevocationList>& held() const { return held_; }
  std::filesystem::path path() const { return store_.workspace() / "revocations.json"; }

 private:
  // true: a newer list, now held and kept; false: the one already held.
  Result<bool> accept(const RevocationList& list);

  std::string site_;
  std::string server_name_;
  std::shared_ptr<const crypto::PublicKey> signer_;
  const StateStore& store_;
  Note note_;
  std::optional<RevocationList> held_;
};

}  // namespace cchost::job
