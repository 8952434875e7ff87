// Boundary events and event-gateway races.
//
// An activity (user task, service job, timer wait) that begins waiting arms its boundaries: a
// boundary_timer job per timer (JobRecord::index = the boundary), a subscription per message
// (Subscription::boundary = index + 1). Interrupting boundaries withdraw the activity and move its
// token along the boundary flow; non-interrupting ones start a new token there and leave the
// activity (a cycle re-arms for its next occurrence). Whatever ends an activity disarms them
// (end_activity).
//
// An event gateway parks no token of its own: it starts one racer token per target `wait` and
// records the race; the first racer to fire wins and the others are withdrawn.
#include <fmt/format.h>

#include <algorithm>

#include "runtime/case_run.hpp"

namespace crmflow::runtime {

using model::Boundary;
using model::BoundaryKind;
using model::Step;

Status CaseRun::start_boundaries(const Token& token, const Step& step) {
  // A multi-instance step's boundaries are armed once, on the token of the whole activity.
  if (step.for_each && instance_scope(token) != nullptr) return {};
  for (std::uint32_t i = 0; i < step.boundary.size(); ++i) {
    const Boundary& b = step.boundary[i];
    if (b.kind == BoundaryKind::timer) {
      auto due = timer_due(b.timer, env_.now, 0);
      if (!due) {
        // The activity runs on; the boundary cannot be armed, which an operator must know.
        event(EventType::incident_raised, token.step, kNoId, {},
              Value::Object{{"message", fmt::format("step '{}': boundary timer {} cannot be "
                                                    "armed: {}",
                                                    step.id, i + 1, due.error().message)}});
        continue;
      }
      if (!due->has_value()) continue;
      auto job = schedule(JobKind::boundary_timer, **due, token);
      if (!job) return job.status();
      change_.jobs_added.back().index = i;
      state_.boundaries.push_back(BoundaryWait{token.id, i, *job, 0, env_.now});
    } else if (b.kind == BoundaryKind::message) {
      Subscription sub;
      sub.case_id = record_.id;
      sub.token = token.id;
      sub.boundary = i + 1;
      sub.kind = SubscriptionKind::message;
      sub.name = b.message.name;
      if (b.message.key) {
        auto key = render(*b.message.key);
        if (!key) {
          event(EventType::incident_raised, token.step, kNoId, {},
                Value::Object{{"message", fmt::format("step '{}': the key of boundary message {} "
                                                      "failed: {}",
                                                      step.id, i + 1, key.error().message)}});
          continue;
        }
        sub.key = std::move(*key);
      }
      change_.subscriptions_added.push_back(std::move(sub));
      state_.boundaries.push_back(BoundaryWait{token.id, i, 0, 0, env_.now});
    }
  }
  return {};
}

void CaseRun::end_activity(const Token& token) {
  bool subscribed = token.wait == WaitKind::message || token.wait == WaitKind::signal;
  auto& armed = state_.boundaries;
  for (const BoundaryWait& b : armed) {
    if (b.token != token.id) continue;
    if (b.job != 0) {
      change_.jobs_removed.push_back(b.job);
    } else {
      subscribed = true;
    }
  }
  armed.erase(std::remove_if(armed.begin(), armed.end(),
                             [&](const BoundaryWait& b) { return b.token == token.id; }),
              armed.end());
  auto& alarms = state_.alarms;
  for (const ArmedAlarm& a : alarms) {
    if (a.token == token.id) change_.jobs_removed.push_back(a.job);
  }
  alarms.erase(std::remove_if(alarms.begin(), alarms.end(),
                              [&](const ArmedAlarm& a) { return a.token == token.id; }),
               alarms.end());
  if (subscribed) change_.subscriptions_removed.push_back(token.id);
}

Result<bool> CaseRun::fire_boundary_timer(const JobRecord& job) {
  change_.jobs_removed.push_back(job.id);
  auto armed = std::find_if(state_.boundaries.begin(), state_.boundaries.end(),
                            [&](const BoundaryWait& b) { return b.job == job.id; });
  if (armed == state_.boundaries.end()) return false;
  const Token* parked = find_token(armed->token);
  if (parked == nullptr) return false;
  const Token token = *parked;
  use_scope(token.scope);  // texts and keys read the instance locals, if any
  const std::uint32_t index = armed->index;
  ++armed->fired;
  const Step& step = def_.steps[token.step];
  event(EventType::timer_fired, token.step, token.wait == WaitKind::task ? token.ref : kNoId, {},
        Value::Object{{"boundary", static_cast<std::int64_t>(index)}});
  if (std::any_of(step.notify.begin(), step.notify.end(),
                  [](const model::Notification& n) { return n.on == model::NotifyOn::timeout; })) {
    std::optional<Task> task;
    if (token.wait == WaitKind::task) {
      auto loaded = env_.store.load_task(token.ref);
      if (loaded) task = std::move(*loaded);
    }
    notify(step, model::NotifyOn::timeout, task ? &*task : nullptr);
  }
  if (auto s = fire_boundary(token, index); !s) return std::move(s).error();
  return true;
}

Status CaseRun::fire_boundary(Token token, std::uint32_t index) {
  const Step& step = def_.steps[token.step];
  const Boundary& b = step.boundary[index];
  Token next;
  next.step = def_.flows[b.flow].to;
  next.via = b.flow;
  next.scope = token.scope;
  if (b.interrupting) {
    if (auto s = withdraw(token); !s) return s;
    remove_token(token.id);
    next.id = token.id;
  } else {
    next.id = state_.next_token++;
    if (b.kind == BoundaryKind::timer) {
      auto armed = std::find_if(
          state_.boundaries.begin(), state_.boundaries.end(),
          [&](const BoundaryWait& w) { return w.token == token.id && w.index == index; });
      if (armed != state_.boundaries.end()) {
        auto due = timer_due(b.timer, armed->anchor, armed->fired);
        if (due && due->has_value()) {
          auto job = schedule(JobKind::boundary_timer, **due, token);
          if (!job) return job.status();
          change_.jobs_added.back().index = index;
          armed->job = *job;
        } else {
          state_.boundaries.erase(armed);  // the cycle is over
        }
      }
    }
  }
  stack_.push_back(next);
  return {};
}

Status CaseRun::start_race(const Token& token, const Step& gateway) {
  EventRace race;
  race.gateway = static_cast<std::uint32_t>(&gateway - def_.steps.data());
  race.scope = token.scope;
  for (std::size_t i = 0; i < flows_.size(); ++i) {
    Token racer = token;
    if (i != 0) racer.id = state_.next_token++;
    racer.via = flows_[i];
    racer.step = def_.flows[flows_[i]].to;
    racer.wait = WaitKind::moving;
    race.racers.push_back(racer.id);
    const Step& target = def_.steps[racer.step];
    if (target.type != model::StepType::wait) {
      raise_incident(
          racer, IncidentState::Phase::enter,
          fmt::format("step '{}': an event gateway may only lead to wait steps", target.id));
      continue;
    }
    if (auto s = start_wait(racer, target); !s) return s;
  }
  state_.races.push_back(std::move(race));
  return {};
}

Status CaseRun::settle_race(TokenId winner) {
  auto race = std::find_if(state_.races.begin(), state_.races.end(), [&](const EventRace& r) {
    return std::find(r.racers.begin(), r.racers.end(), winner) != r.racers.end();
  });
  if (race == state_.races.end()) return {};
  const std::vector<TokenId> racers = std::move(race->racers);
  state_.races.erase(race);
  for (TokenId id : racers) {
    if (id == winner) continue;
    const Token* loser = find_token(id);
    if (loser == nullptr) continue;
    const Token copy = *loser;
    if (auto s = withdraw(copy); !s) return s;
    remove_token(copy.id);
  }
  return {};
}

}  // namespace crmflow::runtime
