// The per-definition tables of ProcessPlan. Reachability for inclusive joins is computed
// backwards from the source of each incoming flow, never entering the join itself: a token at a
// step in that set may still arrive on that flow, so the join must wait for it.
#include "runtime/plan.hpp"

#include <utility>

namespace crmflow::runtime {
namespace {

using model::Definition;
using model::StepIndex;
using model::StepType;

StepSet steps_feeding(const Definition& d, StepIndex source, StepIndex join) {
  StepSet seen(d.steps.size());
  std::vector<StepIndex> pending{source};
  seen.insert(source);
  while (!pending.empty()) {
    const StepIndex step = pending.back();
    pending.pop_back();
    for (model::FlowIndex f : d.steps[step].incoming) {
      const StepIndex from = d.flows[f].from;
      if (from == join || seen.contains(from)) continue;
      seen.insert(from);
      pending.push_back(from);
    }
  }
  return seen;
}

}  // namespace

std::shared_ptr<const ProcessPlan> make_plan(std::shared_ptr<const Process> process,
                                             std::int64_t version) {
  auto plan = std::make_shared<ProcessPlan>();
  plan->definition = &process->definition();
  plan->process = std::move(process);
  plan->version = version;
  const Definition& d = *plan->definition;
  plan->incoming_position.assign(d.flows.size(), 0);
  plan->is_join.assign(d.steps.size(), false);
  plan->feeds.resize(d.steps.size());
  for (StepIndex s = 0; s < d.steps.size(); ++s) {
    const model::Step& step = d.steps[s];
    for (std::uint32_t i = 0; i < step.incoming.size(); ++i) {
      plan->incoming_position[step.incoming[i]] = i;
    }
    const bool gateway = step.type == StepType::parallel || step.type == StepType::inclusive;
    plan->is_join[s] = gateway && step.incoming.size() > 1;
    if (plan->is_join[s] && step.type == StepType::inclusive) {
      for (model::FlowIndex f : step.incoming) {
        plan->feeds[s].push_back(steps_feeding(d, d.flows[f].from, s));
      }
    }
  }
  return plan;
}

}  // namespace crmflow::runtime
