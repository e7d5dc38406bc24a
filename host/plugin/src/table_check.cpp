#include "table_check.hpp"

#include <cstring>
#include <sstream>

namespace cchost::plugin {
namespace {

constexpr std::size_t kMaxText = 128;

// Copies a plugin-owned C string, refusing NULL and unterminated or oversized text.
Result<std::string> copy_text(const char* text, const char* field, const std::string& file) {
  if (!text) return make_error("plugin " + file + ": table field '" + field + "' is NULL");
  std::size_t n = ::strnlen(text, kMaxText + 1);
  if (n == 0 || n > kMaxText) {
    return make_error("plugin " + file + ": table field '" + field + "': expected 1.." +
                      std::to_string(kMaxText) + " characters, got " +
                      (n == 0 ? std::string("0") : "more than " + std::to_string(kMaxText)));
  }
  return std::string(text, n);
}

bool valid_namespace(const std::string& ns) {
  if (ns.size() > 64) return false;
  for (char c : ns) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

}  // namespace

std::string format_abi(std::uint32_t abi) {
  return std::to_string(abi >> 16) + "." + std::to_string(abi & 0xFFFFu);
}

Result<PluginInfo> read_table(const cchost_authorizer_table_v1* table, const std::string& file) {
  if (!table) return make_error("plugin " + file + ": " CCHOST_AUTHORIZER_ENTRY "() returned NULL");
  // Checked first: with another major the rest of the table may have another layout.
  std::uint32_t major = table->abi_version >> 16;
  if (major != CCHOST_AUTHORIZER_ABI_MAJOR) {
    return make_error("plugin " + file + ": ABI major mismatch: host expects " +
                      std::to_string(CCHOST_AUTHORIZER_ABI_MAJOR) + ".x, plugin declares " +
                      format_abi(table->abi_version));
  }
  PluginInfo info;
  info.file = file;
  info.abi = table->abi_version;
  auto ns = copy_text(table->ns, "ns", file);
  if (!ns) return ns.error();
  if (!valid_namespace(*ns)) {
    return make_error("plugin " + file + ": namespace '" + *ns +
                      "': expected 1..64 characters of [a-z0-9-]");
  }
  auto name = copy_text(table->name, "name", file);
  if (!name) return name.error();
  auto version = copy_text(table->version, "version", file);
  if (!version) return version.error();
  info.ns = std::move(*ns);
  info.name = std::move(*name);
  info.version = std::move(*version);
  const char* missing = !table->create        ? "create"
                        : !table->generate    ? "generate"
                        : !table->verify      ? "verify"
                        : !table->destroy     ? "destroy"
                        : !table->free_buffer ? "free_buffer"
                                              : nullptr;
  if (missing) {
    return make_error("plugin " + file + ": table function '" + missing +
                      "' is NULL (expected every v1 function)");
  }
  return info;
}

}  // namespace cchost::plugin
