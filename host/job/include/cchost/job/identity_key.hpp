#pragma once
// A participant's identity key is its CURVE public key; bindings hash its 32 raw bytes.
#include <string>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::job {

// Z85 CURVE key text (40 characters) -> 32 raw bytes.
Result<Bytes> z85_key_bytes(const std::string& z85);

}  // namespace cchost::job
