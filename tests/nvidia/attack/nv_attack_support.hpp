#pragma once
// Helpers for the adversarial tests: a simulated GPU whose CA keys the test holds (so it can
// forge correctly signed evidence and leaves), an evidence list of hand-made entries, a
// temporary collateral folder, and the genuine vectors ($CCHOST_VECTORS/nvidia) when present.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/crypto/x509.hpp"
#include "evidence/evidence_list.hpp"
#include "sim/sim_board.hpp"
#include "sim/sim_device_pki.hpp"
#include "sim/sim_rim_writer.hpp"
#include "sim/spdm_writer.hpp"

namespace cchost::nv::attack {

inline std::optional<std::filesystem::path> nvidia_vectors() {
  const char* env = std::getenv("CCHOST_VECTORS");
  if (env == nullptr || *env == 0) return std::nullopt;
  std::filesystem::path p = std::filesystem::path(env) / "nvidia";
  if (!std::filesystem::is_directory(p)) return std::nullopt;
  return p;
}

inline Bytes read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// 2025-06-01T00:00:00Z: inside every genuine device chain's validity (as tests/nvidia/device).
inline constexpr std::time_t kGenuineChainTime = 1748736000;

inline std::array<std::uint8_t, 32> nonce_of(std::uint8_t seed) {
  std::array<std::uint8_t, 32> n{};
  for (std::size_t i = 0; i < n.size(); ++i) n[i] = static_cast<std::uint8_t>(seed + i);
  return n;
}

inline crypto::Certificate cert_of(X509* x) {
  auto pem = sim::certificate_pem_text(x);
  EXPECT_TRUE(pem) << pem.message();
  auto c = crypto::Certificate::from_pem(*pem);
  EXPECT_TRUE(c) << c.message();
  return std::move(*c);
}

// The PEM text after the first certificate (the four issuers of a device chain).
inline std::string issuers_pem(const std::string& chain_pem) {
  const std::string end = "-----END CERTIFICATE-----\n";
  const auto at = chain_pem.find(end);
  return at == std::string::npos ? std::string() : chain_pem.substr(at + end.size());
}

// One simulated device with its CA hierarchy in the test's hands.
struct SimDeviceKit {
  sim::SimDevicePki pki;
  sim::SimDeviceSpec spec;
  sim::SimDeviceCert cert;
  sim::SimBoardOptions options;

  crypto::Certificate root() const { return cert_of(pki.root.cert.get()); }

  EvidenceEntry entry(const std::array<std::uint8_t, 32>& nonce, const std::string& arch = "HOPPER") const {
    return entry_with(cert.leaf.key.get(), cert.chain_pem, nonce, arch, spec);
  }
  EvidenceEntry entry_with(EVP_PKEY* key, const std::string& chain, const std::array<std::uint8_t, 32>& nonce,
                           const std::string& arch, const sim::SimDeviceSpec& s) const {
    EvidenceEntry e;
    e.arch = arch;
    auto report = sim::write_spdm_report(s, ByteView(nonce.data(), nonce.size()), key);
    EXPECT_TRUE(report) << report.message();
    e.report = std::move(*report);
    e.certificate_pem = chain;
    return e;
  }
};

// device 0 of a simulated board (GPU or switch) under a fresh CA.
inline SimDeviceKit make_kit(DeviceClass device, const std::string& hwmodel = "") {
  SimDeviceKit k;
  auto pki = sim::make_sim_device_pki();
  EXPECT_TRUE(pki) << pki.message();
  k.pki = std::move(*pki);
  k.options.gpus = 8;
  k.options.switches = 4;
  if (!hwmodel.empty()) (device == DeviceClass::gpu ? k.options.gpu_hwmodel : k.options.switch_hwmodel) = hwmodel;
  auto specs = sim::sim_board_specs(k.options, device);
  EXPECT_TRUE(specs) << specs.message();
  k.spec = (*specs)[0];
  const Pdi own = device == DeviceClass::gpu ? sim::sim_gpu_pdi(k.options, 0) : sim::sim_switch_pdi(k.options, 0);
  auto cert = sim::issue_sim_device(k.pki, device, k.spec.hwmodel, k.spec.fwid, own);
  EXPECT_TRUE(cert) << cert.message();
  k.cert = std::move(*cert);
  return k;
}

inline Bytes token_of(const std::vector<EvidenceEntry>& entries) {
  const std::string json = write_evidence_list(entries);
  return Bytes(json.begin(), json.end());
}

// A temporary folder removed at scope end.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "nvattack-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
  }
};

}  // namespace cchost::nv::attack
