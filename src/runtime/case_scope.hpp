// What an expression of a case reads besides its variables: the `case` value and the locals of
// the multi-instance scopes around a token. The token machine (CaseRun) and Engine::waiting build
// them the same way, from here.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "crmflow/store.hpp"
#include "crmflow/value.hpp"
#include "expr/scope.hpp"
#include "store/case_state.hpp"

namespace crmflow::runtime {

// `case` in expressions: an object with id, key, process, initiator and started_at (a datetime
// in UTC) of `record`.
Value case_value(const CaseRecord& record);

// `case` as a root name, its object built from `record` into `cache` only when an expression
// reads it (most calls evaluate none that does), and kept there for the next. The record's
// fields that `case` shows never change while a call runs.
class LazyCaseScope final : public expr::Scope {
 public:
  LazyCaseScope(const CaseRecord& record, std::optional<Value>& cache)
      : record_(record), cache_(cache) {}
  const Value* find(std::string_view root) const override {
    if (root != "case") return nullptr;
    if (!cache_) cache_ = case_value(record_);
    return &*cache_;
  }

 private:
  const CaseRecord& record_;
  std::optional<Value>& cache_;
};

// Adds to the object `out` the locals a token in `scope` reads: the locals of every instance
// scope from `scope` outwards to the root. Inner names first: a name already in `out` (set by an
// inner instance, or by the caller before) is kept. A scope id not in `scopes` ends the walk.
// Allocates nothing when no instance in the chain has locals.
// REQUIRES: out.is_object().
void add_scope_locals(const std::vector<ScopeInstance>& scopes, ScopeId scope, Value& out);

}  // namespace crmflow::runtime
