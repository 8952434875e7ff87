// Drawing a Definition (draw_process in include/crmflow/process.hpp): the parts both formats share
// (captions, flow labels, case marks) and one entry point per format.
#pragma once

#include <string>
#include <vector>

#include "crmflow/process.hpp"
#include "model/definition.hpp"

namespace crmflow::model::draw {

enum class Mark : unsigned char { none, passed, active };

// What a drawing shows of a case: a mark per step and whether each flow was taken.
struct Marks {
  std::vector<Mark> steps;  // empty when there is no case
  std::vector<bool> flows;  // taken by the case (the rule of resolve_marks)

  bool any() const { return !steps.empty(); }
};

// The marks of a case: `marks->passed` is read in order, as Case::path gives it (the steps in the
// order they were left, a step once per visit), `marks->active` as a set. Step ids that are not in
// the definition are ignored; a step both active and passed is active. A flow is marked taken
// when it brought the case to a step it reached: for each visit of a step Y (each place Y is in
// `passed`, and the present when Y is active), the flow from the step left most recently since
// the previous visit of Y that has a flow into Y; at a join (a parallel or inclusive gateway with
// several incoming flows) every incoming flow whose source was left since the join's previous
// visit; a boundary flow when its target and the step it is attached to were both reached.
// No marks (nullptr): an empty Marks, the plain drawing.
Marks resolve_marks(const Definition& definition, const CaseMarks* marks);

// The step's display name (its id when it has none).
const std::string& caption(const Step& step);
// A short second line: the step's kind and what it waits for or calls ("service: charge-card",
// "timer P2D", "message customer-reply", "error: E42"), "" when the shape says it all.
std::string detail(const Step& step);
// "X", "+", "O", "◎" for exclusive, parallel, inclusive and event gateways; "" otherwise.
std::string gateway_marker(StepType type);
bool is_gateway(StepType type);
// A flow's label: its `when` text, "default", or for a boundary flow its event
// ("timer P3D", "message paid", "error E1", with ", non-interrupting" when so).
std::string flow_label(const Definition& definition, FlowIndex flow);

// The steps directly inside a scope (kNoStep: the top level), in document order.
std::vector<StepIndex> children_of(const Definition& definition, StepIndex scope);

std::string draw_dot(const Definition& definition, const Marks& marks);
std::string draw_mermaid(const Definition& definition, const Marks& marks);

}  // namespace crmflow::model::draw
