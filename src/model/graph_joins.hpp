// The rule that a `parallel` join must be able to fire (spec: "Flow between steps"); the exact
// rule and why it never rejects a join that can fire are in docs/validation.md.
#pragma once

#include <vector>

#include "crmflow/diagnostic.hpp"
#include "model/definition.hpp"
#include "model/graph_steps.hpp"

namespace crmflow::model::graph {

// Appends one diagnostic per `parallel` join that can never fire: two of its incoming flows are
// reached only through one step that takes one way out (an exclusive or event gateway, a step
// with conditional branches or interrupting boundary events), with no parallel or inclusive split
// after it, while no two tokens can ever pass that step at the same time. `reached` flags the
// steps reachable from the start (flows from steps not reached are left to that rule).
void check_parallel_joins(const Definition& definition, const StepGraphs& graphs,
                          const std::vector<bool>& reached, std::vector<Diagnostic>& out);

}  // namespace crmflow::model::graph
