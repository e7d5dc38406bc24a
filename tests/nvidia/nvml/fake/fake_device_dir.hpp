#pragma once
// The folder a fake NVIDIA library serves its devices from (env CCHOST_FAKE_NVML_DIR for
// the fake NVML, CCHOST_FAKE_NSCQ_DIR for the fake NSCQ), and the one helper both fakes use
// to make valid evidence for any nonce: write the nonce at report offset 4 and re-sign
// report[0:len-96] with the device leaf key (ECDSA-P384/SHA-384, raw r||s, NOTES.md §1).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fake_nv {

std::optional<std::filesystem::path> root_from_env(const char* variable);
std::optional<std::vector<std::uint8_t>> read_file(const std::filesystem::path& path);
bool write_file(const std::filesystem::path& path, const std::string& text);
// How many consecutive <prefix>0, <prefix>1, ... folders exist.
unsigned count_devices(const std::filesystem::path& root, const std::string& prefix);
// Nonce at offset 4, signature over all but the last 96 bytes, into the last 96 bytes.
bool resign_report(std::vector<std::uint8_t>& report, const std::uint8_t* nonce, const std::filesystem::path& leaf_key_pem);

}  // namespace fake_nv
