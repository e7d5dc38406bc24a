// hello-authorizer: the smallest complete authorizer, to show the SDK and the ABI.
//
// NOT SECURITY. Its "evidence" is plain bytes that anyone can forge: there is no signature,
// no hardware and no MAC. A real authorizer checks a vendor signature chain where this one
// only compares fields. Never list x-hello in a policy's `require`.
//
// Token layout (big-endian integers):
//   0   8  magic "CCHELLO1"
//   8  64  binding (the host's SHA-512 identity binding; this plugin declares 64 bytes)
//   72  8  issued_at, seconds since the epoch
//   80  4  svn (from the config)
//   84  2  greeting length n (<= 256)
//   86  n  greeting, UTF-8 (from the config)
// Config (TOML, read with the SDK's verification kit): `greeting = "text"` and `svn = N`; any
// other key, a wrong type or an out-of-range value is refused by name.
// Policy vocabulary (describe() below): a policy may write
//   [hello]
//   min_svn = 3            # hello.svn >= 3
//   greetings = ["hi"]     # hello.greeting one of
// and the host compiles those knobs from this plugin's table; it knows nothing about x-hello.
#include <cchost/authorizer.hpp>
#include <cchost/claims.hpp>
#include <cchost/verify/strict_toml.hpp>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace {

constexpr char kMagic[8] = {'C', 'C', 'H', 'E', 'L', 'L', 'O', '1'};
constexpr std::size_t kHeader = 86;
constexpr std::size_t kMaxGreeting = 256;
constexpr std::size_t kBindingSize = 64;

// describe(): the whole contract with the host, as data.
constexpr const char* kDescription = R"json({
  "schema": "cchost.describe/v1",
  "namespace": "x-hello", "name": "Hello (example, not secure)", "version": "0.1.0",
  "policy_section": "hello",
  "evidence_formats": ["cchost.hello-token/v1"],
  "binding": {"size": 64, "carried_in": "token bytes 8..72"},
  "record_classes": ["device"],
  "capabilities": {"generate": true, "verify": true, "sim": false, "thread_safe_verify": true},
  "claims": [
    {"name": "hello.binding_checked", "type": "bool", "doc": "verify() compared the binding", "scope": "record"},
    {"name": "hello.svn", "type": "int", "doc": "the svn from the prover's config", "scope": "record"},
    {"name": "hello.greeting", "type": "string", "doc": "the greeting from the prover's config", "scope": "record"},
    {"name": "hello.binding", "type": "hex", "doc": "the 64-byte binding the token carries", "scope": "record"},
    {"name": "hello.format_version", "type": "version", "doc": "token format version", "scope": "record"}
  ],
  "knobs": [
    {"name": "min_svn", "type": "int", "min": 0, "max": 4294967295, "doc": "minimum svn",
     "rules": [{"claim": "hello.svn", "op": "min", "operand": "$value"}]},
    {"name": "greetings", "type": "string_list", "doc": "accepted greetings",
     "rules": [{"claim": "hello.greeting", "op": "one_of", "operand": "$value"}]}
  ],
  "config": [
    {"key": "greeting", "type": "string", "default": "hello", "doc": "the greeting tokens carry (at most 256 bytes)"},
    {"key": "svn", "type": "int", "default": 1, "min": 0, "max": 999999999, "doc": "the svn tokens carry"}
  ],
  "collateral": []
})json";

