// Subprocesses (scope instances) and business errors that travel outwards through them.
//
// A token entering a subprocess step parks there (WaitKind::scope) and a new scope instance
// starts a token at the subprocess's first step. When nothing runs inside an instance any more
// (no token, no join holding arrivals, no race), the instance completes and the parked token
// leaves the subprocess step. Withdrawing the parked token (an interrupting boundary, terminate,
// cancel) withdraws everything inside, depth first.
#include <fmt/format.h>

#include <algorithm>

#include "runtime/case_run.hpp"

namespace crmflow::runtime {

using model::Boundary;
using model::BoundaryKind;
using model::Step;

Status CaseRun::start_subprocess(Token token, const Step& step) {
  const auto& sub = std::get<model::SubprocessStep>(step.detail);
  ScopeInstance scope;
  scope.id = state_.next_scope++;
  scope.parent = token.scope;
  scope.owner = token.id;
  scope.step = token.step;
  state_.scopes.push_back(scope);
  token.wait = WaitKind::scope;
  token.ref = scope.id;
  park(token);
  if (auto s = start_boundaries(token, step); !s) return s;
  Token inner;
  inner.id = state_.next_token++;
  inner.step = sub.first;
  inner.scope = scope.id;
  stack_.push_back(inner);
  return {};
}

bool CaseRun::complete_finished_scope(Status& status) {
  for (std::size_t i = 0; i < state_.scopes.size(); ++i) {
    // An instance of a multi-instance step finishes when its token leaves the step.
    if (state_.scopes[i].instance) continue;
    const ScopeId id = state_.scopes[i].id;
    auto in_scope = [id](const auto& thing) { return thing.scope == id; };
    if (std::any_of(state_.tokens.begin(), state_.tokens.end(), in_scope) ||
        std::any_of(state_.joins.begin(), state_.joins.end(), in_scope) ||
        std::any_of(state_.races.begin(), state_.races.end(), in_scope)) {
      continue;
    }
    const ScopeInstance done = state_.scopes[i];
    state_.scopes.erase(state_.scopes.begin() + static_cast<std::ptrdiff_t>(i));
    const Token* owner = find_token(done.owner);
    if (owner == nullptr || owner->wait != WaitKind::scope) continue;
    Token token = *owner;
    remove_token(token.id);
    end_activity(token);
    token.wait = WaitKind::moving;
    token.ref = 0;
    status = leave(token);
    return status.ok();
  }
  return false;
}

Status CaseRun::empty_scope(ScopeId scope) {
  const std::vector<Token> tokens = state_.tokens;
  for (const Token& t : tokens) {
    if (t.scope != scope) continue;
    if (auto s = withdraw(t); !s) return s;
    remove_token(t.id);
  }
  auto in_scope = [scope](const auto& thing) { return thing.scope == scope; };
  stack_.erase(std::remove_if(stack_.begin(), stack_.end(), in_scope), stack_.end());
  state_.joins.erase(std::remove_if(state_.joins.begin(), state_.joins.end(), in_scope),
                     state_.joins.end());
  state_.races.erase(std::remove_if(state_.races.begin(), state_.races.end(), in_scope),
                     state_.races.end());
  return {};
}

Status CaseRun::withdraw_scope(ScopeId scope) {
  if (auto s = empty_scope(scope); !s) return s;
  state_.scopes.erase(std::remove_if(state_.scopes.begin(), state_.scopes.end(),
                                     [scope](const ScopeInstance& s) { return s.id == scope; }),
                      state_.scopes.end());
  return {};
}

namespace {

// The boundary of `step` that catches `code`: an exact match first, else `"*"`.
const Boundary* catcher(const Step& step, std::string_view code) {
  const Boundary* any = nullptr;
  for (const Boundary& b : step.boundary) {
    if (b.kind != BoundaryKind::error) continue;
    if (b.error_code == code) return &b;
    if (b.error_code == "*" && any == nullptr) any = &b;
  }
  return any;
}

}  // namespace

Result<bool> CaseRun::throw_error(const Token& token, std::string_view code,
                                  bool thrower_completes) {
  const Value data = Value::Object{{"error", std::string{code}}};
  // The step itself (a service step's boundary); an instance of a multi-instance step leaves
  // that to the whole activity, its instance scope below.
  const Boundary* own =
      instance_scope(token) == nullptr ? catcher(def_.steps[token.step], code) : nullptr;
  if (const Boundary* b = own) {
    end_activity(token);
    event(EventType::step_withdrawn, token.step, kNoId, {}, data);
    Token next;
    next.id = token.id;
    next.step = def_.flows[b->flow].to;
    next.via = b->flow;
    next.scope = token.scope;
    stack_.push_back(next);
    return true;
  }
  // Then each enclosing subprocess, outwards.
  ScopeId scope = token.scope;
  while (scope != 0) {
    auto found = std::find_if(state_.scopes.begin(), state_.scopes.end(),
                              [scope](const ScopeInstance& s) { return s.id == scope; });
    if (found == state_.scopes.end()) break;
    const ScopeInstance instance = *found;
    // The subprocess run by an instance of a multi-instance subprocess: its boundaries belong to
    // the whole activity, the instance scope just outside.
    const bool in_instance =
        !instance.instance &&
        std::any_of(state_.scopes.begin(), state_.scopes.end(), [&](const ScopeInstance& s) {
          return s.id == instance.parent && s.instance && s.step == instance.step;
        });
    const Boundary* b = in_instance ? nullptr : catcher(def_.steps[instance.step], code);
    if (b == nullptr) {
      scope = instance.parent;
      continue;
    }
    end_activity(token);
    if (thrower_completes) {
      left(token);
    } else {
      event(EventType::step_withdrawn, token.step, kNoId, {}, data);
    }
    const Token* owner = find_token(instance.owner);
    if (owner == nullptr) return false;
    const Token parked = *owner;
    if (auto s = withdraw(parked); !s) return std::move(s).error();
    remove_token(parked.id);
    Token next;
    next.id = parked.id;
    next.step = def_.flows[b->flow].to;
    next.via = b->flow;
    next.scope = parked.scope;
    stack_.push_back(next);
    return true;
  }
  return false;
}

}  // namespace crmflow::runtime
