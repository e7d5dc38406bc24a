// The quote backends with the kernel played by the test: configfs-tsm (provider tdx_guest,
// a sim quote as outblob, a racing writer) and /dev/tdx_guest (GET_REPORT0 then the legacy
// GET_QUOTE carrying a QGS message), and the QGS codec on malformed responses.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "backends/backend_factories.hpp"
#include "backends/qgs_message.hpp"
#include "backends/tdx_guest_uapi.hpp"
#include "sim/sim_provision.hpp"
#include "tdx_test_support.hpp"

namespace cchost::tdx {
namespace {

namespace fs = std::filesystem;
namespace uapi = tdx_guest_uapi;

// A sim quote for `report_data`, from a sim CA made once per process.
Bytes sim_quote(const std::array<std::uint8_t, 64>& report_data) {
  static test::TempDir ca;
  static const bool made = [] {
    sim::PkiOptions o;
    o.now = std::time(nullptr);
    return sim::write_sim_ca(ca.path(), o).ok();
  }();
  EXPECT_TRUE(made);
  auto backend = make_sim_backend(ca.path() / "secret", {});
  EXPECT_TRUE(backend) << backend.message();
  auto q = (*backend)->get_quote(report_data);
  EXPECT_TRUE(q) << q.message();
  return *q;
}

std::array<std::uint8_t, 64> rd(std::uint8_t v) {
  std::array<std::uint8_t, 64> a{};
  a.fill(v);
  return a;
}

TEST(TdxQgs, RequestCarriesTheReportAndResponsesAreChecked) {
  const Bytes report(kTdReportSize, 0x77);
  const Bytes req = encode_qgs_quote_request(report);
  ASSERT_EQ(req.size(), 4u + 16 + 8 + kTdReportSize);
  EXPECT_EQ(req[3], static_cast<std::uint8_t>((16 + 8 + kTdReportSize) & 0xFF));  // big-endian length
  EXPECT_EQ(req[4], 1);                                                          // major 1
  EXPECT_EQ(Bytes(req.end() - static_cast<std::ptrdiff_t>(kTdReportSize), req.end()), report);

  auto response = [](std::uint32_t type, std::uint32_t error, std::uint32_t id_size, std::uint32_t quote_size,
                     std::size_t payload, int size_delta = 0) {
    Bytes m;
    auto le32 = [&](std::uint32_t v) {
      for (int i = 0; i < 4; ++i) m.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    };
    const auto size = static_cast<std::uint32_t>(16 + 8 + payload);
    m.push_back(1);
    m.push_back(0);
    m.push_back(0);
    m.push_back(0);
    le32(type);
    le32(static_cast<std::uint32_t>(static_cast<int>(size) + size_delta));
    le32(error);
    le32(id_size);
    le32(quote_size);
    m.insert(m.end(), payload, 0x42);
    Bytes framed{static_cast<std::uint8_t>(size >> 24), static_cast<std::uint8_t>(size >> 16),
                 static_cast<std::uint8_t>(size >> 8), static_cast<std::uint8_t>(size)};
    framed.insert(framed.end(), m.begin(), m.end());
    return framed;
  };
  auto ok = decode_qgs_quote_response(response(1, 0, 2, 10, 12));
  ASSERT_TRUE(ok) << ok.message();
  EXPECT_EQ(ok->size(), 10u);
  EXPECT_NE(decode_qgs_quote_response(response(0, 0, 0, 10, 10)).message().find("type must be 1"), std::string::npos);
  EXPECT_NE(decode_qgs_quote_response(response(1, 7, 0, 10, 10)).message().find("error code 7"), std::string::npos);
  EXPECT_NE(decode_qgs_quote_response(response(1, 0, 4, 10, 10)).message().find("exceed"), std::string::npos);
  EXPECT_NE(decode_qgs_quote_response(response(1, 0, 0xFFFFFFFF, 10, 10)).message().find("exceed"), std::string::npos);
  EXPECT_NE(decode_qgs_quote_response(response(1, 0, 0, 10, 10, 1)).message().find("header size"), std::string::npos);
  Bytes truncated = response(1, 0, 0, 10, 10);
  truncated.pop_back();
  EXPECT_NE(decode_qgs_quote_response(truncated).message().find("exceeds"), std::string::npos);
  EXPECT_FALSE(decode_qgs_quote_response(Bytes{0, 0}));
  for (std::size_t n = 0; n < 4 + 24; ++n) {
    EXPECT_FALSE(decode_qgs_quote_response(ByteView(response(1, 0, 0, 0, 0)).first(n))) << n;
  }
}

// Plays the TDX module and the QGS behind the legacy ioctls.
struct FakeTdxGuest {
  int quote_errno = 0;                 // nonzero: GET_QUOTE fails with it
  std::uint64_t status = uapi::kStatusSuccess;
  bool swap_report_data = false;       // answer with a quote for other REPORT_DATA
  int calls = 0;

