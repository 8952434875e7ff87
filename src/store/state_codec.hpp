// The execution state of a case (CaseState) as bytes, for stores that keep it on disk.
//
// The bytes are a Boost.Serialization binary archive behind a small header of our own (a magic
// "CFST" and the codec's format version), every class registered with its own version
// (BOOST_CLASS_VERSION), so that a state written by an earlier release keeps loading: a new field
// gets a new class version and is read only from archives that have it. Values inside the state
// (instance locals, multi-instance items and results) travel as typed JSON text (value layer), so
// dates, datetimes and durations round-trip exactly. tests/data/state/ holds archives written by
// earlier releases; the unit tests load them on every build.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "crmflow/error.hpp"
#include "store/case_state.hpp"

namespace crmflow::store {

// The state as bytes (binary; may contain NUL).
std::string encode_state(const CaseState& state);

// The state the bytes hold. Errors: internal "case state: ..." naming what is wrong (not an
// archive, a newer format than this build reads, truncated or corrupt data); never throws.
Result<std::shared_ptr<const CaseState>> decode_state(std::string_view bytes);

}  // namespace crmflow::store
