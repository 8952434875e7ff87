// The execution state of a case (CaseState) as bytes, for stores that keep it on disk.
//
// The bytes are a Boost.Serialization binary archive behind a small header of our own, every
// class of the state registered with its own version (BOOST_CLASS_VERSION), so that a state
// written by an earlier release keeps loading. Values inside the state (instance locals,
// multi-instance items and results) travel as typed JSON text (value layer), so dates, datetimes
// (with their offsets) and durations round-trip exactly. tests/data/state/ holds archives written
// by every release; the unit tests load them on every build.
//
// Layout, codec format 1 (every byte is read and checked by decode_state):
//   0-3    "CFST"
//   4-7    the codec format, little-endian u32. A different encoding gets the next number; a build
//          reads every format up to its own.
//   8-9    0x0102 in the writer's byte order (a reader of the other byte order refuses it)
//   10-11  the writer's Boost archive version, little-endian u16 (19: Boost 1.81), given to Boost
//          in place of Boost's own header (which would read a length before anything is checked)
//   12-    a Boost binary archive of the CaseState: each class's tracking flag and version once,
//          the first time the class occurs, then the fields in declaration order. Counts and text
//          lengths are u64, enums their underlying integer, bools one byte (0 or 1), Instants
//          int64 milliseconds since 1970, Values their typed JSON text. Nothing may follow.
// A typical state (3 tokens, 1 join, a path of 4 steps) takes 258 bytes; the empty state 121.
//
// Changing the state: a field added to a struct bumps that struct's class version in
// state_codec.cpp and is read only from archives of that version on (older ones leave it at its
// default); a field taken out bumps the version too, and archives of older versions are still read
// past it; a new struct gets its own class version. A release that changes any version adds
// fixtures to tests/data/state/ and never rewrites the old ones (see the README there).
//
// Portability: Boost binary archives are not portable in general (they are in the writer's byte
// order, and Boost's own header records type sizes). This one holds only fixed-width integers and
// bytes, so it reads the same on every little-endian machine (x86-64, arm64) whatever wrote it; a
// big-endian reader refuses it by the byte-order mark instead of misreading it. Stores are local
// files today; a store shared by machines of both byte orders would need a portable encoding,
// which would be a new codec format.
//
// Values are written as JSON writes them: a NaN or an infinity comes back as null and text that
// is not UTF-8 comes back with U+FFFD (the value layer's rules); dates must lie in years 0-9999.
//
// Thread safety: both functions are pure.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "crmflow/error.hpp"
#include "store/case_state.hpp"

namespace crmflow::store {

// The state as bytes (binary; may contain NUL). The same state always gives the same bytes.
std::string encode_state(const CaseState& state);

// The state the bytes hold. Errors: internal "case state: ..." naming what is wrong: "not a
// crmflow case state" (no header), "written by a newer crmflow (format N, this build reads up to
// M)" (also for a newer class version), another byte order, a Boost archive version this build
// cannot read, "truncated or corrupt data (...)", an enum or flag out of range, a value that is not
// typed JSON, bytes after the end. Never throws; bad bytes never crash it nor make it allocate
// more than a small multiple of their own size (a count or length is believed only as far as the
// data behind it goes).
Result<std::shared_ptr<const CaseState>> decode_state(std::string_view bytes);

}  // namespace crmflow::store
