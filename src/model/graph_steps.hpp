// The steps of a Definition as Boost graphs, for the graph rules (graph_check.cpp,
// graph_joins.cpp) and nothing else: vertex i is step i, an edge is a flow.
//
// Two graphs are built. The flow graph holds every flow whose ends lie in one scope (the top
// level, or the steps directly inside one subprocess), boundary flows included: on it an end is
// reached, a cycle is left, a join is fed. The reach graph adds, for each subprocess, an edge
// from the subprocess step to its first step: on it a step is reached from the start. Flows that
// cross a subprocess's border are left out of both (they are reported on their own).
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/pending/queue.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "model/definition.hpp"

namespace crmflow::model::graph {

struct FlowEdge {
  FlowIndex flow = kNoFlow;  // kNoFlow: the edge from a subprocess step to its first step
};

using StepGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                        boost::no_property, FlowEdge>;
using Vertex = boost::graph_traits<StepGraph>::vertex_descriptor;

// What the rules need to know about a definition, computed once.
struct StepGraphs {
  StepGraph flows;  // scope-local flows
  StepGraph reach;  // scope-local flows and subprocess entries
  // Per step: its flows that are not boundary flows (its `next`), in the order of the flow list.
  std::vector<std::vector<FlowIndex>> normal_out;
  // Per flow: whether it leaves a non-interrupting boundary event.
  std::vector<bool> non_interrupting;
  // Per flow: whether both ends are steps and lie in the same scope.
  std::vector<bool> in_scope;
};

StepGraphs build_step_graphs(const Definition& definition);

// Whether a token that reaches this step may be the end of its branch: an `end` step, or a step
// with no `next` within its scope (after the last step of a list the branch ends).
bool is_end(const Definition& definition, const StepGraphs& graphs, StepIndex step);

// Whether the step sends tokens down several of its flows at once: a `parallel` or `inclusive`
// step with two or more outgoing flows.
bool is_split(const Definition& definition, const StepGraphs& graphs, StepIndex step);

// Where a step's scope starts: the first step of its subprocess, or the first of the process.
StepIndex scope_first(const Definition& definition, StepIndex step);

// The steps reachable in `graph` from `roots` (roots included), as one flag per step. Works on
// the graphs above and on Boost views of them (reverse_graph, filtered_graph).
template <class Graph>
std::vector<bool> reachable_from(const Graph& graph, std::span<const Vertex> roots) {
  const std::size_t n = num_vertices(graph);  // unqualified: found by ADL on Boost views
  std::vector<boost::default_color_type> colors(n, boost::white_color);
  auto color = boost::make_iterator_property_map(colors.begin(), get(boost::vertex_index, graph));
  boost::queue<Vertex> queue;
  for (Vertex root : roots) {
    if (colors[root] == boost::white_color) {
      boost::breadth_first_visit(graph, root, queue, boost::default_bfs_visitor{}, color);
    }
  }
  std::vector<bool> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = colors[i] != boost::white_color;
  return out;
}

// "'a', 'b', 'c'" for at most `limit` steps, then "and N more".
std::string quote_steps(const Definition& definition, std::span<const StepIndex> steps,
                        std::size_t limit = 8);

// The line and column to report a step at.
struct Place {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};
Place place_of_step(const Definition& definition, StepIndex step);
// A flow's own place when the loader recorded one, else its source step's.
Place place_of_flow(const Definition& definition, FlowIndex flow);

}  // namespace crmflow::model::graph
