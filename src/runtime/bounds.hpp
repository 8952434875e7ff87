// The engine's bounds on data (EngineLimits): how deep a value nests and how large a case's
// variables are as compact JSON. Checked on every way data comes in: the API calls that bring
// variables (start, complete, messages, signals, retry), and what a run writes on its own
// (handler output, output mappings, `set`, collected multi-instance results).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "crmflow/engine.hpp"
#include "crmflow/value.hpp"
#include "expr/expression.hpp"

namespace crmflow::runtime {

// The evaluation bounds of EngineLimits, as the expression evaluator takes them.
expr::EvalLimits eval_limits(const EngineLimits& limits);

// How deep `value` nests: 0 for a scalar, 1 for a list or object of scalars, and so on. Stops
// counting once past `stop_after` (the answer is then stop_after + 1).
std::size_t value_depth(const Value& value, std::size_t stop_after);

// The size of `value` as compact (plain) JSON text, in bytes.
std::size_t json_bytes(const Value& value);

// Why `value`, brought in by `where` ("start of process 'repair'", "task 7 (step 'check')"...),
// breaks limits.max_value_depth, or nullopt when it does not. The message names the limit,
// the depth and the place.
std::optional<std::string> check_depth(const Value& value, const EngineLimits& limits,
                                       std::string_view where);

// Why a case's variables `variables` break limits.max_variables_bytes once `where` has written
// them, or nullopt. The message names the limit, the size and the place.
std::optional<std::string> check_variables_size(const Value& variables, const EngineLimits& limits,
                                                std::string_view where);

// An upper bound on the size of a case's variables as JSON, kept up to date as a run writes
// them, so that a run of many small writes (a loop of `set` steps) does not serialise the whole
// document after each one: the exact size is taken again only when the bound passes the limit.
// A write adds at most the JSON of the written value plus its name (escaped) and the objects a
// dotted name creates on the way; replacing or removing only shrinks the document.
class VariablesSize {
 public:
  // Forgets the bound (after a change of the variables not reported through wrote()).
  void reset() { bound_.reset(); }
  // `written` has just been stored under the (dotted) `name` in `variables`: why the variables
  // now break limits.max_variables_bytes (naming `where`), or nullopt.
  std::optional<std::string> wrote(const Value& variables, std::string_view name,
                                   const Value& written, const EngineLimits& limits,
                                   std::string_view where);

 private:
  std::optional<std::size_t> bound_;
};

// Both checks on data a caller submits (`vars`) and on the case's variables after it is merged
// (`merged`): invalid_input with the first message, else ok.
Status check_submitted(const Value& vars, const Value& merged, const EngineLimits& limits,
                       std::string_view where);

}  // namespace crmflow::runtime
