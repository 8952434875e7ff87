#include "model/graph_steps.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace crmflow::model::graph {

StepGraphs build_step_graphs(const Definition& definition) {
  const std::size_t steps = definition.steps.size();
  const std::size_t flows = definition.flows.size();
  StepGraphs out{StepGraph(steps), StepGraph(steps), std::vector<std::vector<FlowIndex>>(steps),
                 std::vector<bool>(flows), std::vector<bool>(flows)};
  for (const Step& step : definition.steps) {
    for (const Boundary& boundary : step.boundary) {
      if (boundary.flow < flows && !boundary.interrupting)
        out.non_interrupting[boundary.flow] = true;
    }
  }
  for (FlowIndex f = 0; f < flows; ++f) {
    const Flow& flow = definition.flows[f];
    if (flow.from >= steps || flow.to >= steps) continue;  // an unknown id: the loader's error
    if (!flow.from_boundary) out.normal_out[flow.from].push_back(f);
    if (definition.steps[flow.from].scope != definition.steps[flow.to].scope) continue;
    out.in_scope[f] = true;
    boost::add_edge(flow.from, flow.to, FlowEdge{f}, out.flows);
    boost::add_edge(flow.from, flow.to, FlowEdge{f}, out.reach);
  }
  for (StepIndex s = 0; s < steps; ++s) {
    const auto* sub = std::get_if<SubprocessStep>(&definition.steps[s].detail);
    if (sub != nullptr && sub->first < steps) boost::add_edge(s, sub->first, FlowEdge{}, out.reach);
  }
  return out;
}

bool is_end(const Definition& definition, const StepGraphs& graphs, StepIndex step) {
  if (definition.steps[step].type == StepType::end) return true;
  // A `next` that crosses a subprocess's border is reported on its own; here it counts as absent.
  return std::ranges::none_of(graphs.normal_out[step],
                              [&](FlowIndex f) { return graphs.in_scope[f]; });
}

bool is_split(const Definition& definition, const StepGraphs& graphs, StepIndex step) {
  StepType type = definition.steps[step].type;
  return (type == StepType::parallel || type == StepType::inclusive) &&
         graphs.normal_out[step].size() >= 2;
}

StepIndex scope_first(const Definition& definition, StepIndex step) {
  StepIndex scope = definition.steps[step].scope;
  if (scope == kNoStep) return definition.first;
  const auto* sub = std::get_if<SubprocessStep>(&definition.steps[scope].detail);
  return sub != nullptr ? sub->first : kNoStep;
}

std::string quote_steps(const Definition& definition, std::span<const StepIndex> steps,
                        std::size_t limit) {
  std::string out;
  std::size_t shown = 0;
  for (StepIndex s : steps) {
    if (shown == limit) {
      out += fmt::format(" and {} more", steps.size() - shown);
      break;
    }
    if (shown > 0) out += ", ";
    out += fmt::format("'{}'", definition.steps[s].id);
    ++shown;
  }
  return out;
}

Place place_of_step(const Definition& definition, StepIndex step) {
  const SourceLocation& where = definition.steps[step].where;
  return {where.line, where.column};
}

Place place_of_flow(const Definition& definition, FlowIndex flow) {
  const Flow& f = definition.flows[flow];
  if (f.where.line != 0) return {f.where.line, f.where.column};
  return place_of_step(definition, f.from);
}

}  // namespace crmflow::model::graph
