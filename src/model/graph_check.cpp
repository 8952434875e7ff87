// The graph rules of the process language (docs/validation.md gives each rule and its message).
#include "model/graph_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/graph/reverse_graph.hpp>
#include <boost/graph/strong_components.hpp>
#include <string>
#include <utility>

#include "model/fields.hpp"
#include "model/graph_joins.hpp"
#include "model/graph_steps.hpp"

namespace crmflow::model {
namespace {

using graph::Place;
using graph::StepGraphs;
using graph::Vertex;

struct Checker {
  const Definition& def;
  const StepGraphs& graphs;
  std::vector<Diagnostic>& out;

  void report(Place at, std::string message) const {
    out.push_back(Diagnostic{def.source_file, at.line, at.column, std::move(message)});
  }
  const std::string& id(StepIndex s) const { return def.steps[s].id; }
};

// The outermost subprocess that holds `step` and lies directly in `scope` (kNoStep when `step`
// is not inside `scope` at any depth).
StepIndex subprocess_below(const Definition& def, StepIndex step, StepIndex scope) {
  for (StepIndex s = def.steps[step].scope; s != kNoStep; s = def.steps[s].scope) {
    if (def.steps[s].scope == scope) return s;
  }
  return kNoStep;
}

// A flow joins two steps of one scope: it cannot leave or enter a subprocess.
void check_scopes(const Checker& c) {
  for (FlowIndex f = 0; f < c.def.flows.size(); ++f) {
    const Flow& flow = c.def.flows[f];
    if (c.graphs.in_scope[f] || flow.from >= c.def.steps.size() || flow.to >= c.def.steps.size()) {
      continue;
    }
    std::string subject = flow.from_boundary
                              ? fmt::format("a boundary event of step '{}'", c.id(flow.from))
                              : fmt::format("step '{}'", c.id(flow.from));
    StepIndex from_scope = c.def.steps[flow.from].scope;
    if (StepIndex entered = subprocess_below(c.def, flow.to, from_scope); entered != kNoStep) {
      c.report(graph::place_of_flow(c.def, f),
               fmt::format("{} cannot lead to '{}' inside subprocess '{}': a flow cannot enter a "
                           "subprocess; lead to '{}' itself",
                           subject, c.id(flow.to), c.id(entered), c.id(entered)));
    } else {
      c.report(graph::place_of_flow(c.def, f),
               fmt::format("{} inside subprocess '{}' cannot lead to '{}' outside it: a flow stays "
                           "inside its subprocess; end the branch there and continue from the "
                           "next of '{}'",
                           subject, c.id(from_scope), c.id(flow.to), c.id(from_scope)));
    }
  }
}

// Every step is reached from the first step. A subprocess that is not reached is reported, not
// each step inside it.
std::vector<bool> check_reachable(const Checker& c) {
  std::vector<Vertex> roots;
  if (c.def.first < c.def.steps.size()) roots.push_back(c.def.first);
  std::vector<bool> reached = graph::reachable_from(c.graphs.reach, roots);
  for (StepIndex s = 0; s < c.def.steps.size(); ++s) {
    StepIndex scope = c.def.steps[s].scope;
    if (reached[s] || (scope != kNoStep && !reached[scope])) continue;
    StepIndex first = graph::scope_first(c.def, s);
    std::string from =
        scope == kNoStep
            ? fmt::format("the first step '{}'", first < c.def.steps.size() ? c.id(first) : "")
            : fmt::format("'{}', the first step of subprocess '{}'", c.id(first), c.id(scope));
    c.report(graph::place_of_step(c.def, s),
             fmt::format("step '{}' cannot be reached from {}: no flow leads to it from there; "
                         "name it in the next of a step before it, or remove it",
                         c.id(s), from));
  }
  return reached;
}

// The cycles that no flow leaves (strongly connected sets of steps with no end inside and no
// flow out), each as its steps in document order, ordered by their first step.
std::vector<std::vector<StepIndex>> closed_cycles(const Checker& c,
                                                  const std::vector<bool>& ends_reached,
                                                  std::vector<int>& cycle_of) {
  const std::size_t n = c.def.steps.size();
  std::vector<int> component(n);
  int count = boost::strong_components(
      c.graphs.flows, boost::make_iterator_property_map(
                          component.begin(), boost::get(boost::vertex_index, c.graphs.flows)));
  std::vector<std::vector<StepIndex>> members(static_cast<std::size_t>(count));
  std::vector<bool> closed(static_cast<std::size_t>(count), true);
  for (StepIndex s = 0; s < n; ++s) {
    auto k = static_cast<std::size_t>(component[s]);
    members[k].push_back(s);
    if (ends_reached[s]) closed[k] = false;
    for (auto e : boost::make_iterator_range(boost::out_edges(s, c.graphs.flows))) {
      if (component[boost::target(e, c.graphs.flows)] != component[s]) closed[k] = false;
    }
  }
  // A single step is a cycle only when it flows to itself.
  std::vector<std::size_t> found;
  for (std::size_t k = 0; k < members.size(); ++k) {
    StepIndex head = members[k].front();
    if (closed[k] && (members[k].size() > 1 || boost::edge(head, head, c.graphs.flows).second)) {
      found.push_back(k);
    }
  }
  // In document order of their first step, so messages are stable.
  std::ranges::sort(found, {}, [&](std::size_t k) { return members[k].front(); });
  std::vector<std::vector<StepIndex>> cycles;
  cycle_of.assign(n, -1);
  for (std::size_t k : found) {
    for (StepIndex s : members[k]) cycle_of[s] = static_cast<int>(cycles.size());
    cycles.push_back(std::move(members[k]));
  }
  return cycles;
}

// An end can be reached from every step; a cycle that no flow leaves is reported once, at its
// first step, and a step that only runs into such cycles names the first of them.
void check_ends(const Checker& c) {
  const std::size_t n = c.def.steps.size();
  std::vector<Vertex> ends;
  for (StepIndex s = 0; s < n; ++s) {
    if (graph::is_end(c.def, c.graphs, s)) ends.push_back(s);
  }
  std::vector<bool> ends_reached =
      graph::reachable_from(boost::make_reverse_graph(c.graphs.flows), ends);
  std::vector<int> cycle_of;
  auto cycles = closed_cycles(c, ends_reached, cycle_of);
  for (const auto& cycle : cycles) {
    StepIndex head = cycle.front();
    std::string message =
        cycle.size() == 1
            ? fmt::format(
                  "step '{}' leads only back to itself, so no end can be reached from it; "
                  "give it a next that leads on to an end",
                  c.id(head))
            : fmt::format(
                  "steps {} form a cycle that no flow leaves, so no end can be reached "
                  "from them; give one of them a next (or a branch) that leads out of "
                  "the cycle to an end",
                  graph::quote_steps(c.def, cycle));
    c.report(graph::place_of_step(c.def, head), std::move(message));
  }
  for (StepIndex s = 0; s < n; ++s) {
    if (ends_reached[s] || cycle_of[s] >= 0) continue;
    Vertex root = s;
    std::vector<bool> ahead = graph::reachable_from(c.graphs.flows, std::span{&root, 1});
    int first_cycle = -1;
    for (StepIndex t = 0; t < n; ++t) {
      if (ahead[t] && cycle_of[t] >= 0 && (first_cycle < 0 || cycle_of[t] < first_cycle)) {
        first_cycle = cycle_of[t];
      }
    }
    std::string into =
        first_cycle < 0
            ? std::string{}
            : fmt::format(
                  ": every path from it runs into the cycle of {}, which no "
                  "flow leaves",
                  graph::quote_steps(c.def, cycles[static_cast<std::size_t>(first_cycle)]));
    c.report(graph::place_of_step(c.def, s),
             fmt::format("no end can be reached from step '{}'{}; give a step on the way a next "
                         "that leads to an end",
                         c.id(s), into));
  }
}

// An `event` gateway races wait steps: it needs at least one, and nothing else.
void check_event_gateways(const Checker& c) {
  for (StepIndex s = 0; s < c.def.steps.size(); ++s) {
    if (c.def.steps[s].type != StepType::event) continue;
    const auto& next = c.graphs.normal_out[s];
    if (next.empty()) {
      c.report(graph::place_of_step(c.def, s),
               fmt::format("event gateway '{}' has no next: list the wait steps it races "
                           "(timer, message or signal)",
                           c.id(s)));
    }
    for (FlowIndex f : next) {
      StepIndex to = c.def.flows[f].to;
      if (c.def.steps[to].type == StepType::wait) continue;
      c.report(graph::place_of_flow(c.def, f),
               fmt::format("event gateway '{}' leads to '{}', a {} step: an event gateway may "
                           "only lead to wait steps (timer, message or signal); put a wait step "
                           "in between",
                           c.id(s), c.id(to), step_type_name(c.def.steps[to].type)));
    }
  }
}

}  // namespace

void check_graph(const Definition& definition, std::vector<Diagnostic>& out) {
  if (definition.steps.empty()) return;  // "at least one step" is the loader's rule
  StepGraphs graphs = graph::build_step_graphs(definition);
  std::vector<Diagnostic> found;
  Checker checker{definition, graphs, found};
  check_scopes(checker);
  std::vector<bool> reached = check_reachable(checker);
  check_ends(checker);
  check_event_gateways(checker);
  graph::check_parallel_joins(definition, graphs, reached, found);
  std::ranges::stable_sort(found, [](const Diagnostic& a, const Diagnostic& b) {
    return std::pair{a.line, a.column} < std::pair{b.line, b.column};
  });
  out.insert(out.end(), std::make_move_iterator(found.begin()),
             std::make_move_iterator(found.end()));
}

}  // namespace crmflow::model
