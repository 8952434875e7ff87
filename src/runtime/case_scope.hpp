// What an expression of a case reads besides its variables: the `case` value and the locals of
// the multi-instance scopes around a token. The token machine (CaseRun) and Engine::waiting build
// them the same way, from here.
#pragma once

#include <vector>

#include "crmflow/store.hpp"
#include "crmflow/value.hpp"
#include "store/case_state.hpp"

namespace crmflow::runtime {

// `case` in expressions: an object with id, key, process, initiator and started_at (a datetime
// in UTC) of `record`.
Value case_value(const CaseRecord& record);

// Adds to the object `out` the locals a token in `scope` reads: the locals of every instance
// scope from `scope` outwards to the root. Inner names first: a name already in `out` (set by an
// inner instance, or by the caller before) is kept. A scope id not in `scopes` ends the walk.
// Allocates nothing when no instance in the chain has locals.
// REQUIRES: out.is_object().
void add_scope_locals(const std::vector<ScopeInstance>& scopes, ScopeId scope, Value& out);

}  // namespace crmflow::runtime
