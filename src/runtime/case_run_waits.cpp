// `wait` steps: timers become jobs, messages and signals become subscriptions; the token parks
// until run_due, correlate or signal moves it on.
#include <fmt/format.h>

#include "runtime/case_run.hpp"
#include "time/arithmetic.hpp"
#include "time/cycle.hpp"
#include "time/iso8601.hpp"

namespace crmflow::runtime {

using model::Step;

namespace {

// The moment a timer `date` gave: a datetime, a date (its start, UTC), or ISO text of either.
Result<Instant> timer_moment(const Value& value) {
  if (value.is_datetime()) return value.as_datetime().at;
  if (value.is_date()) return Instant{value.as_date().day};
  if (value.is_string()) {
    if (auto dt = time::parse_datetime(value.as_string(), nullptr)) return dt->at;
    if (auto d = time::parse_date(value.as_string())) return Instant{d->day};
  }
  return invalid_input(fmt::format("the timer date must be a datetime, not {}", value.kind_name()));
}

}  // namespace

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
  // TODO(calendars): a timer that names `calendar:` counts business time.
  switch (timer.kind) {
    case model::TimerKind::duration: {
      if (occurrence > 0) return std::optional<Instant>{};
      auto due = time::add(anchor, timer.duration, nullptr);
      if (!due) return std::move(due).error();
      return std::optional<Instant>{*due};
    }
    case model::TimerKind::date: {
      if (occurrence > 0) return std::optional<Instant>{};
      auto value = evaluate(timer.date);
      if (!value) return std::move(value).error();
      auto due = timer_moment(*value);
      if (!due) return std::move(due).error();
      return std::optional<Instant>{*due};
    }
    case model::TimerKind::cycle: {
      auto cycle = time::Cycle::parse(timer.cycle, nullptr);
      if (!cycle) return std::move(cycle).error();
      return cycle->occurrence(occurrence, anchor);
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
    if (auto s = fire_boundary(token, index); !s) return std::move(s).error();
    return true;
  }
  if (token.wait != (is_message ? WaitKind::message : WaitKind::signal)) return false;
  remove_token(token.id);
  end_activity(token);
  if (auto s = settle_race(token.id); !s) return std::move(s).error();
  event(is_message ? EventType::message_received : EventType::signal_received, token.step);
  merge_variables(vars, token.step, kNoId, {});
  if (auto s = leave(token); !s) return std::move(s).error();
  return true;
}

}  // namespace crmflow::runtime
