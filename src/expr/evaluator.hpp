// crmflow::expr internal: runs a Program.
#pragma once

#include "crmflow/error.hpp"
#include "crmflow/value.hpp"
#include "expr/expression.hpp"
#include "expr/program.hpp"
#include "expr/scope.hpp"

namespace crmflow::expr {

// The value of `program` against `scope` and `ctx`. When `missing` is given, it is set to whether
// the value is a variable path that was not found (templates report those apart from nulls).
// Errors: invalid_input for type errors and exceeded limits; the message ends with the column.
Result<Value> run_program(const Program& program, const Scope& scope, const Context& ctx,
                          bool* missing = nullptr);

}  // namespace crmflow::expr
