// Joins: parallel steps fire when every incoming flow holds an arrival; inclusive steps fire when
// some flow holds one and no live token of the same scope instance can still reach a flow that
// holds none (ProcessPlan::feeds). Arrivals beyond one per flow wait for the next firing (BPMN).
#include <algorithm>

#include "runtime/case_run.hpp"

namespace crmflow::runtime {

using model::StepType;

Status CaseRun::arrive_at_join(Token token) {
  auto found = std::find_if(state_.joins.begin(), state_.joins.end(), [&](const JoinState& j) {
    return j.scope == token.scope && j.step == token.step;
  });
  if (found == state_.joins.end()) {
    JoinState join;
    join.scope = token.scope;
    join.step = token.step;
    join.arrived.assign(def_.steps[token.step].incoming.size(), 0);
    state_.joins.push_back(std::move(join));
    found = std::prev(state_.joins.end());
  }
  ++found->arrived[plan_.incoming_position[token.via]];
  const bool ready = def_.steps[token.step].type == StepType::parallel
                         ? std::all_of(found->arrived.begin(), found->arrived.end(),
                                       [](std::uint32_t n) { return n > 0; })
                         : inclusive_join_ready(*found);
  if (!ready) return {};
  return fire_join(static_cast<std::size_t>(found - state_.joins.begin()));
}

bool CaseRun::inclusive_join_ready(const JoinState& join) const {
  if (std::all_of(join.arrived.begin(), join.arrived.end(),
                  [](std::uint32_t n) { return n == 0; })) {
    return false;
  }
  const std::vector<StepSet>& feeds = plan_.feeds[join.step];
  for (std::size_t i = 0; i < join.arrived.size(); ++i) {
    if (join.arrived[i] > 0) continue;
    const StepSet& can_feed = feeds[i];
    for (const Token& t : state_.tokens) {
      if (t.scope == join.scope && can_feed.contains(t.step)) return false;
    }
    for (const Token& t : stack_) {
      if (t.scope != join.scope) continue;
      if (t.step == join.step) {
        // Arriving right now, on this very flow: wait for it.
        if (t.via != model::kNoFlow && plan_.incoming_position[t.via] == i) return false;
      } else if (can_feed.contains(t.step)) {
        return false;
      }
    }
    for (const JoinState& other : state_.joins) {
      if (&other != &join && other.scope == join.scope && can_feed.contains(other.step)) {
        return false;
      }
    }
  }
  return true;
}

Status CaseRun::fire_join(std::size_t index) {
  JoinState& join = state_.joins[index];
  for (std::uint32_t& n : join.arrived) {
    if (n > 0) --n;
  }
  Token token;
  token.id = state_.next_token++;
  token.step = join.step;
  token.scope = join.scope;
  if (std::all_of(join.arrived.begin(), join.arrived.end(),
                  [](std::uint32_t n) { return n == 0; })) {
    state_.joins.erase(state_.joins.begin() + static_cast<std::ptrdiff_t>(index));
  }
  event(EventType::step_entered, token.step);
  return leave(token);
}

// After the stack is empty, an inclusive join may be ready because the tokens it waited for went
// elsewhere. Fires the first ready one; returns whether it fired (then the caller moves tokens
// again).
bool CaseRun::fire_ready_joins(Status& status) {
  for (std::size_t i = 0; i < state_.joins.size(); ++i) {
    const JoinState& join = state_.joins[i];
    if (def_.steps[join.step].type != StepType::inclusive || !inclusive_join_ready(join)) continue;
    status = fire_join(i);
    return status.ok();
  }
  return false;
}

}  // namespace crmflow::runtime