  TdxGuestIoctl ioctl() {
    return [this](int, unsigned long request, void* arg) -> int {
      ++calls;
      if (request == uapi::kGetReport0) {
        auto* r = static_cast<uapi::TdxReportReq*>(arg);
        std::memset(r->tdreport, 0, sizeof r->tdreport);
        std::memcpy(r->tdreport + 128, r->reportdata, 64);  // REPORTMACSTRUCT.REPORTDATA
        return 0;
      }
      if (request != uapi::kGetQuote) {
        errno = EINVAL;
        return -1;
      }
      if (quote_errno != 0) {
        errno = quote_errno;
        return -1;
      }
      auto* q = static_cast<uapi::TdxQuoteReq*>(arg);
      auto* buf = reinterpret_cast<std::uint8_t*>(q->buf);
      uapi::TdxQuoteHdr hdr{};
      std::memcpy(&hdr, buf, sizeof hdr);
      EXPECT_EQ(hdr.version, 1u);
      EXPECT_EQ(hdr.in_len, 4u + 24 + kTdReportSize);
      std::array<std::uint8_t, 64> report_data{};
      std::memcpy(report_data.data(), buf + sizeof hdr + 4 + 24 + 128, 64);
      if (swap_report_data) report_data[0] ^= 1;
      const Bytes quote = sim_quote(report_data);
      Bytes m(24, 0);
      const auto size = static_cast<std::uint32_t>(24 + quote.size());
      m[0] = 1;
      m[4] = 1;  // GET_QUOTE_RESP
      for (int i = 0; i < 4; ++i) m[8 + i] = static_cast<std::uint8_t>(size >> (8 * i));
      for (int i = 0; i < 4; ++i) m[20 + i] = static_cast<std::uint8_t>(quote.size() >> (8 * i));
      m.insert(m.end(), quote.begin(), quote.end());
      Bytes framed{static_cast<std::uint8_t>(size >> 24), static_cast<std::uint8_t>(size >> 16),
                   static_cast<std::uint8_t>(size >> 8), static_cast<std::uint8_t>(size)};
      framed.insert(framed.end(), m.begin(), m.end());
      hdr.status = status;
      hdr.out_len = static_cast<std::uint32_t>(framed.size());
      std::memcpy(buf, &hdr, sizeof hdr);
      std::memcpy(buf + sizeof hdr, framed.data(), framed.size());
      return 0;
    };
  }
};

class TdxGuestDevice : public ::testing::Test {
 protected:
  void SetUp() override { test::write_file(dev_.path() / "tdx_guest", ""); }
  Result<Bytes> quote(FakeTdxGuest& fake, std::uint8_t v) {
    auto backend = make_tdx_guest_backend(dev_.path() / "tdx_guest", fake.ioctl());
    if (!backend) return backend.error();
    return (*backend)->get_quote(rd(v));
  }
  test::TempDir dev_;
};

TEST_F(TdxGuestDevice, GetsAQuoteCarryingItsReportData) {
  FakeTdxGuest fake;
  auto q = quote(fake, 0x3c);
  ASSERT_TRUE(q) << q.message();
  auto parsed = parse_tdx_quote(*q);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->body.report_data, rd(0x3c));
  EXPECT_EQ(fake.calls, 2);
}

TEST_F(TdxGuestDevice, FailuresNameTheirCause) {
  FakeTdxGuest no_ioctl;
  no_ioctl.quote_errno = ENOTTY;
  EXPECT_NE(quote(no_ioctl, 1).message().find("use configfs-tsm"), std::string::npos);
  FakeTdxGuest unavailable;
  unavailable.status = uapi::kStatusServiceUnavailable;
  EXPECT_NE(quote(unavailable, 1).message().find("unavailable"), std::string::npos);
  FakeTdxGuest busy;
  busy.status = uapi::kStatusInFlight;
  EXPECT_NE(quote(busy, 1).message().find("in flight"), std::string::npos);
  FakeTdxGuest other;
  other.swap_report_data = true;
  EXPECT_NE(quote(other, 1).message().find("another REPORT_DATA"), std::string::npos);
  EXPECT_FALSE(make_tdx_guest_backend(dev_.path() / "absent"));
}

// configfs-tsm: the kit client plays by the kernel's rules; the fake writes attribute files.
struct FakeTsm {
  fs::path root;
  std::string provider = "tdx_guest";
  std::uint64_t generation = 1;
  bool wrong_quote = false;

