#pragma once
// The signed heads a server receives in its sites' heartbeats, kept in its workspace
// (<workspace>/site-heads/<site>.json, one JSON object per site, 0600) so that a site's log can
// later be checked against them: `cchost audit verify SITE_LOG --kit SITE_KIT --against FILE`.
//
// The server keeps only heads signed with the site's audit key, which its kit lists
// (head_receiver.hpp does the checking and the pacing; this file only stores).
#include <filesystem>
#include <string>

#include "cchost/audit/signed_head.hpp"
#include "cchost/result.hpp"

namespace cchost::audit {

// Keeps `head` as <dir>/<writer>.json unless the file holds a head with a higher seq already
// (a reordered heartbeat must not move the mark back). Written to a temp file and renamed.
Status keep_received_head(const std::filesystem::path& dir, const std::string& writer, const SignedHead& head);

// Reads one such file (or any file holding one signed head as JSON).
Result<SignedHead> read_received_head(const std::filesystem::path& file);

}  // namespace cchost::audit
