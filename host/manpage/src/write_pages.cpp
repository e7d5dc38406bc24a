#include "cchost/manpage/write_pages.hpp"

#include <fstream>
#include <system_error>

namespace cchost::manpage {

Status write_man_pages(const std::filesystem::path& dir, const std::vector<ManPage>& pages) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error("cannot create " + dir.string() + ": " + ec.message());
  for (const auto& page : pages) {
    const auto path = dir / page.file_name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << page.text;
    out.close();
    if (!out) return make_error("cannot write " + path.string());
  }
  return {};
}

}  // namespace cchost::manpage
