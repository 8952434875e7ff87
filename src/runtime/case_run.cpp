// The token machine: moving tokens through steps, choosing flows, settling the case.
#include "runtime/case_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "expr/scope.hpp"
#include "expr/template.hpp"
#include "expr/value_field.hpp"
#include "model/fields.hpp"
#include "runtime/bounds.hpp"
#include "runtime/case_scope.hpp"
#include "runtime/variables.hpp"

namespace crmflow::runtime {

using model::FlowIndex;
using model::kNoFlow;
using model::kNoStep;
using model::Step;
using model::StepIndex;
using model::StepType;

CaseRun::CaseRun(const ProcessPlan& plan, CaseRecord record, const RunEnvironment& env, bool is_new)
    : plan_(plan),
      def_(*plan.definition),
      env_(env),
      zone_(calendar_zone(env.calendars, def_.calendar)),
      task_time_(time_basis(env.calendars, def_.calendar, zone_)),
      record_(std::move(record)) {
  if (record_.state) state_ = *record_.state;
  change_.is_new = is_new;
  change_.expected_row_version = record_.row_version;
}

// ---- expressions ----------------------------------------------------------------------------

expr::Context CaseRun::context() const {
  return expr::Context{.now = env_.now, .zone = zone_, .limits = eval_limits(env_.limits)};
}

Result<Value> CaseRun::evaluate(const model::ValueSource& source) const {
  if (!source.expression) return source.literal;
  const LazyCaseScope kase{record_, case_value_};
  const expr::ValueScope vars{record_.variables};
  const expr::ValueScope locals{locals_};
  const expr::ChainedScope inner{locals, vars};
  const expr::ChainedScope scope{kase, inner};
  return source.expression->evaluate(scope, context());
}

Result<bool> CaseRun::condition(const expr::Expression& expression) const {
  const LazyCaseScope kase{record_, case_value_};
  const expr::ValueScope vars{record_.variables};
  const expr::ValueScope locals{locals_};
  const expr::ChainedScope inner{locals, vars};
  const expr::ChainedScope scope{kase, inner};
  return expression.evaluate_condition(scope, context());
}

Result<std::string> CaseRun::render(const expr::Template& text,
                                    std::vector<expr::TemplateGap>* gaps) const {
  if (text.is_literal()) return text.text();
  const LazyCaseScope kase{record_, case_value_};
  const expr::ValueScope vars{record_.variables};
  const expr::ValueScope locals{locals_};
  const expr::ChainedScope inner{locals, vars};
  const expr::ChainedScope scope{kase, inner};
  auto rendered = text.render(scope, context());
  if (!rendered) return std::move(rendered).error();
  if (gaps != nullptr) {
    gaps->insert(gaps->end(), rendered->gaps.begin(), rendered->gaps.end());
  }
  return std::move(rendered->text);
}

// ---- bookkeeping ----------------------------------------------------------------------------

void CaseRun::event(EventType type, StepIndex step, TaskId task, std::string_view by, Value data) {
  HistoryEvent& e = change_.history.emplace_back();
  e.case_id = record_.id;
  e.sequence = ++state_.history_sequence;
  e.at = env_.now;
  e.event = type;
  if (step != kNoStep) e.step_id = def_.steps[step].id;
  e.task_id = task;
  e.by = by;
  e.data = std::move(data);
}

void CaseRun::park(Token token) { state_.tokens.push_back(token); }

Token* CaseRun::find_token(TokenId id) {
  for (Token& t : state_.tokens) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

Token* CaseRun::find_task_token(TaskId task) {
  for (Token& t : state_.tokens) {
    if (t.wait == WaitKind::task && t.ref == task) return &t;
  }
  return nullptr;
}

void CaseRun::remove_token(TokenId id) {
  auto& tokens = state_.tokens;
  tokens.erase(
      std::remove_if(tokens.begin(), tokens.end(), [id](const Token& t) { return t.id == id; }),
      tokens.end());
}

void CaseRun::raise_incident(Token token, IncidentState::Phase phase, std::string message) {
  token.wait = WaitKind::incident;
  token.ref = 0;
  park(token);
  event(EventType::incident_raised, token.step, kNoId, {}, Value::Object{{"message", message}});
  state_.incidents.push_back(
      IncidentState{token.id, token.step, phase, std::move(message), env_.now});
}

void CaseRun::merge_variables(const Value& vars, StepIndex step, TaskId task, std::string_view by) {
  if (!vars.is_object() || vars.size() == 0) return;
  variables_size_.reset();  // the callers check the exact size (check_submitted)
  Value::List names;
  for (const auto& [name, value] : vars.as_object()) {
    record_.variables.set(name, value);
    names.emplace_back(name);
  }
  event(EventType::variables_changed, step, task, by, Value::Object{{"names", std::move(names)}});
}

// A step is left: it enters the path, its progress counts.
void CaseRun::left(const Token& token) {
  state_.path.push_back(token.step);
  event(EventType::step_left, token.step);
  const Step& step = def_.steps[token.step];
  if (step.progress) record_.progress = std::max<int>(record_.progress, *step.progress);
}

// ---- the calls ------------------------------------------------------------------------------

Status CaseRun::start() {
  if (!record_.variables.is_object()) record_.variables = Value::Object{};
  event(EventType::case_started, kNoStep, kNoId, record_.initiator,
        record_.key.empty() ? Value{} : Value{Value::Object{{"key", record_.key}}});
  Token token;
  token.id = state_.next_token++;
  token.step = def_.first;
  token.scope = 0;
  token.via = kNoFlow;
  stack_.push_back(token);
  return {};
}

Status CaseRun::cancel(std::string_view reason) {
  const std::vector<Token> tokens = state_.tokens;
  for (const Token& t : tokens) {
    // Withdrawing a subprocess or multi-instance token withdraws the tokens inside it too.
    if (find_token(t.id) == nullptr) continue;
    if (auto s = withdraw(t); !s) return s;
  }
  state_.tokens.clear();
  state_.multis.clear();
  state_.joins.clear();
  state_.incidents.clear();
  state_.races.clear();
  state_.scopes.clear();
  stack_.clear();
  record_.status = CaseStatus::cancelled;
  record_.ended_at = env_.now;
  event(EventType::case_cancelled, kNoStep, kNoId, {},
        reason.empty() ? Value{} : Value{Value::Object{{"reason", std::string{reason}}}});
  return {};
}

Status CaseRun::retry(StepIndex step, const Value& vars) {
  if (!vars.is_null() && !vars.is_object()) {
    return invalid_input("retry: the variables must be an object of name: value");
  }
  auto found = std::find_if(state_.incidents.begin(), state_.incidents.end(),
                            [step](const IncidentState& i) { return i.step == step; });
  if (found == state_.incidents.end()) {
    return invalid_state(fmt::format("case {} has no open incident at step '{}'; nothing to retry",
                                     record_.id, def_.steps[step].id));
  }
  const IncidentState incident = *found;
  state_.incidents.erase(found);
  merge_variables(vars, step, kNoId, {});
  if (auto s = check_submitted(
          vars, record_.variables, env_.limits,
          fmt::format("retry of step '{}' in case {}", def_.steps[step].id, record_.id));
      !s) {
    return s;
  }
  event(EventType::incident_resolved, step);
  Token* parked = find_token(incident.token);
  if (parked == nullptr) {
    return internal_error(
        fmt::format("case {}: the incident at '{}' has no token", record_.id, def_.steps[step].id));
  }
  Token token = *parked;
  remove_token(token.id);
  end_activity(token);
  token.wait = WaitKind::moving;
  token.attempt = 1;
  if (incident.phase == IncidentState::Phase::leave) return leave(token);
  stack_.push_back(token);
  return {};
}

Status CaseRun::run() {
  for (;;) {
    while (!stack_.empty()) {
      const Token token = stack_.back();
      stack_.pop_back();
      if (auto s = enter(token); !s) return s;
    }
    Status status;
    if (fire_ready_joins(status) || complete_finished_scope(status)) continue;
    if (!status) return status;
    break;
  }
  settle();
  return {};
}

CaseChange CaseRun::take_change() {
  record_.row_version = change_.expected_row_version + 1;
  if (change_.is_new) record_.row_version = 1;
  record_.state = std::make_shared<const CaseState>(std::move(state_));
  change_.record = std::move(record_);
  return std::move(change_);
}

void CaseRun::settle() {
  if (is_final(record_.status)) return;
  if (state_.tokens.empty() && state_.joins.empty()) {
    record_.status = CaseStatus::completed;
    record_.progress = 100;
    record_.ended_at = env_.now;
    event(EventType::case_completed);
    return;
  }
  record_.status = state_.incidents.empty() ? CaseStatus::active : CaseStatus::incident;
}

// ---- steps ----------------------------------------------------------------------------------

Status CaseRun::enter(Token token) {
  const Step& step = def_.steps[token.step];
  use_scope(token.scope);
  if (++moved_ > env_.limits.max_steps_per_call) {
    raise_incident(token, IncidentState::Phase::enter,
                   fmt::format("step '{}': runaway loop: the case moved through more than {} steps "
                               "in one call without waiting; fix the loop's condition, then retry",
                               step.id, env_.limits.max_steps_per_call));
    return {};
  }
  if (change_.outbox.size() >= env_.limits.max_notifications_per_call) {
    raise_incident(
        token, IncidentState::Phase::enter,
        fmt::format("step '{}': runaway loop: the case queued {} notifications in one "
                    "call (limit max_notifications_per_call {}); fix the loop, then "
                    "retry",
                    step.id, change_.outbox.size(), env_.limits.max_notifications_per_call));
    return {};
  }
  if (plan_.is_join[token.step] && token.via != kNoFlow) return arrive_at_join(token);
  // An instance of a multi-instance step runs the step's behaviour; the step was entered once,
  // by the token that started the instances.
  const bool instance = step.for_each && instance_scope(token) != nullptr;
  if (!instance) {
    event(EventType::step_entered, token.step);
    // A user step notifies once its task exists (`to: assignee` needs it).
    if (step.type != StepType::user && !step.notify.empty())
      notify(step, model::NotifyOn::enter, nullptr);
    if (step.for_each) return start_multi(token, step);
  }
  switch (step.type) {
    case StepType::start:
    case StepType::send:
    case StepType::exclusive:
    case StepType::parallel:
    case StepType::inclusive:
    case StepType::event:
      return leave(token);
    case StepType::set:
      if (auto s = apply_set(step); !s) {
        raise_incident(token, IncidentState::Phase::enter, s.error().message);
        return {};
      }
      return leave(token);
    case StepType::user:
      return create_task(token, step);
    case StepType::end:
      return end(token, step);
    case StepType::wait:
      return start_wait(token, step);
    case StepType::service:
      return start_service(token, step);
    case StepType::subprocess:
      return start_subprocess(token, step);
    case StepType::call:
      return start_call(token, step);
  }
  raise_incident(token, IncidentState::Phase::enter,
                 fmt::format("step '{}': this engine version does not run {} steps yet", step.id,
                             model::step_type_name(step.type)));
  return {};
}

Status CaseRun::leave(Token token) {
  const Step& step = def_.steps[token.step];
  use_scope(token.scope);
  if (step.for_each && instance_scope(token) != nullptr) return finish_instance(token);
  if (auto s = choose_flows(step); !s) {
    raise_incident(token, IncidentState::Phase::leave, s.error().message);
    return {};
  }
  left(token);
  if (!step.notify.empty()) notify(step, model::NotifyOn::complete, completing_);
  if (step.type == StepType::event) return start_race(token, step);
  if (flows_.empty()) return {};  // the branch ends here (spec: after the last step)
  token.wait = WaitKind::moving;
  token.ref = 0;
  token.attempt = 1;
  for (std::size_t i = flows_.size(); i-- > 0;) {
    Token next = token;
    if (i != 0) next.id = state_.next_token++;
    next.via = flows_[i];
    next.step = def_.flows[flows_[i]].to;
    stack_.push_back(next);
  }
  return {};
}

Status CaseRun::choose_flows(const Step& step) {
  flows_.clear();
  const bool all_true = step.type == StepType::parallel || step.type == StepType::inclusive ||
                        step.type == StepType::event;
  FlowIndex fallback = kNoFlow;
  for (FlowIndex f : step.outgoing) {
    const model::Flow& flow = def_.flows[f];
    if (flow.is_default) {
      fallback = f;
      continue;
    }
    bool take = true;
    if (flow.when) {
      auto value = condition(*flow.when);
      if (!value) {
        return invalid_input(
            fmt::format("step '{}': the condition `{}` of the branch to '{}' "
                        "failed: {}",
                        step.id, flow.when->text(), def_.steps[flow.to].id, value.error().message));
      }
      take = *value;
    }
    if (!take) continue;
    flows_.push_back(f);
    if (!all_true) return {};
  }
  if (step.type == StepType::parallel || step.type == StepType::event || !flows_.empty()) {
    return {};
  }
  if (fallback != kNoFlow) {
    flows_.push_back(fallback);
    return {};
  }
  if (step.outgoing.empty()) return {};
  return invalid_input(
      fmt::format("step '{}': no branch to take: no condition is true and there "
                  "is no default branch; add `default: true` to one branch, or "
                  "change the variables and retry",
                  step.id));
}

Status CaseRun::apply_set(const Step& step) {
  const auto& set = std::get<model::SetStep>(step.detail);
  // What the step writes beyond the bounds is not written (a Value copy shares its contents).
  const Value before = record_.variables;
  auto refuse = [&](std::string problem) {
    record_.variables = before;
    return invalid_input(std::move(problem));
  };
  Value::List names;
  for (const model::Assignment& a : set.assignments) {
    auto value = evaluate(a.value);
    if (!value) {
      return invalid_input(fmt::format("step '{}': setting '{}' failed: {}", step.id, a.name,
                                       value.error().message));
    }
    const std::string where = fmt::format("step '{}': setting '{}'", step.id, a.name);
    if (auto problem = check_depth(*value, env_.limits, where)) return refuse(std::move(*problem));
    assign_path(record_.variables, a.name, *value);
    if (auto problem =
            variables_size_.wrote(record_.variables, a.name, *value, env_.limits, where)) {
      return refuse(std::move(*problem));
    }
    names.emplace_back(a.name);
  }
  if (!names.empty()) {
    event(EventType::variables_changed, static_cast<StepIndex>(&step - def_.steps.data()), kNoId,
          {}, Value::Object{{"names", std::move(names)}});
  }
  return {};
}

Status CaseRun::end(Token token, const Step& step) {
  const auto& end = std::get<model::EndStep>(step.detail);
  if (!end.error.empty()) {
    auto caught = throw_error(token, end.error, /*thrower_completes=*/true);
    if (!caught) return caught.status();
    if (*caught) return {};
    if (record_.parent_case != kNoId) {
      // A called case ends with the error: its caller's `call` step receives it.
      left(token);
      state_.error = end.error;
      return terminate(0);
    }
    raise_incident(token, IncidentState::Phase::enter,
                   fmt::format("step '{}': business error '{}' was not caught: no boundary error "
                               "event catches it",
                               step.id, end.error));
    return {};
  }
  left(token);
  if (end.terminate) return terminate(token.scope);
  return {};
}

Status CaseRun::terminate(ScopeId scope) {
  // The scope instance stays: a terminated subprocess then completes like any other.
  if (auto s = empty_scope(scope); !s) return s;
  if (scope == 0) {
    record_.status = CaseStatus::terminated;
    record_.ended_at = env_.now;
    event(EventType::case_terminated, kNoStep, kNoId, {},
          state_.error.empty() ? Value{} : Value{Value::Object{{"error", state_.error}}});
  }
  return {};
}

Status CaseRun::withdraw(const Token& token) {
  end_activity(token);
  switch (token.wait) {
    case WaitKind::task: {
      // The task may have been created by this very call and not be stored yet.
      auto pending = std::find_if(change_.tasks.rbegin(), change_.tasks.rend(),
                                  [&](const Task& t) { return t.id == token.ref; });
      if (pending != change_.tasks.rend()) {
        pending->status = TaskStatus::withdrawn;
        pending->ended_at = env_.now;
        break;
      }
      auto task = env_.store.load_task(token.ref);
      if (!task) return task.status();
      task->status = TaskStatus::withdrawn;
      task->ended_at = env_.now;
      change_.tasks.push_back(std::move(*task));
      break;
    }
    case WaitKind::job:
      change_.jobs_removed.push_back(token.ref);
      break;
    case WaitKind::message:
    case WaitKind::signal:
      break;  // end_activity removed the subscriptions
    case WaitKind::scope:
      if (auto s = withdraw_scope(static_cast<ScopeId>(token.ref)); !s) return s;
      break;
    case WaitKind::instances:
      if (auto s = withdraw_instances(token.id); !s) return s;
      break;
    case WaitKind::call:
      if (auto s = cancel_child(token.ref); !s) return s;
      break;
    case WaitKind::incident: {
      auto& incidents = state_.incidents;
      incidents.erase(std::remove_if(incidents.begin(), incidents.end(),
                                     [&](const IncidentState& i) { return i.token == token.id; }),
                      incidents.end());
      break;
    }
    case WaitKind::moving:
      break;
  }
  event(EventType::step_withdrawn, token.step, token.wait == WaitKind::task ? token.ref : kNoId);
  return {};
}

}  // namespace crmflow::runtime
