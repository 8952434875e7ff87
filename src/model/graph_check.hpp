// The graph rules of the process language, checked on a Boost.Graph of the steps: every step
// reachable from the first, an end reachable from every step, no cycle that no flow leaves, no
// parallel join that can never receive all its branches, an `event` gateway's `next` all `wait`
// steps. Runs after the loader has resolved every `next` (unknown ids are the loader's errors).
#pragma once

#include <vector>

#include "crmflow/diagnostic.hpp"
#include "model/definition.hpp"

namespace crmflow::model {

// Appends one diagnostic per problem (file = definition.source_file), each at the line and column
// of the step (or flow) concerned, naming the step and saying what to do. Finds every problem,
// not only the first.
void check_graph(const Definition& definition, std::vector<Diagnostic>& out);

}  // namespace crmflow::model
