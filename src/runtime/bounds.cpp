#include "runtime/bounds.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "crmflow/json.hpp"

namespace crmflow::runtime {

expr::EvalLimits eval_limits(const EngineLimits& limits) {
  return expr::EvalLimits{.max_steps = limits.max_expression_steps,
                          .max_string_bytes = limits.max_string_bytes,
                          .max_list_size = limits.max_list_size,
                          .max_output_bytes = limits.max_output_bytes};
}

std::size_t value_depth(const Value& value, std::size_t stop_after) {
  // An explicit stack: a value that nests deeper than the host's stack allows must be measured,
  // not crash the measuring.
  struct Open {
    const Value* value;
    std::size_t depth;
  };
  std::vector<Open> stack{{&value, 0}};
  std::size_t deepest = 0;
  while (!stack.empty()) {
    const Open top = stack.back();
    stack.pop_back();
    const Value& v = *top.value;
    if (!v.is_list() && !v.is_object()) continue;
    const std::size_t depth = top.depth + 1;
    deepest = std::max(deepest, depth);
    if (deepest > stop_after) return stop_after + 1;
    if (v.is_list()) {
      for (const Value& item : v.as_list()) stack.push_back({&item, depth});
    } else {
      for (const auto& [name, item] : v.as_object()) stack.push_back({&item, depth});
    }
  }
  return deepest;
}

std::size_t json_bytes(const Value& value) { return to_json(value).size(); }

std::optional<std::string> check_depth(const Value& value, const EngineLimits& limits,
                                       std::string_view where) {
  const std::size_t depth = value_depth(value, limits.max_value_depth);
  if (depth <= limits.max_value_depth) return std::nullopt;
  return fmt::format(
      "{}: the variables nest deeper than {} levels (limit max_value_depth); flatten them", where,
      limits.max_value_depth);
}

std::optional<std::string> check_variables_size(const Value& variables, const EngineLimits& limits,
                                                std::string_view where) {
  const std::size_t bytes = json_bytes(variables);
  if (bytes <= limits.max_variables_bytes) return std::nullopt;
  return fmt::format(
      "{}: the case's variables would take {} bytes as JSON, more than {} (limit "
      "max_variables_bytes); keep large documents outside the case and store a reference",
      where, bytes, limits.max_variables_bytes);
}

std::optional<std::string> VariablesSize::wrote(const Value& variables, std::string_view name,
                                                const Value& written, const EngineLimits& limits,
                                                std::string_view where) {
  if (bound_) {
    // A name's bytes escape to at most 6 each (\u00XX); each dotted segment may add an object
    // (`"segment":{}` and a comma).
    const auto segments = static_cast<std::size_t>(std::count(name.begin(), name.end(), '.')) + 1;
    *bound_ += json_bytes(written) + 6 * name.size() + 8 * segments;
  }
  if (!bound_ || *bound_ > limits.max_variables_bytes) bound_ = json_bytes(variables);
  if (*bound_ <= limits.max_variables_bytes) return std::nullopt;
  return check_variables_size(variables, limits, where);
}

Status check_submitted(const Value& vars, const Value& merged, const EngineLimits& limits,
                       std::string_view where) {
  if (auto problem = check_depth(vars, limits, where)) return invalid_input(std::move(*problem));
  if (auto problem = check_variables_size(merged, limits, where)) {
    return invalid_input(std::move(*problem));
  }
  return {};
}

}  // namespace crmflow::runtime
