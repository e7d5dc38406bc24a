#pragma once
// Helpers for the ops process tests: a client that speaks the wire protocol with a provisioned
// kit's own CURVE keys (as an attacker holding a site's keys would), optionally claiming
// another sender name on them; and readers for a workspace's audit log and process logs.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cchost/net/curve_keys.hpp"
#include "cchost/net/message.hpp"
#include "cchost/result.hpp"

namespace cchost::ops_test {

namespace fs = std::filesystem;

class KitClient {
 public:
  // `claimed_name` empty: the kit's own participant name.
  static Result<std::unique_ptr<KitClient>> open(const fs::path& kit_dir, const std::string& claimed_name = "");
  ~KitClient();

  const std::string& name() const { return name_; }

  // One request, synchronously.
  Result<net::Message> request(net::Message message, std::chrono::milliseconds timeout);
  // `count` requests made by make(i), at most `window` in flight (ZeroMQ's queues hold about
  // a thousand); the replies or errors, in order.
  std::vector<Result<net::Message>> flood(int count, int window, const std::function<net::Message(int)>& make,
                                          std::chrono::milliseconds timeout);

  struct Impl;

 private:
  KitClient() = default;
  std::unique_ptr<Impl> impl_;
  std::string name_;
};

// One request to the server at `endpoint` as "admin" with `keys`, run to its reply on an
// io_context of its own (the server under test runs on another thread).
Result<net::Message> ask_as_admin(const std::string& endpoint, const std::string& server_public_z85,
                                  const net::CurveKeyPair& keys, net::Message request);

// Every audit entry of `type` in `audit_log` (one JSON object per line).
std::vector<nlohmann::json> audit_entries(const fs::path& audit_log, const std::string& type);
// How many lines of `text` contain `needle`.
std::size_t lines_containing(const std::string& text, const std::string& needle);

}  // namespace cchost::ops_test
