#include "model/graph_joins.hpp"

#include <fmt/format.h>

#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <string>

namespace crmflow::model::graph {
namespace {

// The facts the rule needs, gathered once per definition.
struct JoinFacts {
  std::vector<StepIndex> joins;                  // parallel steps with two or more incoming flows
  std::vector<std::vector<FlowIndex>> joins_in;  // their incoming flows, in flow order
  std::vector<StepIndex> choices;    // steps that take exactly one of two or more ways out
  std::vector<FlowIndex> seeds;      // flows that start a token of their own
  std::vector<bool> scope_has_join;  // by scope step; the top level at index steps.size()
};

std::size_t scope_slot(const Definition& def, StepIndex step) {
  StepIndex scope = def.steps[step].scope;
  return scope == kNoStep ? def.steps.size() : scope;
}

JoinFacts gather(const Definition& def, const StepGraphs& graphs) {
  const std::size_t n = def.steps.size();
  JoinFacts facts;
  facts.scope_has_join.assign(n + 1, false);
  std::vector<std::vector<FlowIndex>> incoming(n);
  std::vector<std::size_t> exclusive_out(n);
  for (FlowIndex f = 0; f < def.flows.size(); ++f) {
    if (!graphs.in_scope[f]) continue;
    const Flow& flow = def.flows[f];
    incoming[flow.to].push_back(f);
    if (graphs.non_interrupting[f]) {
      facts.seeds.push_back(f);  // the boundary starts a new branch; the step goes on
    } else {
      ++exclusive_out[flow.from];  // a `next` or an interrupting boundary: one of them is taken
    }
  }
  for (StepIndex s = 0; s < n; ++s) {
    StepType type = def.steps[s].type;
    if (type == StepType::parallel && incoming[s].size() >= 2) {
      facts.joins.push_back(s);
      facts.joins_in.push_back(std::move(incoming[s]));
      facts.scope_has_join[scope_slot(def, s)] = true;
    }
    if (is_split(def, graphs, s)) {
      for (FlowIndex f : graphs.normal_out[s]) {
        if (graphs.in_scope[f]) facts.seeds.push_back(f);
      }
    } else if (type != StepType::parallel && type != StepType::inclusive && exclusive_out[s] >= 2) {
      facts.choices.push_back(s);
    }
  }
  return facts;
}

// Whether two tokens may pass `choice` at once: some split has two flows out from which the
// choice can be reached, or a non-interrupting boundary event (which may fire while its step
// goes on, and a cycle timer fires again and again) leads to it.
bool may_pass_twice(const Definition& def, const StepGraphs& graphs, const JoinFacts& facts,
                    StepIndex choice) {
  Vertex root = choice;
  std::vector<bool> leads_to =
      reachable_from(boost::make_reverse_graph(graphs.flows), std::span{&root, 1});
  std::vector<std::size_t> ways(def.steps.size());
  for (FlowIndex f : facts.seeds) {
    const Flow& flow = def.flows[f];
    if (!leads_to[flow.to]) continue;
    if (graphs.non_interrupting[f] || ++ways[flow.from] >= 2) return true;
  }
  return false;
}

// Keeps the edges that do not leave one step (Boost needs a default-constructible predicate).
struct NotFrom {
  const StepGraph* graph = nullptr;
  StepIndex step = kNoStep;
  bool operator()(const boost::graph_traits<StepGraph>::edge_descriptor& e) const {
    return boost::source(e, *graph) != step;
  }
};

// Per flow: whether a token can reach it without passing `choice`: from the start of the
// choice's scope, or from any flow that starts a token of its own.
std::vector<bool> free_of(const Definition& def, const StepGraphs& graphs, const JoinFacts& facts,
                          StepIndex choice) {
  boost::filtered_graph<StepGraph, NotFrom> without(graphs.flows, NotFrom{&graphs.flows, choice});
  std::vector<Vertex> roots;
  if (StepIndex first = scope_first(def, choice); first < def.steps.size()) roots.push_back(first);
  for (FlowIndex f : facts.seeds) roots.push_back(def.flows[f].to);
  std::vector<bool> visited = reachable_from(without, roots);
  std::vector<bool> free(def.flows.size());
  for (FlowIndex f : facts.seeds) free[f] = true;
  for (FlowIndex f = 0; f < def.flows.size(); ++f) {
    const Flow& flow = def.flows[f];
    if (graphs.in_scope[f] && flow.from != choice && visited[flow.from]) free[f] = true;
  }
  return free;
}

std::string describe_choice(const Definition& def, StepIndex choice) {
  const Step& step = def.steps[choice];
  switch (step.type) {
    case StepType::exclusive:
      return fmt::format("exclusive gateway '{}' (line {})", step.id, step.where.line);
    case StepType::event:
      return fmt::format("event gateway '{}' (line {})", step.id, step.where.line);
    default:
      return fmt::format("step '{}' (line {})", step.id, step.where.line);
  }
}

}  // namespace

void check_parallel_joins(const Definition& definition, const StepGraphs& graphs,
                          const std::vector<bool>& reached, std::vector<Diagnostic>& out) {
  JoinFacts facts = gather(definition, graphs);
  if (facts.joins.empty()) return;
  std::vector<bool> reported(definition.steps.size());
  for (StepIndex choice : facts.choices) {
    if (!facts.scope_has_join[scope_slot(definition, choice)]) continue;
    if (may_pass_twice(definition, graphs, facts, choice)) continue;
    std::vector<bool> free = free_of(definition, graphs, facts, choice);
    for (std::size_t j = 0; j < facts.joins.size(); ++j) {
      StepIndex join = facts.joins[j];
      if (reported[join] || definition.steps[join].scope != definition.steps[choice].scope) {
        continue;
      }
      std::vector<StepIndex> sources;
      for (FlowIndex f : facts.joins_in[j]) {
        StepIndex from = definition.flows[f].from;
        if (reached[from] && !free[f]) sources.push_back(from);
        if (sources.size() == 2) break;
      }
      if (sources.size() < 2) continue;
      reported[join] = true;
      Place at = place_of_step(definition, join);
      out.push_back(Diagnostic{
          definition.source_file, at.line, at.column,
          fmt::format("parallel join '{}' can never fire: its incoming flows from '{}' and '{}' "
                      "are reached only through {}, which takes one way out only, with no "
                      "parallel or inclusive split after it; join them with an exclusive or "
                      "inclusive step instead, or split with a parallel step",
                      definition.steps[join].id, definition.steps[sources[0]].id,
                      definition.steps[sources[1]].id, describe_choice(definition, choice))});
    }
  }
}

}  // namespace crmflow::model::graph
