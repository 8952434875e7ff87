#include "model/draw.hpp"

#include <fmt/format.h>

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

}  // namespace

Marks resolve_marks(const Definition& definition, const CaseMarks* marks) {
  Marks out;
  if (marks == nullptr) return out;
  out.steps.assign(definition.steps.size(), Mark::none);
  auto mark = [&](const std::vector<std::string>& ids, Mark as) {
    for (const std::string& id : ids) {
      if (auto it = definition.step_ids.find(id); it != definition.step_ids.end()) {
        out.steps[it->second] = as;
      }
    }
  };
  mark(marks->passed, Mark::passed);
  mark(marks->active, Mark::active);
  out.flows.assign(definition.flows.size(), false);
  for (FlowIndex f = 0; f < definition.flows.size(); ++f) {
    const Flow& flow = definition.flows[f];
    if (flow.from >= out.steps.size() || flow.to >= out.steps.size()) continue;
    out.flows[f] = out.steps[flow.from] == Mark::passed && out.steps[flow.to] != Mark::none;
  }
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
