#pragma once
// A NVIDIA RIM (reference integrity manifest): a TCG RIM / ISO 19770-2 SWID tag (XML) listing
// the golden SHA-384 measurements of a driver, VBIOS or NVSwitch BIOS (NOTES §5). This file
// only parses: it never checks the signature (rim_signature.hpp does) and never calls crypto.
//
// The bytes are untrusted: at most kMaxRimBytes, no DTD (a document carrying <!DOCTYPE or
// <!ENTITY is refused before libxml2 sees it, so no entity expansion and no external loads),
// libxml2 with XML_PARSE_NONET. Every number is decimal and bounded; a malformed one is an
// error naming the attribute and the Resource it sits on.
//
// The document carries no RIM id: SoftwareIdentity@tagId is a per-document hash and
// @name is the chip ("GH100", "LS10"). The id (NV_GPU_DRIVER_GH100_550.144.03, ...) is the
// RIM service's key and, offline, the file name (rim_store.hpp).
#include <cstddef>
#include <string>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::nv {

inline constexpr std::size_t kMaxRimBytes = 4 * 1024 * 1024;
inline constexpr std::size_t kMaxRimMeasurements = 1024;
// RIM index i is SPDM block i+1 and SPDM indices are one byte (1..254 usable), so i <= 253.
inline constexpr unsigned kMaxRimIndex = 253;
inline constexpr unsigned kMaxRimAlternatives = 64;
inline constexpr std::size_t kMaxRimMeasurementSize = 64;  // SHA-384 is 48

inline constexpr const char* kSwidNamespace = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";
inline constexpr const char* kTcgRimNamespace =
    "https://trustedcomputinggroup.org/resource/tcg-reference-integrity-manifest-rim-information-model/";
inline constexpr const char* kSha384HashNamespace = "http://www.w3.org/2001/04/xmlenc#sha384";

struct RimMeasurement {
  unsigned index = 0;        // RIM index (0-based); runtime SPDM block index is index + 1
  bool active = false;       // only active entries are golden values
  unsigned alternatives = 0; // number of acceptable values (Hash0..Hash{alternatives-1})
  std::size_t size = 0;      // bytes of each value
  std::string name;          // "Measurement_7"
  std::vector<Bytes> hashes; // exactly `alternatives` values of exactly `size` bytes each
};

struct RimDocument {
  std::string tag_id;                    // SoftwareIdentity@tagId (a document hash, not the RIM id)
  std::string software_name;             // SoftwareIdentity@name ("GH100", "LS10")
  std::string colloquial_version;        // Meta@colloquialVersion ("550.144.03", "96.00.5E.00.01")
  std::string product;                   // Meta@product
  std::string edition;                   // Meta@edition ("GPU", "SWITCH")
  std::string firmware_manufacturer_id;  // Meta@tcg:FirmwareManufacturerId ("5703" = oemid)
  std::vector<RimMeasurement> measurements;  // every Measurement Resource, sorted by index

  // The entry with this RIM index, or nullptr.
  const RimMeasurement* find(unsigned index) const;
};

// Parses a RIM from untrusted bytes. Errors name what was malformed (attribute, Resource
// index, expected and actual).
Result<RimDocument> parse_rim_document(ByteView xml);

// The pre-parse guard shared with the signature check: size cap and no DTD / entities.
Status check_rim_bytes(ByteView xml);

}  // namespace cchost::nv
