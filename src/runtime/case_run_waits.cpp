// `wait` steps: timers become jobs, messages and signals become subscriptions; the token parks
// until run_due, correlate or signal moves it on.
#include <fmt/format.h>

#include "runtime/bounds.hpp"
#include "runtime/case_run.hpp"
#include "time/cycle.hpp"

namespace crmflow::runtime {

using model::Step;

Status CaseRun::start_wait(Token token, const Step& step) {
  const auto& wait = std::get<model::WaitStep>(step.detail);
  switch (wait.kind) {
    case model::WaitStep::Kind::timer: {
      auto due = timer_due(wait.timer, env_.now, 0);
      if (!due || !due->has_value()) {
        raise_incident(
            token, IncidentState::Phase::enter,
            fmt::format("step '{}': {}", step.id,
                        due ? std::string{"the timer never fires"} : due.error().message));
        return {};
      }
      auto job = schedule(JobKind::timer, **due, token);
      if (!job) return job.status();
      token.wait = WaitKind::job;
      token.ref = *job;
      park(token);
      return start_boundaries(token, step);
    }
    case model::WaitStep::Kind::message: {
      Subscription sub;
      sub.case_id = record_.id;
      sub.token = token.id;
      sub.kind = SubscriptionKind::message;
      sub.name = wait.message.name;
      if (wait.message.key) {
        auto key = render(*wait.message.key);
        if (!key) {
          raise_incident(token, IncidentState::Phase::enter,
                         fmt::format("step '{}': rendering the message key failed: {}", step.id,
                                     key.error().message));
          return {};
        }
        sub.key = std::move(*key);
      }
      change_.subscriptions_added.push_back(std::move(sub));
      token.wait = WaitKind::message;
      park(token);
      return {};
    }
    case model::WaitStep::Kind::signal: {
      Subscription sub;
      sub.case_id = record_.id;
      sub.token = token.id;
      sub.kind = SubscriptionKind::signal;
      sub.name = wait.signal;
      change_.subscriptions_added.push_back(std::move(sub));
      token.wait = WaitKind::signal;
      park(token);
      return {};
    }
  }
  return {};
}

Result<std::optional<Instant>> CaseRun::timer_due(const model::Timer& timer, Instant anchor,
                                                  std::uint32_t occurrence) const {
  // Plain time unless the step names its own `calendar:` (spec: "Calendars").
  auto basis = time_basis(env_.calendars, timer.calendar, zone_);
  if (!basis) return std::move(basis).error();
  switch (timer.kind) {
    case model::TimerKind::duration: {
      if (occurrence > 0) return std::optional<Instant>{};
      auto due = basis->add(anchor, timer.duration);
      if (!due) return std::move(due).error();
      return std::optional<Instant>{*due};
    }
    case model::TimerKind::date: {
      // A date is a moment: no calendar moves it.
      if (occurrence > 0) return std::optional<Instant>{};
      auto value = evaluate(timer.date);
      if (!value) return std::move(value).error();
      auto due = moment_of(*value, zone_, "the timer date");
      if (!due) return std::move(due).error();
      return std::optional<Instant>{*due};
    }
    case model::TimerKind::cycle: {
      auto cycle = time::Cycle::parse(timer.cycle, zone_);
      if (!cycle) return std::move(cycle).error();
      return basis->occurrence(*cycle, occurrence, anchor);
    }
  }
  return std::optional<Instant>{};
}

Result<bool> CaseRun::fire_timer(const JobRecord& job) {
  change_.jobs_removed.push_back(job.id);
  Token* parked = find_token(job.token);
  if (parked == nullptr || parked->wait != WaitKind::job || parked->ref != job.id) return false;
  const Token token = *parked;
  use_scope(token.scope);  // texts and keys read the instance locals, if any
  remove_token(token.id);
  end_activity(token);
  if (auto s = settle_race(token.id); !s) return std::move(s).error();
  event(EventType::timer_fired, token.step);
  if (auto s = leave(token); !s) return std::move(s).error();
  return true;
}

Result<bool> CaseRun::receive(const Subscription& subscription, const Value& vars) {
  Token* parked = find_token(subscription.token);
  if (parked == nullptr) return false;
  const Token token = *parked;
  use_scope(token.scope);  // texts and keys read the instance locals, if any
  const bool is_message = subscription.kind == SubscriptionKind::message;
  if (subscription.boundary > 0) {
    const std::uint32_t index = subscription.boundary - 1;
    const auto& boundaries = def_.steps[token.step].boundary;
    if (index >= boundaries.size() || boundaries[index].kind != model::BoundaryKind::message) {
      return false;
    }
    event(EventType::message_received, token.step, kNoId, {},
          Value::Object{{"boundary", static_cast<std::int64_t>(index)}});
    merge_variables(vars, token.step, kNoId, {});
    if (auto s = check_received(subscription, vars); !s) return std::move(s).error();
    if (auto s = fire_boundary(token, index); !s) return std::move(s).error();
    return true;
  }
  if (token.wait != (is_message ? WaitKind::message : WaitKind::signal)) return false;
  remove_token(token.id);
  end_activity(token);
  if (auto s = settle_race(token.id); !s) return std::move(s).error();
  event(is_message ? EventType::message_received : EventType::signal_received, token.step);
  merge_variables(vars, token.step, kNoId, {});
  if (auto s = check_received(subscription, vars); !s) return std::move(s).error();
  if (auto s = leave(token); !s) return std::move(s).error();
  return true;
}

Status CaseRun::check_received(const Subscription& subscription, const Value& vars) const {
  return check_submitted(
      vars, record_.variables, env_.limits,
      fmt::format("{} '{}' to case {}",
                  subscription.kind == SubscriptionKind::message ? "message" : "signal",
                  subscription.name, record_.id));
}

}  // namespace crmflow::runtime
