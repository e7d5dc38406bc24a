#pragma once
// Writing a set of pages into a folder (created if missing). Pages of the same name are
// replaced; nothing else in the folder is touched, so a stale page of a removed command is the
// caller's to remove (the build does: cmake/CchostManPages.cmake starts from an empty folder).
#include <filesystem>
#include <vector>

#include "cchost/manpage/man_page.hpp"
#include "cchost/result.hpp"

namespace cchost::manpage {

Status write_man_pages(const std::filesystem::path& dir, const std::vector<ManPage>& pages);

}  // namespace cchost::manpage
