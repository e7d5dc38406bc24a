#include "chain_reader.hpp"

#include <set>

#include <nlohmann/json.hpp>

#include "cchost/audit/audit_format.hpp"
#include "cchost/audit/signed_head.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/signature.hpp"
#include "entry_line.hpp"

namespace cchost::audit::detail {
namespace {

using nlohmann::json;

struct ParsedLine {
  json value;
  bool duplicate_top_level_key = false;
};

// Parses without exceptions. Duplicate top-level keys are flagged: JSON parsers disagree
// on which copy wins, so `{"seq":3,...,"seq":4}` could read differently elsewhere.
ParsedLine parse_line(std::string_view line) {
  ParsedLine parsed;
  std::set<std::string> keys;
  json::parser_callback_t on_event = [&](int depth, json::parse_event_t event, json& node) {
    if (event == json::parse_event_t::key && depth == 1 && node.is_string()) {
      if (!keys.insert(node.get<std::string>()).second) parsed.duplicate_top_level_key = true;
    }
    return true;
  };
  parsed.value = json::parse(line.data(), line.data() + line.size(), on_event,
                             /*allow_exceptions=*/false);
  return parsed;
}

std::optional<std::uint64_t> read_seq(const json& entry) {
  if (!entry.is_object()) return std::nullopt;
  auto it = entry.find("seq");
  if (it == entry.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<std::uint64_t>();
}

std::string where(std::uint64_t line, std::optional<std::uint64_t> seq) {
  std::string text = "line " + std::to_string(line);
  if (seq) text += " (seq " + std::to_string(*seq) + ")";
  return text;
}

bool is_lower_hex(const std::string& text, std::size_t size) {
  if (text.size() != size) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<Bytes> hex_bytes(const std::string& text) {
  auto decoded = crypto::hex_decode(text);
  if (!decoded) return std::nullopt;
  return *decoded;
}

}  // namespace

ChainReader::ChainReader(const AuditVerifyOptions& options)
    : key_(options.key ? &*options.key : nullptr), live_(options.live) {
  if (key_ != nullptr) key_id_ = audit_key_id(*key_);
  report_.signatures_checked = key_ != nullptr;
  for (const auto& head : options.against) against_[head.seq] = head;
}

bool ChainReader::check_head(const json& entry, std::uint64_t line, std::uint64_t seq, std::string& reason_out) {
  auto bad = [&](const std::string& why) {
    fail(AuditBreakKind::BadHead, line, where(line, seq) + ": signed head " + why, seq);
    return false;
  };
  auto covers = entry.find("covers_seq");
  auto head = entry.find("head");
  auto reason = entry.find("reason");
  auto key = entry.find("key");
  auto sig = entry.find("sig");
  if (covers == entry.end() || !covers->is_number_unsigned() || head == entry.end() || !head->is_string() ||
      reason == entry.end() || !reason->is_string() || key == entry.end() || !key->is_string() ||
      sig == entry.end() || !sig->is_string()) {
    return bad("lacks covers_seq, head, reason, key or sig, or one has the wrong type");
  }
  const auto& reason_text = reason->get_ref<const std::string&>();
  if (reason_text != kHeadReasonStart && reason_text != kHeadReasonCheckpoint && reason_text != kHeadReasonShutdown) {
    return bad("has reason \"" + reason_text + "\", expected start, checkpoint or shutdown");
  }
  // The head names the entry right before it: a head that names any other point of the chain
  // would let a signature from one log position be moved to another.
  if (covers->get<std::uint64_t>() != seq - 1) {
    return bad("covers seq " + std::to_string(covers->get<std::uint64_t>()) + ", expected " +
               std::to_string(seq - 1) + " (the entry before it)");
  }
  const auto& head_text = head->get_ref<const std::string&>();
  if (head_text != report_.head) {
    return bad("names head " + head_text + ", but the chain's head at seq " + std::to_string(seq - 1) + " is " +
               report_.head + ": an entry it covers was rewritten");
  }
  const auto& key_text = key->get_ref<const std::string&>();
  const auto& sig_text = sig->get_ref<const std::string&>();
  if (!is_lower_hex(key_text, 64) || !is_lower_hex(sig_text, 128)) {
    return bad("key must be 64 and sig 128 lowercase hex characters");
  }
  reason_out = reason_text;
  if (key_ == nullptr) return true;
  if (key_text != key_id_) {
    return bad("is signed by key " + key_text + ", not the expected audit key " + key_id_);
  }
  const auto sig_bytes = hex_bytes(sig_text);
  const std::string message = head_signing_message(seq - 1, head_text, reason_text);
  if (!sig_bytes || !crypto::verify_ed25519(*key_, as_bytes(message), *sig_bytes)) {
    return bad("signature does not verify with the audit key: the head or its reason was rewritten");
  }
  if (auto known = against_.find(seq); known != against_.end()) {
    const SignedHead here{seq, seq - 1, head_text, reason_text, key_text, sig_text};
    if (here != known->second) {
      return bad("differs from the signed head this writer sent out earlier for seq " + std::to_string(seq) +
                 " (--against): the log was rewritten from there on");
    }
    against_.erase(known);
  }
  return true;
}

void ChainReader::fail(AuditBreakKind kind, std::uint64_t line, std::string reason,
                       std::optional<std::uint64_t> seq, std::string expected,
                       std::string actual) {
  report_.broken =
      AuditBreak{kind, line, seq, std::move(reason), std::move(expected), std::move(actual)};
}

void ChainReader::feed(std::string_view chunk) {
  while (!broken() && !chunk.empty()) {
    auto newline = chunk.find('\n');
    if (newline == std::string_view::npos) {
      if (partial_.size() + chunk.size() > kMaxLineBytes) {
        fail(AuditBreakKind::LineTooLong, lines_seen_ + 1,
             "line " + std::to_string(lines_seen_ + 1) + " is longer than the limit of " +
                 std::to_string(kMaxLineBytes) + " bytes");
        return;
      }
      partial_.append(chunk);
      return;
    }
    auto piece = chunk.substr(0, newline);
    chunk.remove_prefix(newline + 1);
    if (partial_.empty()) {
      check_line(piece);  // the common case: no copy
    } else {
      partial_.append(piece);
      std::string line = std::move(partial_);
      partial_.clear();
      check_line(line);
    }
  }
}

void ChainReader::check_line(std::string_view line) {
  std::uint64_t number = lines_seen_ + 1;
  if (line.size() > kMaxLineBytes) {
    return fail(AuditBreakKind::LineTooLong, number,
                "line " + std::to_string(number) + " is " + std::to_string(line.size()) +
                    " bytes, over the limit of " + std::to_string(kMaxLineBytes));
  }
  auto parsed = parse_line(line);
  const json& entry = parsed.value;
  auto seq = read_seq(entry);
  auto bad_entry = [&](const std::string& why) {
    fail(AuditBreakKind::BadEntry, number, where(number, seq) + ": " + why, seq);
  };
  if (entry.is_discarded()) return bad_entry(line.empty() ? "empty line" : "not valid JSON");
  if (!entry.is_object()) return bad_entry("not a JSON object");
  if (parsed.duplicate_top_level_key) return bad_entry("a top-level key appears twice");
  if (!seq) return bad_entry("\"seq\" missing or not an unsigned integer");

  std::uint64_t expected_seq = report_.entries + 1;
  if (*seq != expected_seq) {
    return fail(AuditBreakKind::SeqMismatch, number,
                where(number, seq) + ": seq is " + std::to_string(*seq) + ", expected " +
                    std::to_string(expected_seq) + " (an entry was deleted, inserted or moved)",
                seq, std::to_string(expected_seq), std::to_string(*seq));
  }
  auto prev = entry.find("prev");
  if (prev == entry.end() || !prev->is_string()) return bad_entry("\"prev\" missing or not a string");
  const auto& prev_text = prev->get_ref<const std::string&>();
  if (prev_text != report_.head) {
    std::string source = number == 1 ? std::string("64 zeros for the first entry")
                                     : "the SHA-256 of line " + std::to_string(number - 1);
    std::string consequence = number == 1 ? "entries before it were removed or it was changed"
                                          : "line " + std::to_string(number - 1) + " was changed";
    return fail(AuditBreakKind::PrevMismatch, number,
                where(number, seq) + ": prev is " + prev_text + ", expected " + report_.head +
                    " (" + source + "): " + consequence,
                seq, report_.head, prev_text);
  }
  auto time = entry.find("time");
  if (time == entry.end() || !time->is_string() ||
      !looks_like_rfc3339_utc(time->get_ref<const std::string&>())) {
    return bad_entry("\"time\" missing or not an RFC 3339 UTC time");
  }
  auto type = entry.find("type");
  if (type == entry.end() || !type->is_string() ||
      !is_valid_entry_type(type->get_ref<const std::string&>())) {
    return bad_entry("\"type\" missing or not a lowercase dotted name");
  }

  std::string head_reason;
  const bool is_head = type->get_ref<const std::string&>() == kHeadEntryType;
  if (!is_head && against_.count(*seq) != 0) {
    return fail(AuditBreakKind::BadHead, number,
                where(number, seq) + ": this writer sent out a signed head for seq " + std::to_string(*seq) +
                    " (--against), but here it is a " + type->get<std::string>() + " entry: the log was rewritten",
                seq);
  }
  if (is_head && !check_head(entry, number, *seq, head_reason)) return;

  lines_seen_ = number;
  offset_ += line.size() + 1;
  if (is_head) {
    ++report_.signed_heads;
    report_.last_signed_seq = *seq;
    last_head_reason_ = head_reason;
  }
  report_.sealed = is_head && head_reason == kHeadReasonShutdown;
  report_.entries = number;
  report_.head = line_hash(line);
  report_.intact_bytes = offset_;
}

AuditVerifyReport ChainReader::finish() {
  if (!broken() && !partial_.empty()) {
    auto parsed = parse_line(partial_);
    fail(AuditBreakKind::TornTail, lines_seen_ + 1,
         where(lines_seen_ + 1, read_seq(parsed.value)) +
             ": no trailing newline, so the write was cut short (crash, full disk) or the "
             "file was truncated",
         read_seq(parsed.value));
  }
  if (!broken() && !against_.empty()) {
    // Every head received earlier and still unmatched lies beyond the end of this log.
    const SignedHead& first = against_.begin()->second;
    fail(AuditBreakKind::MissingHead, lines_seen_ + 1,
         "the log ends at seq " + std::to_string(report_.entries) + ", but its writer sent out a signed head for seq " +
             std::to_string(first.seq) + " (--against): the log was cut below a point it had already signed");
  }
  if (!broken() && key_ != nullptr) {
    if (report_.signed_heads == 0) {
      fail(AuditBreakKind::NoSignedHead, lines_seen_ + 1,
           report_.entries == 0
               ? std::string("the log is empty, but every log starts with a signed head: it was emptied or replaced")
               : "none of the " + std::to_string(report_.entries) +
                     " entries is a signed head: the log was replaced or rewritten whole");
    } else if (!report_.sealed && !live_) {
      const std::uint64_t unsigned_entries = report_.entries - report_.last_signed_seq;
      const std::string last = "the last signed head is seq " + std::to_string(report_.last_signed_seq) + " (" +
                               last_head_reason_ + ")";
      fail(AuditBreakKind::Unsealed, report_.last_signed_seq + 1,
           "the log does not end with a signed shutdown head; " + last +
               (unsigned_entries == 0 ? std::string()
                                      : " and " + std::to_string(unsigned_entries) + " entries follow it unsigned") +
               ": it was cut after its last signed head, or its writer is still running (use --live) or did not "
               "stop cleanly");
    }
  }
  return report_;
}

}  // namespace cchost::audit::detail
