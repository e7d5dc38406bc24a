#include "table_check.hpp"

#include <cstddef>
#include <cstring>
#include <sstream>

#include "cchost/claims/namespace_claims.hpp"

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


}  // namespace

std::string format_abi(std::uint32_t abi) {
  return std::to_string(abi >> 16) + "." + std::to_string(abi & 0xFFFFu);
}

Result<PluginInfo> read_table(const cchost_authorizer_table_v2* table, const std::string& file) {
  if (!table) return make_error("plugin " + file + ": " CCHOST_AUTHORIZER_ENTRY "() returned NULL");
  // Checked first: with another major the rest of the table may have another layout.
  std::uint32_t major = table->abi_version >> 16;
  if (major != CCHOST_AUTHORIZER_ABI_MAJOR) {
    return make_error("plugin " + file + ": ABI major mismatch: host expects " +
                      std::to_string(CCHOST_AUTHORIZER_ABI_MAJOR) + ".x, plugin declares " +
                      format_abi(table->abi_version));
  }
  // Every field up to sim_provision is ABI 2.0; a smaller table was built against something else.
  // Fields appended later (relate, on_event, ...) are optional: read only when `size` covers them.
  if (table->size < kTableV20Size) {
    return make_error("plugin " + file + ": table size " + std::to_string(table->size) + " is smaller than ABI 2.0's " +
                      std::to_string(kTableV20Size) + " bytes");
  }
  PluginInfo info;
  info.file = file;
  info.abi = table->abi_version;
  auto ns = copy_text(table->ns, "ns", file);
  if (!ns) return ns.error();
  // The same rule host/claims applies to every claims document: a namespace it would refuse
  // would make every verify() fail, so the plugin is refused at load instead.
  if (!claims::is_valid_namespace(*ns)) {
    return make_error("plugin " + file + ": namespace '" + *ns +
                      "': expected \"x-\" then [a-z0-9-], at most 64 characters (e.g. x-acme)");
  }
  auto name = copy_text(table->name, "name", file);
  if (!name) return name.error();
  auto version = copy_text(table->version, "version", file);
  if (!version) return version.error();
  info.ns = std::move(*ns);
  info.name = std::move(*name);
  info.version = std::move(*version);
  const char* missing = !table->describe      ? "describe"
                        : !table->create      ? "create"
                        : !table->generate    ? "generate"
                        : !table->verify      ? "verify"
                        : !table->destroy     ? "destroy"
                        : !table->free_buffer ? "free_buffer"
                                              : nullptr;
  if (missing) {
    return make_error("plugin " + file + ": table function '" + missing +
                      "' is NULL (expected every ABI 2 function; only sim_provision is optional)");
  }
  return info;
}

RelateFn relate_of(const cchost_authorizer_table_v2* table) {
  constexpr std::size_t end = offsetof(cchost_authorizer_table_v2, relate) + sizeof(RelateFn);
  return table->size >= end ? table->relate : nullptr;
}

ShowFn show_of(const cchost_authorizer_table_v2* table) {
  return CCHOST_TABLE_HAS(table, show) ? table->show : nullptr;
}

}  // namespace cchost::plugin
