#include "model/draw.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "expr/expression.hpp"
#include "model/fields.hpp"
#include "time/iso8601.hpp"

namespace crmflow {
namespace model::draw {
namespace {

std::string describe_timer(const Timer& timer) {
  switch (timer.kind) {
    case TimerKind::duration:
      return "timer " + time::format_duration(timer.duration);
    case TimerKind::cycle:
      return "timer " + timer.cycle;
    case TimerKind::date:
      break;
  }
  if (timer.date.expression != nullptr) return "timer at " + timer.date.expression->text();
  if (timer.date.literal.is_string()) return "timer at " + timer.date.literal.as_string();
  return "timer at a date";
}

std::string describe_boundary(const Boundary& boundary) {
  std::string out;
  switch (boundary.kind) {
    case BoundaryKind::timer:
      out = describe_timer(boundary.timer);
      break;
    case BoundaryKind::message:
      out = "message " + boundary.message.name;
      break;
    case BoundaryKind::error:
      out = boundary.error_code == "*" ? std::string{"any error"} : "error " + boundary.error_code;
      break;
  }
  if (!boundary.interrupting) out += ", non-interrupting";
  return out;
}

// The flows a case took, judged from the order it left steps (`left`, as Case::path) and where it
// stands now. Each time a step Y is reached (each place it appears in `left`, and once more at
// the end when it is active), the flow that brought the case there is the one from the latest
// step left since Y was last left that has a flow into Y; at a join (a parallel or inclusive
// gateway with several incoming flows) every incoming flow whose source was left in that window
// counts, since the join waits for all of them. A boundary flow counts when its target was
// reached and the step it is attached to was reached too (the step is left by the event, not in
// the order of `left`).
std::vector<bool> taken_flows(const Definition& definition, const std::vector<StepIndex>& left,
                              const std::vector<Mark>& steps) {
  const std::size_t step_count = definition.steps.size();
  std::vector<bool> taken(definition.flows.size(), false);
  std::vector<std::vector<FlowIndex>> incoming(step_count);
  for (FlowIndex f = 0; f < definition.flows.size(); ++f) {
    const Flow& flow = definition.flows[f];
    if (flow.from < step_count && flow.to < step_count) incoming[flow.to].push_back(f);
  }
  std::vector<std::vector<std::size_t>> positions(step_count);
  for (std::size_t i = 0; i < left.size(); ++i) positions[left[i]].push_back(i);
  // Whether step x was left at a position in [lo, hi).
  auto left_within = [&](StepIndex x, std::size_t lo, std::size_t hi) {
    auto it = std::lower_bound(positions[x].begin(), positions[x].end(), lo);
    return it != positions[x].end() && *it < hi;
  };

  for (StepIndex y = 0; y < step_count; ++y) {
    std::vector<std::size_t> reached = positions[y];
    if (steps[y] == Mark::active) reached.push_back(left.size());
    if (reached.empty()) continue;
    std::size_t sequence_flows = 0;
    for (FlowIndex f : incoming[y]) {
      const Flow& flow = definition.flows[f];
      if (!flow.from_boundary) {
        ++sequence_flows;
      } else if (steps[flow.from] != Mark::none) {
        taken[f] = true;
      }
    }
    const StepType type = definition.steps[y].type;
    const bool join =
        (type == StepType::parallel || type == StepType::inclusive) && sequence_flows > 1;
    std::size_t lo = 0;
    for (std::size_t at : reached) {
      if (join) {
        for (FlowIndex f : incoming[y]) {
          const Flow& flow = definition.flows[f];
          if (!flow.from_boundary && left_within(flow.from, lo, at)) taken[f] = true;
        }
      } else {
        for (std::size_t i = at; i > lo; --i) {
          bool found = false;
          for (FlowIndex f : incoming[y]) {
            const Flow& flow = definition.flows[f];
            if (!flow.from_boundary && flow.from == left[i - 1]) {
              taken[f] = true;
              found = true;
            }
          }
          if (found) break;
        }
      }
      lo = at + 1;
    }
  }
  return taken;
}

}  // namespace

Marks resolve_marks(const Definition& definition, const CaseMarks* marks) {
  Marks out;
  if (marks == nullptr) return out;
  const std::size_t step_count = definition.steps.size();
  out.steps.assign(step_count, Mark::none);
  std::vector<StepIndex> left;  // `passed` in order, unknown ids dropped
  for (const std::string& id : marks->passed) {
    if (auto it = definition.step_ids.find(id); it != definition.step_ids.end()) {
      out.steps[it->second] = Mark::passed;
      left.push_back(it->second);
    }
  }
  for (const std::string& id : marks->active) {
    if (auto it = definition.step_ids.find(id); it != definition.step_ids.end()) {
      out.steps[it->second] = Mark::active;
    }
  }
  out.flows = taken_flows(definition, left, out.steps);
  return out;
}

const std::string& caption(const Step& step) { return step.name.empty() ? step.id : step.name; }

std::string detail(const Step& step) {
  std::string out;
  switch (step.type) {
    case StepType::service:
      if (const auto* s = std::get_if<ServiceTask>(&step.detail)) out = "service: " + s->handler;
      break;
    case StepType::call:
      if (const auto* c = std::get_if<CallStep>(&step.detail)) out = "call: " + c->process;
      break;
    case StepType::wait:
      if (const auto* w = std::get_if<WaitStep>(&step.detail)) {
        switch (w->kind) {
          case WaitStep::Kind::timer:
            out = describe_timer(w->timer);
            break;
          case WaitStep::Kind::message:
            out = "message " + w->message.name;
            break;
          case WaitStep::Kind::signal:
            out = "signal " + w->signal;
            break;
        }
      }
      break;
    case StepType::end:
      if (const auto* e = std::get_if<EndStep>(&step.detail)) {
        if (!e->error.empty()) {
          out = "error: " + e->error;
        } else if (e->terminate) {
          out = "terminate";
        }
      }
      break;
    case StepType::user:
    case StepType::send:
    case StepType::set:
      out = step_type_name(step.type);
      break;
    default:
      break;
  }
  if (step.for_each.has_value()) out += out.empty() ? "for each" : ", for each";
  return out;
}

bool is_gateway(StepType type) {
  return type == StepType::exclusive || type == StepType::parallel || type == StepType::inclusive ||
         type == StepType::event;
}

std::string gateway_marker(StepType type) {
  switch (type) {
    case StepType::exclusive:
      return "X";
    case StepType::parallel:
      return "+";
    case StepType::inclusive:
      return "O";
    case StepType::event:
      return "\u25ce";  // ◎, the circle in BPMN's event-gateway diamond
    default:
      return "";
  }
}

std::string flow_label(const Definition& definition, FlowIndex index) {
  const Flow& flow = definition.flows[index];
  if (flow.from_boundary && flow.from < definition.steps.size()) {
    for (const Boundary& boundary : definition.steps[flow.from].boundary) {
      if (boundary.flow == index) return describe_boundary(boundary);
    }
    return "boundary";
  }
  if (flow.when != nullptr) return flow.when->text();
  if (flow.is_default) return "default";
  return "";
}

std::vector<StepIndex> children_of(const Definition& definition, StepIndex scope) {
  std::vector<StepIndex> out;
  for (StepIndex s = 0; s < definition.steps.size(); ++s) {
    if (definition.steps[s].scope == scope) out.push_back(s);
  }
  return out;
}

}  // namespace model::draw

std::string draw_process(const Process& process, GraphFormat format, const CaseMarks* marks) {
  const model::Definition& definition = process.definition();
  model::draw::Marks resolved = model::draw::resolve_marks(definition, marks);
  return format == GraphFormat::mermaid ? model::draw::draw_mermaid(definition, resolved)
                                        : model::draw::draw_dot(definition, resolved);
}

}  // namespace crmflow
