#pragma once
// The Quote Generation Service messages (NOTES.md §9 C) carried inside a GET_QUOTE buffer:
// a 4-byte big-endian length, then the QGS message. Pure encoding; the response is untrusted
// (it comes from the host) and parsed with every size checked.
#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::tdx {

inline constexpr std::size_t kTdReportSize = 1024;

// GET_QUOTE_REQ for a TDREPORT, length prefix included.
Bytes encode_qgs_quote_request(ByteView tdreport);

// GET_QUOTE_RESP (length prefix included) -> the quote.
Result<Bytes> decode_qgs_quote_response(ByteView framed);

}  // namespace cchost::tdx
