// /dev/sev-guest: the ioctls need an SEV-SNP guest, so here (a) a plain file stands in for the
// device to check that failures are clear and name it, and (b) the pure response handling is fed
// crafted buffers: MSG_REPORT_RSP status/size, the cert buffer, failure classification.
#include <cerrno>

#include <gtest/gtest.h>

#include "backends/sev_guest_backend.hpp"
#include "backends/sev_guest_response.hpp"
#include "backends/sev_guest_uapi.hpp"
#include "sim/cert_table_writer.hpp"
#include "test_support.hpp"

namespace cchost::snp {
namespace {

void put_le32(Bytes& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

Bytes response(std::uint32_t status, std::uint32_t size) {
  Bytes resp(4000, 0);
  put_le32(resp, 0, status);
  put_le32(resp, 4, size);
  for (std::size_t i = 0; i < 0x4A0; ++i) resp[0x20 + i] = static_cast<std::uint8_t>(i * 7);
  return resp;
}

bool contains(const std::string& text, const std::string& word) {
  return text.find(word) != std::string::npos;
}

TEST(SnpBackendSevGuest, PlainFileInsteadOfDeviceGivesClearError) {
  testing::TempDir dir;
  const auto device = dir.path() / "sev-guest";
  testing::write_text(device, "");
  SevGuestOptions options;
  options.device = device;
  auto backend = make_sev_guest_backend(options);
  ASSERT_TRUE(backend.ok()) << backend.message();
  EXPECT_EQ((*backend)->name(), "sev-guest");
  auto evidence = (*backend)->get_report({});
  ASSERT_FALSE(evidence.ok());
  const std::string& m = evidence.message();
  // The extended request is not understood (ENOTTY), so the plain one is tried, and fails too.
  EXPECT_TRUE(contains(m, device.string())) << m;
  EXPECT_TRUE(contains(m, "SNP_GET_REPORT")) << m;
  EXPECT_TRUE(contains(m, "SNP_GET_EXT_REPORT")) << m;
  EXPECT_TRUE(contains(m, "errno 25")) << m;
  EXPECT_TRUE(contains(m, "not an SEV guest device")) << m;
}

TEST(SnpBackendSevGuest, MissingDeviceNamesPathAndErrno) {
  testing::TempDir dir;
  SevGuestOptions options;
  options.device = dir.path() / "sev-guest";
  auto backend = make_sev_guest_backend(options);
  ASSERT_FALSE(backend.ok());
  EXPECT_TRUE(contains(backend.message(), options.device.string())) << backend.message();
  EXPECT_TRUE(contains(backend.message(), "errno 2")) << backend.message();
}

TEST(SnpBackendSevGuest, VmplAboveThreeIsRefused) {
  SevGuestOptions options;
  options.device = "/dev/null";
  options.vmpl = 4;
  auto backend = make_sev_guest_backend(options);
  ASSERT_FALSE(backend.ok());
  EXPECT_TRUE(contains(backend.message(), "vmpl")) << backend.message();
}

TEST(SnpBackendSevGuest, ReportIsTakenFromOffset0x20) {
  const Bytes resp = response(0, 0x4A0);
  auto report = report_from_response(resp);
  ASSERT_TRUE(report.ok()) << report.message();
  ASSERT_EQ(report->size(), 0x4A0u);
  EXPECT_EQ(*report, Bytes(resp.begin() + 0x20, resp.begin() + 0x20 + 0x4A0));
}

TEST(SnpBackendSevGuest, BadResponsesAreRefused) {
  auto invalid_param = report_from_response(response(0x16, 0x4A0));
  ASSERT_FALSE(invalid_param.ok());
  EXPECT_TRUE(contains(invalid_param.message(), "0x16")) << invalid_param.message();
  EXPECT_TRUE(contains(invalid_param.message(), "INVALID_PARAM")) << invalid_param.message();

  auto wrong_size = report_from_response(response(0, 0x4A1));
  ASSERT_FALSE(wrong_size.ok());
  EXPECT_TRUE(contains(wrong_size.message(), "report_size 0x4a1")) << wrong_size.message();

  const Bytes full = response(0, 0x4A0);
  auto truncated = report_from_response(ByteView(full).first(0x20 + 0x49F));
  ASSERT_FALSE(truncated.ok());
  EXPECT_TRUE(contains(truncated.message(), "too short")) << truncated.message();
}

TEST(SnpBackendSevGuest, CertBufferIsCutToTheTable) {
  const Bytes table = sim::write_sim_cert_table(Bytes(100, 1), Bytes(200, 2), Bytes(300, 3));
  Bytes buffer(16384, 0);
  std::copy(table.begin(), table.end(), buffer.begin());
  auto cut = cert_table_from_buffer(buffer);
  ASSERT_TRUE(cut.ok()) << cut.message();
  EXPECT_EQ(*cut, table);

  auto empty = cert_table_from_buffer(Bytes(4096, 0));
  ASSERT_TRUE(empty.ok()) << empty.message();
  EXPECT_TRUE(empty->empty());
}

TEST(SnpBackendSevGuest, MalformedCertBuffersAreRefused) {
  Bytes table = sim::write_sim_cert_table(Bytes(100, 1), Bytes(200, 2), Bytes(300, 3));
  Bytes outside = table;
  put_le32(outside, 24 + 20, 0xFFFFFF00);  // ASK length far past the buffer
  auto bad = cert_table_from_buffer(outside);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(contains(bad.message(), "entry 1")) << bad.message();

  Bytes no_terminator(48, 0xAB);  // two in-bounds entries and no room for a terminator
  for (std::size_t entry : {0u, 24u}) {
    put_le32(no_terminator, entry + 16, 0);
    put_le32(no_terminator, entry + 20, 8);
  }
  auto unterminated = cert_table_from_buffer(no_terminator);
  ASSERT_FALSE(unterminated.ok());
  EXPECT_TRUE(contains(unterminated.message(), "terminat")) << unterminated.message();

  // Every truncation of a valid table is either refused or cut inside the buffer: never a crash.
  for (std::size_t n = 0; n < table.size(); ++n) {
    auto r = cert_table_from_buffer(ByteView(table).first(n));
    if (r.ok()) {
      EXPECT_LE(r->size(), n);
    }
  }
}

TEST(SnpBackendSevGuest, IoctlFailuresAreClassified) {
  const std::uint64_t invalid_len = std::uint64_t{1} << 32;
  EXPECT_EQ(classify_ext_report_failure(EIO, invalid_len), ExtReportFailure::RetryWithKernelLength);
  EXPECT_EQ(classify_ext_report_failure(ENOTTY, 0), ExtReportFailure::FallBackToPlainReport);
  EXPECT_EQ(classify_ext_report_failure(EOPNOTSUPP, 0), ExtReportFailure::FallBackToPlainReport);
  EXPECT_EQ(classify_ext_report_failure(EIO, 0x16), ExtReportFailure::Fail);
  EXPECT_EQ(classify_ext_report_failure(EIO, std::uint64_t{2} << 32), ExtReportFailure::Fail);
  EXPECT_EQ(classify_ext_report_failure(ENOTTY, 0x16), ExtReportFailure::Fail);
}

TEST(SnpBackendSevGuest, RetrySizeIsPageRoundedAndCapped) {
  EXPECT_EQ(cert_buffer_size_for_retry(5000).value(), 8192u);
  EXPECT_EQ(cert_buffer_size_for_retry(16384).value(), 16384u);
  EXPECT_FALSE(cert_buffer_size_for_retry(0).ok());
  auto huge = cert_buffer_size_for_retry(0x7FFFFFFF);
  ASSERT_FALSE(huge.ok());
  EXPECT_TRUE(contains(huge.message(), "limit")) << huge.message();
}

TEST(SnpBackendSevGuest, FailureDescriptionNamesEverything) {
  const std::string m = describe_ioctl_failure("/dev/sev-guest", "SNP_GET_EXT_REPORT", EIO,
                                               (std::uint64_t{2} << 32) | 0x16);
  EXPECT_TRUE(contains(m, "/dev/sev-guest")) << m;
  EXPECT_TRUE(contains(m, "SNP_GET_EXT_REPORT")) << m;
  EXPECT_TRUE(contains(m, "errno 5")) << m;
  EXPECT_TRUE(contains(m, "firmware error 0x16")) << m;
  EXPECT_TRUE(contains(m, "VMM error 0x2 (BUSY)")) << m;
}

TEST(SnpBackendSevGuest, UapiMatchesTheKernelAbi) {
  namespace uapi = sev_guest_uapi;
  EXPECT_EQ(uapi::kSnpGetReport, 0xC0205300UL);
  EXPECT_EQ(uapi::kSnpGetExtReport, 0xC0205302UL);
  EXPECT_EQ(sizeof(uapi::SnpGuestRequestIoctl), 32u);
  EXPECT_EQ(sizeof(uapi::SnpReportReq), 96u);
}

}  // namespace
}  // namespace cchost::snp
