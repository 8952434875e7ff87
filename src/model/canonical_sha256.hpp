// SHA-256 (FIPS 180-4), for the content hash of a definition's canonical form.
//
// Written here rather than linking a crypto library for one function: the hash only has to be
// stable and collision-resistant for comparing definitions, and FIPS test vectors pin it.
#pragma once

#include <string>
#include <string_view>

namespace crmflow::model {

// The SHA-256 digest of `bytes` as 64 lowercase hexadecimal digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace crmflow::model
