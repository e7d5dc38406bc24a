// Provisioning the simulated devices and reloading them as a prover would: file layout and
// modes, the answer the provisioner reads, reports that match the provisioned RIMs, and the
// loader's refusals.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/signature.hpp"
#include "cchost/crypto/x509.hpp"
#include "evidence/evidence_list.hpp"
#include "nv_sim_test_support.hpp"
#include "sim/sim_board_source.hpp"
#include "sim/sim_nv_provision.hpp"
#include "sim/sim_rim_writer.hpp"

namespace cchost::nv::sim {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "nv_sim_XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) ? fs::path(tmpl) : fs::path();
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

std::string read_text(const fs::path& p) {
  const Bytes b = test::read_file(p);
  return std::string(b.begin(), b.end());
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

TEST(NvSimProvision, WritesTrustAndSecretAndAnswersThePlan) {
  TempDir dir;
  auto answer_text = provision_sim_nvidia(dir.path(), DeviceClass::gpu);
  ASSERT_TRUE(answer_text) << answer_text.message();
  const auto answer = nlohmann::json::parse(*answer_text);
  const std::vector<std::string> trust = answer["trust"];
  const std::vector<std::string> secret = answer["secret"];
  std::vector<std::string> expected_trust = {"sim_device_root.pem", "sim_rim_root.pem", "ocsp_identity.der", "ocsp_ica.der",
                                             "ocsp_rim_ca.der", "ocsp_rim_l3.der", "ocsp_rim_l4.der",
                                             "NV_GPU_DRIVER_GH100_580.159.03.xml", "NV_GPU_VBIOS_1010_0205_862_9600740020.xml"};
  for (int g = 0; g < 8; ++g) expected_trust.push_back("ocsp_gpu" + std::to_string(g) + "_brom.der");  // the simulated responder
  EXPECT_EQ(trust, expected_trust);
  EXPECT_EQ(secret.size(), 8u * 3 + 1);
  for (const auto& f : trust) {
    EXPECT_TRUE(fs::is_regular_file(dir.path() / "trust" / f)) << f;
    EXPECT_EQ(f.find('/'), std::string::npos) << "the provisioner copies plain names only";
  }
  for (const auto& f : secret) {
    EXPECT_TRUE(fs::is_regular_file(dir.path() / "secret" / f)) << f;
    if (fs::path(f).extension() == ".key") {
      EXPECT_EQ(mode_of(dir.path() / "secret" / f), 0600u) << f;
    }
  }
  EXPECT_EQ(mode_of(dir.path() / "secret"), 0700u);
  EXPECT_EQ(answer["verifier_config"]["sim_roots"][0], "trust/x-nv-gpu/sim_device_root.pem");
  EXPECT_EQ(answer["verifier_config"]["sim_rim_roots"][0], "trust/x-nv-gpu/sim_rim_root.pem");
  EXPECT_FALSE(answer["verifier_config"].contains("rim_store"));  // the RIMs lie in the kit's trust/<ns>/, the collateral folder
  EXPECT_EQ(answer["prover_config"]["sim"]["ca_dir"], "sim/x-nv-gpu");
  // Existing files are never replaced.
  EXPECT_FALSE(provision_sim_nvidia(dir.path(), DeviceClass::gpu));
}

// Fresh reports from the reloaded devices verify with their chains to the provisioned root and
// carry exactly the golden values of the provisioned RIMs (index i = block i+1).
TEST(NvSimProvision, ReloadedDevicesReportWhatTheRimsSay) {
  for (DeviceClass c : {DeviceClass::gpu, DeviceClass::nvswitch}) {
    TempDir dir;
    auto answer_text = provision_sim_nvidia(dir.path(), c);
    ASSERT_TRUE(answer_text) << answer_text.message();
    auto source = SimBoardSource::load(dir.path() / "secret");
    ASSERT_TRUE(source) << source.message();
    const Bytes nonce(32, 0x42);
    auto json = source->evidence_json(nonce);
    ASSERT_TRUE(json) << json.message();
    auto entries = parse_evidence_list(*json);
    ASSERT_TRUE(entries) << entries.message();
    ASSERT_EQ(entries->size(), c == DeviceClass::gpu ? 8u : 4u);

    auto root = crypto::Certificate::from_file((dir.path() / "trust" / kSimDeviceRootFile).string());
    ASSERT_TRUE(root);
    crypto::ChainOptions options;
    options.anchors = {*root};
    options.at = std::time(nullptr);
    std::map<std::size_t, std::string> golden;  // RIM index -> Hash0 over all RIMs
    const auto answer = nlohmann::json::parse(*answer_text);
    for (const auto& f : answer["trust"]) {
      const std::string name = f;
      if (name.size() < 4 || name.substr(name.size() - 4) != ".xml") continue;
      const std::string xml = read_text(dir.path() / "trust" / name);
      const std::regex re("index=\"([0-9]+)\" active=\"True\" alternatives=\"1\" ns2:Hash0=\"([0-9a-f]+)\"");
      for (auto it = std::sregex_iterator(xml.begin(), xml.end(), re); it != std::sregex_iterator(); ++it) {
        EXPECT_TRUE(golden.emplace(std::stoul((*it)[1]), (*it)[2]).second) << "index active in two RIMs";
      }
    }
    EXPECT_EQ(golden.size(), c == DeviceClass::gpu ? 33u : 31u);
    for (const auto& e : *entries) {
      auto chain = crypto::Certificate::all_from_pem(e.certificate_pem);
      ASSERT_TRUE(chain);
      ASSERT_EQ(chain->size(), 5u);
      std::vector<crypto::Certificate> mid(chain->begin() + 1, chain->end() - 1);
      EXPECT_TRUE(crypto::verify_chain(chain->front(), mid, options));
      const ByteView tbs(e.report.data(), e.report.size() - 96);
      const ByteView sig(e.report.data() + e.report.size() - 96, 96);
      EXPECT_TRUE(crypto::verify_ecdsa_concat(chain->front().public_key(), crypto::HashAlg::Sha384, tbs, sig, crypto::Endian::Big));
      for (const auto& [index, hash] : golden) {
        const std::size_t at = 45 + index * 55 + 7;  // block Index = index + 1
        EXPECT_EQ(e.report.at(at - 7), index + 1);
        EXPECT_EQ(crypto::hex_encode(ByteView(e.report.data() + at, 48)), hash) << "index " << index;
      }
    }
  }
}

TEST(NvSimProvision, LoaderRefusesAReadableKeyAndDamagedFiles) {
  TempDir dir;
  ASSERT_TRUE(provision_sim_nvidia(dir.path(), DeviceClass::nvswitch));
  const fs::path secret = dir.path() / "secret";
  ASSERT_TRUE(SimBoardSource::load(secret));
  fs::permissions(secret / "switch1.key", fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
  auto readable = SimBoardSource::load(secret);
  ASSERT_FALSE(readable);
  EXPECT_NE(readable.message().find("switch1"), std::string::npos) << readable.message();
  fs::permissions(secret / "switch1.key", fs::perms::owner_read | fs::perms::owner_write);

  const std::string spec = read_text(secret / "switch2.json");
  write_text(secret / "switch2.json", std::regex_replace(spec, std::regex("\"position_id\": 2"), "\"position_id\": 70000"));
  auto bad_field = SimBoardSource::load(secret);
  ASSERT_FALSE(bad_field);
  EXPECT_NE(bad_field.message().find("position_id"), std::string::npos) << bad_field.message();
  write_text(secret / "switch2.json", spec);

  write_text(secret / "devices.json", "[\"../switch0\"]");
  EXPECT_FALSE(SimBoardSource::load(secret));
  write_text(secret / "devices.json", "{}");
  EXPECT_FALSE(SimBoardSource::load(secret));
}

TEST(NvSimSpec, JsonRoundTripsAndRefusesMalformedInput) {
  auto specs = sim_board_specs(SimBoardOptions{}, DeviceClass::gpu);
  ASSERT_TRUE(specs);
  SimDeviceSpec s = specs->front();
  s.extra_opaque = {{35, Bytes{1, 2, 3}}};
  s.msrscnt = {1, 2, 3};
  const std::string json = spec_to_json(s);
  auto back = spec_from_json(json);
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(spec_to_json(*back), json);
  EXPECT_EQ(back->measurements, s.measurements);
  EXPECT_EQ(back->switch_pdis, s.switch_pdis);

  auto doc = nlohmann::json::parse(json);
  const auto refuse = [&](nlohmann::json d, const std::string& needle) {
    auto r = spec_from_json(d.dump());
    ASSERT_FALSE(r) << needle;
    EXPECT_NE(r.message().find(needle), std::string::npos) << r.message();
  };
  auto d = doc; d["surprise"] = 1; refuse(d, "unknown field \"surprise\"");
  d = doc; d.erase("hwmodel"); refuse(d, "\"hwmodel\" is missing");
  d = doc; d["fwid"] = "00"; refuse(d, "expected 48 bytes, got 1");
  d = doc; d["measurements"][0] = "zz"; refuse(d, "measurements");
  d = doc; d["nvdec0_status"] = 256; refuse(d, "nvdec0_status");
  d = doc; d["device_class"] = "cpu"; refuse(d, "device_class");
  d = doc; d["board_id"] = -1; refuse(d, "board_id");
  d = doc; d["extra_opaque"] = nlohmann::json::array({{{"type", 1}}}); refuse(d, "extra_opaque");
  EXPECT_FALSE(spec_from_json("not json"));
  EXPECT_FALSE(spec_from_json("[]"));
}

}  // namespace
}  // namespace cchost::nv::sim
