#pragma once
// The root pin: the project root a participant trusts, held outside every kit.
//
// A kit carries its own root.pub and a manifest signed by it, so a kit checked only against
// itself proves nothing: an attacker who swaps policy.toml, root.pub and root_fingerprint and
// re-signs the manifest with a key of their own has a kit that verifies (issue 9, defect 3).
// What makes a kit trustworthy is a fingerprint the operator holds independently: given on the
// command line or in the environment, or recorded in the participant's workspace the first time
// it starts and enforced on every start after that (see README.md, "Trusting a kit").
#include <filesystem>
#include <string>
#include <string_view>

#include "cchost/result.hpp"

namespace cchost::kit {

// The file in a workspace that records the root a participant was first started with.
inline constexpr std::string_view kWorkspaceRootPin = "root.pin";

// 64 hex characters (any case), surrounding whitespace ignored; returns it lowercase.
// `source` names where the text came from, for the error.
Result<std::string> parse_root_fingerprint(std::string_view text, std::string_view source);

// A pin file: one fingerprint, as ccprovision writes it (<out>/root.fingerprint) or as a
// workspace records it (root.pin).
Result<std::string> read_root_pin_file(const std::filesystem::path& path);

enum class WorkspacePin { Recorded, Matched };

// Checks `fingerprint` against <workspace>/root.pin, or records it there (mode 0600, created
// exclusively and synced) when the workspace has none yet. A different recorded root, or a
// root.pin that is a symlink, unreadable or writable by others, is an error that says why.
Result<WorkspacePin> pin_root_in_workspace(const std::filesystem::path& workspace,
                                           const std::string& fingerprint);

}  // namespace cchost::kit