void put_be(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::uint64_t get_be(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

class HelloAuthorizer : public cchost::sdk::Authorizer {
 public:
  // Throws std::invalid_argument for a bad config: the SDK turns it into CCHOST_E_INVALID_ARGUMENT.
  // The kit's strict reader refuses wrong types, out-of-range values and unknown keys by name.
  HelloAuthorizer(const std::string& config_toml, const cchost::sdk::HostServices& /*host*/) {
    auto table = cchost::vkit::parse_toml(config_toml, "x-hello config");
    if (!table) throw std::invalid_argument(table.message());
    cchost::vkit::StrictTable config(*table, "[x-hello]");
    auto greeting = config.string("greeting");
    if (!greeting) throw std::invalid_argument(greeting.message());
    if (*greeting) {
      if ((*greeting)->size() > kMaxGreeting) throw std::invalid_argument("[x-hello] greeting: longer than 256 bytes");
      greeting_ = **greeting;
    }
    auto svn = config.integer("svn", 0, 999999999);
    if (!svn) throw std::invalid_argument(svn.message());
    if (*svn) svn_ = static_cast<std::uint32_t>(**svn);
    if (auto done = config.finish(); !done) throw std::invalid_argument(done.message());
  }

  static std::string describe() { return kDescription; }

  cchost::sdk::Outcome generate(const cchost::sdk::GenerateRequest& req,
                                std::vector<std::uint8_t>& token) override {
    if (req.binding_len != kBindingSize) {
      return cchost::sdk::Outcome::failure(CCHOST_E_INVALID_ARGUMENT, "expected a 64-byte binding, got " +
                                                                          std::to_string(req.binding_len));
    }
    token.assign(kMagic, kMagic + 8);
    token.insert(token.end(), req.binding, req.binding + kBindingSize);
    put_be(token, static_cast<std::uint64_t>(std::time(nullptr)), 8);
    put_be(token, svn_, 4);
    put_be(token, greeting_.size(), 2);
    token.insert(token.end(), greeting_.begin(), greeting_.end());
    return cchost::sdk::Outcome::success();
  }

  cchost::sdk::Outcome verify(const cchost::sdk::VerifyRequest& req, std::string& claims_json) override {
    using cchost::sdk::Outcome;
    // Parse: every length is checked before the bytes are read.
    if (req.token_len < kHeader || std::memcmp(req.token, kMagic, 8) != 0) {
      return Outcome::failure(CCHOST_E_MALFORMED, "expected a token of at least 86 bytes starting "
                              "with CCHELLO1, got " + std::to_string(req.token_len) + " bytes");
    }
    const std::uint8_t* binding = req.token + 8;
    auto issued_at = static_cast<std::int64_t>(get_be(req.token + 72, 8));
    auto svn = get_be(req.token + 80, 4);
    auto n = get_be(req.token + 84, 2);
    if (n > kMaxGreeting || req.token_len != kHeader + n) {
      return Outcome::failure(CCHOST_E_MALFORMED, "greeting length " + std::to_string(n) +
                              " does not match the token size " + std::to_string(req.token_len));
    }
    // Verify: the binding, and that the token was not issued after the verification time.
    if (req.expected_binding &&
        (req.binding_len != kBindingSize || std::memcmp(binding, req.expected_binding, kBindingSize) != 0)) {
      return Outcome::failure(CCHOST_E_VERIFY_FAILED, "binding mismatch: the token carries "
                              "another identity binding than expected");
    }
    if (issued_at > req.at_time) {
      return Outcome::failure(CCHOST_E_VERIFY_FAILED, "issued_at " + std::to_string(issued_at) +
                              " is after the verification time " + std::to_string(req.at_time));
    }
    // Claims: one of every type.
    cchost::sdk::ClaimSet claims("x-hello");
    claims.set_simulated(true);  // no hardware root at all
    claims.set_issued_at(issued_at);
    claims.add_bool("hello.binding_checked", req.expected_binding != nullptr);
    claims.add_int("hello.svn", static_cast<std::int64_t>(svn));
    claims.add_string("hello.greeting", std::string(reinterpret_cast<const char*>(req.token + kHeader), n));
    claims.add_hex("hello.binding", binding, kBindingSize);
    claims.add_version("hello.format_version", "1.0");
    claims_json = claims.to_json();
    return Outcome::success();
  }

 private:
  std::string greeting_ = "hello";
  std::uint32_t svn_ = 1;
};

}  // namespace

CCHOST_EXPORT_AUTHORIZER(HelloAuthorizer, "x-hello", "Hello (example, not secure)", "0.1.0")
