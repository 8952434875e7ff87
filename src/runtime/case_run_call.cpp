// `call` steps: a case of another process, started as a child of this one.
//
// The token entering a `call` step builds the child's variables (`input`, else every variable of
// the case), starts the child case and runs it inside this very run (so both commit together),
// and parks at the step (WaitKind::call, ref = the child's id). The child is an ordinary case in
// the store, linked by CaseRecord::parent_case / parent_token.
//
// When the child ends, finish_call moves the parent's token on: completed or terminated, with
// `output` mapped (the child's variables readable as `result`) or the child's variables merged;
// ended by a business error nothing inside it caught (CaseState::error), through the call step's
// boundary error events (or an enclosing subprocess's), else an incident; cancelled on its own,
// an incident. A child that ends inside the run that started it is finished at once; one that
// ends in a later call of its own is finished by EngineCore::commit, in the same transaction.
// Withdrawing the parent's token (cancel, terminate, an interrupting boundary) cancels the child.
#include <fmt/format.h>

#include <algorithm>

#include "runtime/bounds.hpp"
#include "runtime/business_time.hpp"
#include "runtime/case_run.hpp"
#include "runtime/variables.hpp"

namespace crmflow::runtime {

using model::Step;

namespace {

// Called cases start inside the run of their caller: a process that calls itself would recurse
// without end.
constexpr std::uint32_t kMaxCallDepth = 32;

}  // namespace

void CaseRun::link(CaseChange change) {
  std::vector<CaseChange> nested = std::move(change.linked);
  change.linked.clear();
  change_.linked.push_back(std::move(change));
  for (CaseChange& c : nested) change_.linked.push_back(std::move(c));
}

Status CaseRun::start_call(Token token, const Step& step) {
  const auto& call = std::get<model::CallStep>(step.detail);
  auto fail = [&](std::string message) {
    raise_incident(token, IncidentState::Phase::enter, std::move(message));
    return Status{};
  };
  Value vars = Value::Object{};
  if (!call.input) {
    vars = record_.variables;
    // An instance of a multi-instance step also passes its locals (the item).
    if (locals_.size() != 0) {
      for (const auto& [name, value] : locals_.as_object()) vars.set(name, value);
    }
  } else {
    for (const model::Assignment& a : *call.input) {
      auto value = evaluate(a.value);
      if (!value) {
        return fail(fmt::format("step '{}': input '{}' failed: {}", step.id, a.name,
                                value.error().message));
      }
      assign_path(vars, a.name, std::move(*value));
    }
  }
  if (!env_.plan_of) {
    return internal_error(fmt::format("step '{}': this run cannot start called cases", step.id));
  }
  if (call_depth_ >= kMaxCallDepth) {
    return fail(
        fmt::format("step '{}': more than {} cases call one another in one engine call; "
                    "a process probably calls itself without end",
                    step.id, kMaxCallDepth));
  }
  auto plan = env_.plan_of(call.process, call.version);
  if (!plan) {
    if (plan.error().code != ErrorCode::not_found) return std::move(plan).error();
    return fail(fmt::format("step '{}': cannot call process '{}': {}; deploy it, then retry",
                            step.id, call.process, plan.error().message));
  }
  const ProcessPlan& child_plan = **plan;
  auto checked = check_start_variables(
      *child_plan.definition, vars, env_.now,
      calendar_zone(env_.calendars, child_plan.definition->calendar), eval_limits(env_.limits));
  if (!checked) {
    return fail(fmt::format("step '{}': the called process '{}' refuses the input: {}", step.id,
                            call.process, checked.error().message));
  }
  if (auto problem = check_variables_size(
          *checked, env_.limits,
          fmt::format("step '{}': the input of process '{}'", step.id, call.process))) {
    return fail(std::move(*problem));
  }
  auto id = env_.store.allocate_id(IdKind::case_id);
  if (!id) return id.status();
  CaseRecord child;
  child.id = *id;
  child.process_id = child_plan.process->id();
  child.version = child_plan.version;
  child.key = record_.key;
  child.initiator = record_.initiator;
  child.started_at = env_.now;
  child.variables = std::move(*checked);
  child.parent_case = record_.id;
  child.parent_token = token.id;
  token.wait = WaitKind::call;
  token.ref = child.id;
  park(token);
  if (auto s = start_boundaries(token, step); !s) return s;
  CaseRun run{child_plan, std::move(child), env_, /*is_new=*/true};
  run.call_depth_ = call_depth_ + 1;
  if (auto s = run.start(); !s) return s;
  if (auto s = run.run(); !s) return s;
  CaseChange change = run.take_change();
  const CaseRecord ended = change.record;
  link(std::move(change));
  if (is_final(ended.status)) {
    if (auto s = finish_call(ended); !s) return s.status();
  }
  return {};
}

Result<bool> CaseRun::finish_call(const CaseRecord& child) {
  Token* parked = find_token(static_cast<TokenId>(child.parent_token));
  if (parked == nullptr || parked->wait != WaitKind::call || parked->ref != child.id) return false;
  Token token = *parked;
  remove_token(token.id);
  use_scope(token.scope);
  const Step& step = def_.steps[token.step];
  const auto& call = std::get<model::CallStep>(step.detail);
  const std::string error = child.state != nullptr ? child.state->error : std::string{};
  if (child.status == CaseStatus::cancelled) {
    end_activity(token);
    raise_incident(token, IncidentState::Phase::enter,
                   fmt::format("step '{}': the called case {} of '{}' was cancelled; retry to "
                               "call it again",
                               step.id, child.id, child.process_id));
    return true;
  }
  if (!error.empty()) {
    auto caught = throw_error(token, error);
    if (!caught) return std::move(caught).error();
    if (*caught) return true;
    end_activity(token);
    raise_incident(token, IncidentState::Phase::enter,
                   fmt::format("step '{}': the called case {} of '{}' ended with business error "
                               "'{}'; no boundary error event catches it",
                               step.id, child.id, child.process_id, error));
    return true;
  }
  if (auto failure = apply_output(token, step, call.output, child.variables)) {
    end_activity(token);
    raise_incident(token, IncidentState::Phase::enter, std::move(*failure));
    return true;
  }
  end_activity(token);
  if (auto s = leave(token); !s) return std::move(s).error();
  return true;
}

Status CaseRun::cancel_child(CaseId id) {
  // A child started by this very call is not stored yet: its cancel continues its pending change.
  auto pending = std::find_if(change_.linked.begin(), change_.linked.end(),
                              [id](const CaseChange& c) { return c.record.id == id; });
  CaseRecord record;
  if (pending != change_.linked.end()) {
    record = pending->record;
  } else {
    auto loaded = env_.store.load_case(id);
    if (!loaded) {
      if (loaded.error().code == ErrorCode::not_found) return {};
      return loaded.status();
    }
    record = std::move(*loaded);
  }
  if (is_final(record.status)) return {};
  if (!env_.plan_of) return internal_error("this run cannot cancel called cases");
  auto plan = env_.plan_of(record.process_id, record.version);
  if (!plan) return plan.status();
  CaseRun run{**plan, std::move(record), env_, /*is_new=*/false};
  run.call_depth_ = call_depth_ + 1;
  const bool continued = pending != change_.linked.end();
  if (continued) {
    // The child's run takes over its pending change and every other pending one (its own
    // children among them, which its cancel must find); link() hands them all back.
    CaseChange earlier = std::move(*pending);
    change_.linked.erase(pending);
    earlier.linked = std::move(change_.linked);
    change_.linked.clear();
    run.change_ = std::move(earlier);
  }
  if (auto s = run.cancel(fmt::format("case {} that called it withdrew the call", record_.id));
      !s) {
    return s;
  }
  if (auto s = run.run(); !s) return s;
  CaseChange change = run.take_change();
  if (continued) {
    // Work the pending change added and the cancel withdrew is never written (the store applies
    // removals before additions).
    auto removed_job = [&](const JobRecord& job) {
      return std::find(change.jobs_removed.begin(), change.jobs_removed.end(), job.id) !=
             change.jobs_removed.end();
    };
    change.jobs_added.erase(
        std::remove_if(change.jobs_added.begin(), change.jobs_added.end(), removed_job),
        change.jobs_added.end());
    auto unsubscribed = [&](const Subscription& sub) {
      return std::find(change.subscriptions_removed.begin(), change.subscriptions_removed.end(),
                       sub.token) != change.subscriptions_removed.end();
    };
    change.subscriptions_added.erase(std::remove_if(change.subscriptions_added.begin(),
                                                    change.subscriptions_added.end(), unsubscribed),
                                     change.subscriptions_added.end());
  }
  link(std::move(change));
  return {};
}

}  // namespace crmflow::runtime