  ConfigfsTsmBackendOptions options() {
    ConfigfsTsmBackendOptions o;
    o.root = root;
    o.after_mkdir = [this](const fs::path& e) {
      test::write_file(e / "provider", provider + "\n");
      test::write_file(e / "generation", std::to_string(generation) + "\n");
      for (const char* f : {"inblob", "outblob"}) test::write_file(e / f, "");
    };
    o.after_write = [this](const fs::path& e, std::string_view file) {
      ++generation;
      if (file == "inblob") {
        const Bytes in = test::read_file(e / "inblob");
        std::array<std::uint8_t, 64> report_data{};
        std::copy(in.begin(), in.begin() + 64, report_data.begin());
        if (wrong_quote) report_data[5] ^= 1;
        const Bytes q = sim_quote(report_data);
        test::write_file(e / "outblob", std::string(q.begin(), q.end()));
      }
      test::write_file(e / "generation", std::to_string(generation) + "\n");
    };
    return o;
  }
};

TEST(TdxConfigfsTsm, TdxGuestProviderGivesAQuoteForTheBinding) {
  test::TempDir dir;
  FakeTsm kernel{dir.path()};
  auto backend = make_configfs_tsm_backend(kernel.options());
  ASSERT_TRUE(backend) << backend.message();
  auto q = (*backend)->get_quote(rd(0x11));
  ASSERT_TRUE(q) << q.message();
  EXPECT_EQ(parse_tdx_quote(*q)->body.report_data, rd(0x11));
}

TEST(TdxConfigfsTsm, RefusesAnotherProviderAndAnotherQuote) {
  test::TempDir dir;
  FakeTsm snp{dir.path(), "sev_guest"};
  auto refused = make_configfs_tsm_backend(snp.options());
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.message().find("not an Intel TDX guest"), std::string::npos) << refused.message();
  test::TempDir dir2;
  FakeTsm liar{dir2.path()};
  liar.wrong_quote = true;
  auto backend = make_configfs_tsm_backend(liar.options());
  ASSERT_TRUE(backend) << backend.message();
  EXPECT_NE((*backend)->get_quote(rd(0x11)).message().find("another REPORT_DATA"), std::string::npos);
}

}  // namespace
}  // namespace cchost::tdx
