// The host core never names a TEE (issue 10): every platform's namespace, claims, knobs and
// collateral live in its plugin. This scans the code of host/ and provision/ (comments, tests
// and benchmarks excluded) for platform namespaces, claim prefixes and platform words, and
// fails on any hit.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

// Code only: // and /* */ comments blanked (string literals kept: a name in a string is a hit).
std::string strip_comments(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  enum { Code, Line, Block, Str, Chr } state = Code;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    switch (state) {
      case Code:
        if (c == '/' && next == '/') { state = Line; ++i; continue; }
        if (c == '/' && next == '*') { state = Block; ++i; continue; }
        if (c == '"') state = Str;
        if (c == '\'') state = Chr;
        out += c;
        break;
      case Line:
        if (c == '\n') { state = Code; out += c; }
        break;
      case Block:
        if (c == '*' && next == '/') { state = Code; ++i; }
        else if (c == '\n') out += c;
        break;
      case Str:
      case Chr:
        out += c;
        if (c == '\\') { out += next; ++i; }
        else if ((state == Str && c == '"') || (state == Chr && c == '\'')) state = Code;
        break;
    }
  }
  return out;
}

// Platform namespaces, claim prefixes and names of TEEs and their vendors' devices.
const std::regex& platform_words() {
  static const std::regex re(
      R"((x-snp|x-tdx|x-nv-|x-az-|\bsnp[._]|\btdx[._]|\bgpu\.|nvswitch|\bsev\b|sev[-_](snp|guest)|\bsnp\b|\btdx\b|)"
      R"(\bnvidia\b|\bamd\b|\baci\b|\bmilan\b|\bgenoa\b|\bturin\b|\bvcek\b|\bvlek\b))",
      std::regex::icase | std::regex::ECMAScript);
  return re;
}

// Known remaining hits (none): a hit anywhere fails, and an entry whose file no longer hits
// fails too, so the list can only shrink.
const std::set<std::string> kPendingIssue10D = {};

TEST(HostNamesNoTee, NoPlatformNameInHostOrProvisionCode) {
  const fs::path root = CCHOST_SOURCE_DIR;
  std::string hits;
  std::set<std::string> pending_hit;
  int scanned = 0;
  for (const char* top : {"host", "provision"}) {
    for (const auto& e : fs::recursive_directory_iterator(root / top)) {
      if (!e.is_regular_file()) continue;
      const fs::path rel = e.path().lexically_relative(root);
      const std::string rel_text = rel.generic_string();
      if (rel_text.find("/bench/") != std::string::npos || rel_text.find("/test") != std::string::npos) continue;
      const std::string ext = rel.extension().string();
      const bool code = ext == ".cpp" || ext == ".hpp" || ext == ".h" || rel.filename() == "CMakeLists.txt";
      if (!code) continue;
      std::ifstream in(e.path());
      std::stringstream buffer;
      buffer << in.rdbuf();
      std::string text = buffer.str();
      if (ext != ".txt") text = strip_comments(text);
      ++scanned;
      std::istringstream lines(text);
      int n = 0;
      for (std::string line; std::getline(lines, line);) {
        ++n;
        if (rel.filename() == "CMakeLists.txt") line = line.substr(0, line.find('#'));
        std::smatch m;
        if (!std::regex_search(line, m, platform_words())) continue;
        if (kPendingIssue10D.count(rel_text)) {
          pending_hit.insert(rel_text);
          continue;
        }
        hits += rel_text + ":" + std::to_string(n) + ": \"" + m.str() + "\" in: " + line + "\n";
      }
    }
  }
  EXPECT_GT(scanned, 50);
  EXPECT_TRUE(hits.empty()) << "the host names a platform:\n" << hits;
  for (const auto& f : kPendingIssue10D) {
    EXPECT_TRUE(pending_hit.count(f)) << f << " no longer names a platform: drop it from kPendingIssue10D";
  }
}

TEST(HostNamesNoTee, TheScannerSeesWhatItMustAndIgnoresComments) {
  EXPECT_TRUE(std::regex_search(strip_comments("auto ns = \"x-snp\";"), platform_words()));
  EXPECT_TRUE(std::regex_search(strip_comments("rule.claim == \"tdx.debug\""), platform_words()));
  EXPECT_FALSE(std::regex_search(strip_comments("int x = 1;  // e.g. x-snp"), platform_words()));
  EXPECT_FALSE(std::regex_search(strip_comments("/* the SEV-SNP plugin */ int y;"), platform_words()));
  EXPECT_FALSE(std::regex_search(std::string("several severity settings"), platform_words()));
}

}  // namespace
