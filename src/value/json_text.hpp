// crmflow::json: the pieces of JSON text the writers share (the YAML writer uses the same
// double-quoted strings, which YAML reads identically).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace crmflow::json {

// `"text"` with `"`, `\` and control characters (below U+0020) escaped; valid UTF-8 passes
// through byte for byte, each byte that does not start a valid sequence becomes \ufffd.
// With `escape_nonprintable`, also DEL, the C1 controls U+0080-U+009F and U+FEFF, which YAML
// does not allow unescaped.
void append_quoted(std::string& out, std::string_view text, bool escape_nonprintable = false);

// The shortest text that reads back to `d`, always with '.' or an exponent ("1.0", "1e+21");
// "null" for NaN and the infinities.
void append_double(std::string& out, double d);

void append_integer(std::string& out, std::int64_t i);

}  // namespace crmflow::json
