#include "cchost/kit/manifest.hpp"

#include <sstream>

#include "cchost/kit/layout.hpp"
#include "cchost/kit/names.hpp"
#include "cchost/kit/strict_toml.hpp"

namespace cchost::kit {

Result<Manifest> parse_manifest(std::string_view text, const std::string& source) {
  auto doc = parse_toml_text(text, source);
  if (!doc) return doc.error();
  TableReader top(*doc, source, "manifest");
  auto version = top.required_int("version");
  if (!version) return version.error();
  if (*version != layout::kManifestVersion) {
    return make_error(top.where_key("version") + ": unsupported manifest version " +
                      std::to_string(*version));
  }
  Manifest out;
  auto fingerprint = top.required_string("root_fingerprint");
  if (!fingerprint) return fingerprint.error();
  if (!is_sha256_hex(*fingerprint)) {
    return make_error(top.where_key("root_fingerprint") +
                      ": root_fingerprint must be 64 lowercase hex characters");
  }
  out.root_fingerprint = *fingerprint;
  auto files = top.optional_table("files");
  if (!files) return files.error();
  if (*files == nullptr) return make_error(top.where_table() + ": missing table [files]");
  for (const auto& [path, node] : **files) {
    std::string at = where(source, path.source());
    if (!is_safe_relative_path(path.str())) {
      return make_error(at + ": unsafe path \"" + std::string(path.str()) + "\" in [files]");
    }
    if (path.str() == layout::kManifest || path.str() == layout::kManifestSig) {
      return make_error(at + ": [files] must not list " + std::string(path.str()));
    }
    auto digest = node.value<std::string>();
    if (!digest || !is_sha256_hex(*digest)) {
      return make_error(at + ": digest of \"" + std::string(path.str()) +
                        "\" must be 64 lowercase hex characters");
    }
    out.files.emplace(std::string(path.str()), *digest);
  }
  if (auto s = top.finish(); !s) return s.error();
  return out;
}

std::string format_manifest(const Manifest& manifest) {
  // Written by hand rather than by a TOML formatter so that the signed bytes are obviously
  // stable: paths are restricted to [A-Za-z0-9._-/] and need no escaping.
  std::ostringstream out;
  out << "version = " << layout::kManifestVersion << "\n";
  out << "root_fingerprint = \"" << manifest.root_fingerprint << "\"\n\n[files]\n";
  for (const auto& [path, digest] : manifest.files) {
    out << "\"" << path << "\" = \"" << digest << "\"\n";
  }
  return out.str();
}

}  // namespace cchost::kit
