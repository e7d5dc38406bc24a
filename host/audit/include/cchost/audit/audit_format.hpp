#pragma once
// The audit log's on-disk format (DESIGN.md "Where things persist").
//
// One entry per line, UTF-8 JSON, '\n'-terminated:
//   {"seq":N,"time":"2026-11-23T18:00:25.123Z","type":"job.decided","prev":"<64 hex>",...}
// - seq counts 1, 2, 3, ... with no gap; it equals the line number in an intact log.
// - prev is the lowercase hex SHA-256 of the previous line's exact bytes, without its '\n'.
//   The first entry's prev is 64 zeros.
// - The caller's fields follow the four header keys, in key order.
//
// What the chain proves: changing, inserting, deleting or reordering any line but the last
// breaks the next line's prev or seq. What it cannot prove alone: that the tail was not
// cut off or the last line rewritten; record the head hash (verify prints it) elsewhere
// when that matters.
#include <cstddef>
#include <string_view>

namespace cchost::audit {

inline constexpr std::string_view kGenesisPrev =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Entries record decisions and reasons, never evidence: a longer line is refused when
// written and reported when read, so a hostile file cannot make the verifier buffer GiBs.
inline constexpr std::size_t kMaxLineBytes = 1 << 20;

}  // namespace cchost::audit
