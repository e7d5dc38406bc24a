#pragma once
// The GHCB certificate table (NOTES.md §7) the sim backend returns next to its report, as a host
// would fill it for SNP_GET_EXT_REPORT or configfs-tsm's auxblob.
#include "cchost/bytes.hpp"

namespace cchost::snp::sim {

// Entries VCEK, ASK, ARK (AMD's GUIDs, RFC 4122 byte order), each {GUID, u32 offset, u32 length}
// little-endian, then an all-zero terminator entry, then the DER certificates in that order.
Bytes write_sim_cert_table(ByteView vcek_der, ByteView ask_der, ByteView ark_der);

}  // namespace cchost::snp::sim
