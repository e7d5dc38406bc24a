#include "cose_sign1.hpp"

#include <cbor.h>

#include <memory>
#include <set>

namespace cchost::aci {
namespace {

struct ItemDeleter {
  void operator()(cbor_item_t* item) const { cbor_decref(&item); }
};
using Item = std::unique_ptr<cbor_item_t, ItemDeleter>;

constexpr std::size_t kMaxChain = 8;

constexpr int kMaxCborDepth = 16;

// Walks the CBOR heads of one item (RFC 8949 §3) and checks that every declared length and count
// fits in the bytes that remain, before libcbor sees them: libcbor 0.8 allocates an array or
// map of the declared size up front, so five bytes declaring 2^32 elements would ask for
// gigabytes (found by fuzz_aci_cose). Indefinite lengths are refused: COSE needs none.
Status check_heads(ByteView bytes, std::size_t& pos, int depth) {
  if (depth > kMaxCborDepth) return make_error("nested deeper than " + std::to_string(kMaxCborDepth));
  if (pos >= bytes.size()) return make_error("truncated");
  const std::uint8_t initial = bytes[pos++];
  const int major = initial >> 5;
  const int info = initial & 0x1F;
  std::uint64_t value = info;
  if (info >= 24 && info <= 27) {
    const std::size_t n = std::size_t{1} << (info - 24);
    if (bytes.size() - pos < n) return make_error("truncated");
    value = 0;
    for (std::size_t i = 0; i < n; ++i) value = (value << 8) | bytes[pos++];
  } else if (info >= 28) {
    return make_error(info == 31 ? "indefinite length" : "reserved additional information");
  }
  const std::uint64_t remaining = bytes.size() - pos;
  switch (major) {
    case 2:
    case 3:
      if (value > remaining) return make_error("a string longer than the input");
      pos += static_cast<std::size_t>(value);
      return {};
    case 4:
    case 5: {
      const std::uint64_t items = major == 4 ? value : value * 2;
      if (value > remaining || items > remaining) return make_error("more items declared than bytes remain");
      for (std::uint64_t i = 0; i < items; ++i) {
        if (auto s = check_heads(bytes, pos, depth + 1); !s) return s;
      }
      return {};
    }
    case 6:
      return check_heads(bytes, pos, depth + 1);
    default:
      return {};  // integers and simple values: the head was all
  }
}

Result<Item> load_whole(ByteView bytes, const std::string& what) {
  std::size_t pos = 0;
  if (auto s = check_heads(bytes, pos, 0); !s) return make_error(what + ": not well-formed CBOR: " + s.message());
  cbor_load_result res{};
  Item item(cbor_load(bytes.data(), bytes.size(), &res));
  if (!item || res.error.code != CBOR_ERR_NONE) {
    return make_error(what + ": not well-formed CBOR (error at byte " + std::to_string(res.error.position) + ")");
  }
  if (res.read != bytes.size()) {
    return make_error(what + ": " + std::to_string(bytes.size() - res.read) + " bytes after the CBOR item");
  }
  return item;
}

std::optional<Bytes> bytes_of(const cbor_item_t* item) {
  if (!cbor_isa_bytestring(item) || !cbor_bytestring_is_definite(item)) return std::nullopt;
  const unsigned char* p = cbor_bytestring_handle(item);
  return Bytes(p, p + cbor_bytestring_length(item));
}

std::optional<std::string> text_of(const cbor_item_t* item) {
  if (!cbor_isa_string(item) || !cbor_string_is_definite(item)) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(cbor_string_handle(item)), cbor_string_length(item));
}

std::optional<std::int64_t> int_of(const cbor_item_t* item) {
  if (!cbor_isa_uint(item) && !cbor_isa_negint(item)) return std::nullopt;
  const std::uint64_t v = cbor_get_int(item);
  if (v > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  return cbor_isa_uint(item) ? static_cast<std::int64_t>(v) : -1 - static_cast<std::int64_t>(v);
}

// A header label as a comparable string: "i:<n>" or "t:<text>".
std::optional<std::string> label_of(const cbor_item_t* key) {
  if (auto i = int_of(key)) return "i:" + std::to_string(*i);
  if (auto t = text_of(key)) return "t:" + *t;
  return std::nullopt;
}

Status read_x5chain(const cbor_item_t* value, CoseSign1& out) {
  // RFC 9360 §2: one bstr for a single certificate, an array of bstr for a chain.
  if (auto one = bytes_of(value)) {
    out.x5chain.push_back(std::move(*one));
    return {};
  }
  if (!cbor_isa_array(value) || !cbor_array_is_definite(value) || cbor_array_size(value) == 0 ||
      cbor_array_size(value) > kMaxChain) {
    return make_error("COSE x5chain: expected a bstr or an array of 1.." + std::to_string(kMaxChain) + " bstr");
  }
  for (std::size_t i = 0; i < cbor_array_size(value); ++i) {
    auto cert = bytes_of(cbor_array_handle(value)[i]);
    if (!cert) return make_error("COSE x5chain[" + std::to_string(i) + "]: expected a bstr");
    out.x5chain.push_back(std::move(*cert));
  }
  return {};
}

Status read_protected(const Bytes& bytes, CoseSign1& out) {
  auto item = load_whole(bytes, "COSE protected header");
  if (!item) return item.error();
  const cbor_item_t* map = item->get();
  if (!cbor_isa_map(map) || !cbor_map_is_definite(map)) return make_error("COSE protected header: expected a map");
  std::set<std::string> seen;
  bool have_alg = false;
  const cbor_pair* pairs = cbor_map_handle(map);
  for (std::size_t i = 0; i < cbor_map_size(map); ++i) {
    auto label = label_of(pairs[i].key);
    if (!label) return make_error("COSE protected header: a label is neither an integer nor a text string");
    if (!seen.insert(*label).second) return make_error("COSE protected header: label " + label->substr(2) + " appears twice");
    const cbor_item_t* v = pairs[i].value;
    if (*label == "i:1") {
      auto alg = int_of(v);
      if (!alg) return make_error("COSE alg: expected an integer");
      out.alg = *alg;
      have_alg = true;
    } else if (*label == "i:2") {
      return make_error("COSE protected header: crit is present; no critical header is supported");
    } else if (*label == "i:3") {
      out.content_type = text_of(v);
    } else if (*label == "i:33") {
      if (auto s = read_x5chain(v, out); !s) return s;
    } else if (*label == "t:iss" || *label == "t:feed") {
      auto text = text_of(v);
      if (!text) return make_error("COSE " + label->substr(2) + ": expected a text string");
      (*label == "t:iss" ? out.iss : out.feed) = std::move(*text);
    } else if (*label == "t:signingtime") {
      // A tag 1 epoch time (RFC 8949 §3.4.2); a bare integer is accepted as the same value.
      const cbor_item_t* t = v;
      Item inner;
      if (cbor_isa_tag(v)) {
        if (cbor_tag_value(v) != 1) return make_error("COSE signingtime: expected tag 1 (epoch time)");
        inner.reset(cbor_tag_item(v));
        t = inner.get();
      }
      auto when = int_of(t);
      if (!when) return make_error("COSE signingtime: expected an integer epoch time");
      out.signing_time = *when;
    }
  }
  if (!have_alg) return make_error("COSE protected header: alg (label 1) missing");
  return {};
}

}  // namespace

Result<CoseSign1> parse_cose_sign1(ByteView bytes) {
  if (bytes.size() > kMaxCoseSize) {
    return make_error("COSE_Sign1: " + std::to_string(bytes.size()) + " bytes, the limit is " +
                      std::to_string(kMaxCoseSize));
  }
  // Tag 18 (COSE_Sign1) in its one-byte form is 0xD2. Debian's libcbor 0.8.0 refuses the
  // one-byte forms of tags 6..20 as "unassigned" (later releases accept them), so that tag is
  // consumed here and the untagged structure handed to libcbor.
  if (!bytes.empty() && bytes[0] == 0xD2) bytes = bytes.subspan(1);
  auto root = load_whole(bytes, "COSE_Sign1");
  if (!root) return root.error();
  const cbor_item_t* top = root->get();
  Item untagged;
  if (cbor_isa_tag(top)) {
    if (cbor_tag_value(top) != 18) {
      return make_error("COSE_Sign1: expected tag 18, got tag " + std::to_string(cbor_tag_value(top)));
    }
    untagged.reset(cbor_tag_item(top));
    top = untagged.get();
  }
  if (!cbor_isa_array(top) || !cbor_array_is_definite(top) || cbor_array_size(top) != 4) {
    return make_error("COSE_Sign1: expected an array of 4 items [protected, unprotected, payload, signature]");
  }
  cbor_item_t** parts = cbor_array_handle(top);
  CoseSign1 out;
  auto prot = bytes_of(parts[0]);
  if (!prot) return make_error("COSE_Sign1 protected header: expected a bstr");
  out.protected_bytes = std::move(*prot);
  if (!cbor_isa_map(parts[1])) return make_error("COSE_Sign1 unprotected header: expected a map");
  auto payload = bytes_of(parts[2]);
  if (!payload) return make_error("COSE_Sign1 payload: expected a bstr (detached payloads are not supported)");
  out.payload = std::move(*payload);
  auto sig = bytes_of(parts[3]);
  if (!sig) return make_error("COSE_Sign1 signature: expected a bstr");
  out.signature = std::move(*sig);
  if (auto s = read_protected(out.protected_bytes, out); !s) return s.error();
  return out;
}

Result<Bytes> cose_sig_structure(const CoseSign1& cose) {
  static const unsigned char kEmpty[1] = {0};  // external_aad: h''
  Item array(cbor_new_definite_array(4));
  if (!array) return make_error("COSE Sig_structure: out of memory");
  Item parts[] = {Item(cbor_build_string("Signature1")),
                  Item(cbor_build_bytestring(cose.protected_bytes.data(), cose.protected_bytes.size())),
                  Item(cbor_build_bytestring(kEmpty, 0)),
                  Item(cbor_build_bytestring(cose.payload.data(), cose.payload.size()))};
  for (auto& p : parts) {
    if (!p || !cbor_array_push(array.get(), p.get())) return make_error("COSE Sig_structure: out of memory");
  }
  unsigned char* buffer = nullptr;
  std::size_t capacity = 0;
  const std::size_t n = cbor_serialize_alloc(array.get(), &buffer, &capacity);
  if (n == 0) {
    std::free(buffer);
    return make_error("COSE Sig_structure: serialisation failed");
  }
  Bytes out(buffer, buffer + n);
  std::free(buffer);
  return out;
}

}  // namespace cchost::aci
