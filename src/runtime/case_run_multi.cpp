// Multi-instance (`for_each`) steps: one scope instance per item, each running the step's own
// behaviour, gathered by `collect` in item order.
//
// The token that enters a `for_each` step evaluates the list once and parks at the step
// (WaitKind::instances) with a MultiInstanceState; the step's boundary events are armed on it, so
// they apply to the whole activity. Each instance is a scope instance (`instance`, locals
// `{as: item}`) holding one token at the same step; that token runs the step's behaviour (a task,
// a service job, a subprocess) as any token would, except that it arms no boundaries and, when it
// leaves the step, it does not choose flows: the instance finishes (finish_instance). After each
// instance, `complete_when` may end the rest (withdrawn, collected value null). When the activity
// ends, `collect.into` receives the values in item order and the parked token leaves the step:
// it enters `path` once.
//
// An expression that fails while the activity runs (`collect.value`, `complete_when`) ends the
// activity with an incident at the step: its instances are withdrawn and retrying runs the step
// again from its list (the partial results are not kept, so a retry never mixes two evaluations).
#include <fmt/format.h>

#include <algorithm>

#include "expr/scope.hpp"
#include "runtime/bounds.hpp"
#include "runtime/case_run.hpp"
#include "runtime/case_scope.hpp"
#include "runtime/variables.hpp"

namespace crmflow::runtime {

using model::Step;

namespace {

auto owned_by(TokenId owner) {
  return [owner](const MultiInstanceState& m) { return m.token == owner; };
}

}  // namespace

ScopeInstance* CaseRun::instance_scope(const Token& token) {
  if (token.scope == 0) return nullptr;
  for (ScopeInstance& s : state_.scopes) {
    if (s.id == token.scope) return s.instance && s.step == token.step ? &s : nullptr;
  }
  return nullptr;
}

ScopeInstance* CaseRun::enclosing_instance(ScopeId scope) {
  while (scope != 0) {
    auto found = std::find_if(state_.scopes.begin(), state_.scopes.end(),
                              [scope](const ScopeInstance& s) { return s.id == scope; });
    if (found == state_.scopes.end()) return nullptr;
    if (found->instance) return &*found;
    scope = found->parent;
  }
  return nullptr;
}

void CaseRun::use_scope(ScopeId scope) {
  scope_ = scope;
  // Called on every step: no allocation unless some locals are in sight.
  if (locals_.size() != 0) locals_ = Value::Object{};
  add_scope_locals(state_.scopes, scope, locals_);
}

Value& CaseRun::variables_for(const Token& token) {
  if (ScopeInstance* instance = enclosing_instance(token.scope)) return instance->locals;
  return record_.variables;
}

Status CaseRun::start_multi(Token token, const Step& step) {
  const model::MultiInstance& multi = *step.for_each;
  model::ValueSource source;
  source.expression = multi.items;
  auto items = evaluate(source);
  if (!items) {
    raise_incident(token, IncidentState::Phase::enter,
                   fmt::format("step '{}': for_each `{}` failed: {}", step.id, multi.items->text(),
                               items.error().message));
    return {};
  }
  if (!items->is_list()) {
    raise_incident(token, IncidentState::Phase::enter,
                   fmt::format("step '{}': for_each `{}` must give a list, not {}", step.id,
                               multi.items->text(), items->kind_name()));
    return {};
  }
  MultiInstanceState state;
  state.token = token.id;
  state.step = token.step;
  state.items = items->as_list();
  state.results.assign(state.items.size(), Value{});
  token.wait = WaitKind::instances;
  token.ref = 0;
  park(token);
  state_.multis.push_back(std::move(state));
  // An empty list completes the step at once (no boundary is armed for no time at all).
  if (state_.multis.back().items.empty()) return finish_multi(token.id);
  if (auto s = start_boundaries(token, step); !s) return s;
  const std::size_t count = multi.parallel ? state_.multis.back().items.size() : 1;
  std::vector<Token> started;
  started.reserve(count);
  for (std::size_t i = 0; i < count; ++i) started.push_back(start_instance(token));
  // The first item moves first (as branches do).
  for (std::size_t i = started.size(); i-- > 0;) stack_.push_back(started[i]);
  return {};
}

Token CaseRun::start_instance(const Token& owner) {
  MultiInstanceState& multi =
      *std::find_if(state_.multis.begin(), state_.multis.end(), owned_by(owner.id));
  const Step& step = def_.steps[owner.step];
  ScopeInstance scope;
  scope.id = state_.next_scope++;
  scope.parent = owner.scope;
  scope.owner = owner.id;
  scope.step = owner.step;
  scope.instance = true;
  scope.item = multi.started++;
  scope.locals = Value::Object{{step.for_each->as, multi.items[scope.item]}};
  state_.scopes.push_back(std::move(scope));
  Token token;
  token.id = state_.next_token++;
  token.step = owner.step;
  token.scope = state_.scopes.back().id;
  return token;
}

Status CaseRun::finish_instance(const Token& token) {
  const ScopeInstance instance = *instance_scope(token);
  const Step& step = def_.steps[token.step];
  const model::MultiInstance& multi = *step.for_each;
  auto found = std::find_if(state_.multis.begin(), state_.multis.end(), owned_by(instance.owner));
  if (found == state_.multis.end()) {
    return internal_error(
        fmt::format("case {}: an instance of step '{}' has no multi-instance "
                    "activity",
                    record_.id, step.id));
  }
  // The collected value reads the instance's locals: use_scope(token.scope) is in effect.
  Value collected;
  if (multi.collect) {
    auto value = evaluate(multi.collect->value);
    if (!value) {
      return fail_multi(instance.owner,
                        fmt::format("step '{}': collect value of item {} failed: {}", step.id,
                                    instance.item + 1, value.error().message));
    }
    collected = std::move(*value);
  }
  found->results[instance.item] = std::move(collected);
  ++found->completed;
  state_.scopes.erase(std::remove_if(state_.scopes.begin(), state_.scopes.end(),
                                     [&](const ScopeInstance& s) { return s.id == instance.id; }),
                      state_.scopes.end());
  const auto total = static_cast<std::int64_t>(found->items.size());
  const auto completed = static_cast<std::int64_t>(found->completed);
  bool done = completed == total;
  if (!done && multi.complete_when) {
    const Token* owner = find_token(instance.owner);
    use_scope(owner != nullptr ? owner->scope : 0);
    const Value completed_value{completed};
    const Value total_value{total};
    const expr::NamedScope completed_name{"completed", completed_value};
    const expr::NamedScope total_name{"total", total_value};
    const LazyCaseScope kase{record_, case_value_};
    const expr::ValueScope locals{locals_};
    const expr::ValueScope vars{record_.variables};
    const expr::ChainedScope counts{completed_name, total_name};
    const expr::ChainedScope inner{locals, vars};
    const expr::ChainedScope outer{kase, inner};
    const expr::ChainedScope scope{counts, outer};
    auto stop = multi.complete_when->evaluate_condition(scope, context());
    if (!stop) {
      return fail_multi(instance.owner,
                        fmt::format("step '{}': complete_when `{}` failed: {}", step.id,
                                    multi.complete_when->text(), stop.error().message));
    }
    done = *stop;
  }
  if (done) return finish_multi(instance.owner);
  if (!multi.parallel && found->started < found->items.size()) {
    const Token* owner = find_token(instance.owner);
    if (owner != nullptr) stack_.push_back(start_instance(*owner));
  }
  return {};
}

Status CaseRun::finish_multi(TokenId owner_id) {
  auto found = std::find_if(state_.multis.begin(), state_.multis.end(), owned_by(owner_id));
  MultiInstanceState multi = std::move(*found);
  state_.multis.erase(found);
  if (auto s = withdraw_instances(owner_id); !s) return s;
  const Token* parked = find_token(owner_id);
  if (parked == nullptr) {
    return internal_error(
        fmt::format("case {}: a multi-instance activity has no token", record_.id));
  }
  Token token = *parked;
  remove_token(token.id);
  end_activity(token);
  use_scope(token.scope);
  const Step& step = def_.steps[token.step];
  if (step.for_each->collect) {
    const std::string& into = step.for_each->collect->into;
    const Value before = record_.variables;
    assign_path(record_.variables, into, Value{Value::List(std::move(multi.results))});
    variables_size_.reset();
    if (auto problem =
            check_variables_size(record_.variables, env_.limits,
                                 fmt::format("step '{}': collecting into '{}'", step.id, into))) {
      // Nothing is collected; retry runs the step again from its list.
      record_.variables = before;
      raise_incident(token, IncidentState::Phase::enter, std::move(*problem));
      return {};
    }
    event(EventType::variables_changed, token.step, kNoId, {},
          Value::Object{{"names", Value::List{Value{into}}}});
  }
  token.wait = WaitKind::moving;
  token.ref = 0;
  return leave(token);
}

Status CaseRun::withdraw_instances(TokenId owner) {
  std::vector<ScopeId> running;
  for (const ScopeInstance& s : state_.scopes) {
    if (s.instance && s.owner == owner) running.push_back(s.id);
  }
  for (ScopeId id : running) {
    if (auto s = withdraw_scope(id); !s) return s;
  }
  auto& multis = state_.multis;
  multis.erase(std::remove_if(multis.begin(), multis.end(), owned_by(owner)), multis.end());
  return {};
}

Status CaseRun::fail_multi(TokenId owner_id, std::string message) {
  if (auto s = withdraw_instances(owner_id); !s) return s;
  const Token* parked = find_token(owner_id);
  if (parked == nullptr) return {};
  Token token = *parked;
  remove_token(token.id);
  end_activity(token);
  raise_incident(token, IncidentState::Phase::enter, std::move(message));
  return {};
}

}  // namespace crmflow::runtime
