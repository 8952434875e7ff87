// `wait` steps: timers become jobs, messages and signals become subscriptions; the token parks
// until run_due, correlate or signal moves it on.
#include <fmt/format.h>

#include "runtime/case_run.hpp"
#include "time/arithmetic.hpp"
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
      Result<Instant> due = env_.now;
      if (wait.timer.kind == model::TimerKind::date) {
        auto value = evaluate(wait.timer.date);
        due = value ? timer_moment(*value) : Result<Instant>{std::move(value).error()};
      } else {
        // TODO(calendars): a timer that names `calendar:` counts business time.
        due = time::add(env_.now, wait.timer.duration, nullptr);
      }
      if (!due) {
        raise_incident(token, IncidentState::Phase::enter,
                       fmt::format("step '{}': {}", step.id, due.error().message));
        return {};
      }
      auto id = env_.store.allocate_id(IdKind::job_id);
      if (!id) return id.status();
      JobRecord job;
      job.id = *id;
      job.case_id = record_.id;
      job.kind = JobKind::timer;
      job.due = *due;
      job.token = token.id;
      change_.jobs_added.push_back(job);
      token.wait = WaitKind::job;
      token.ref = job.id;
      park(token);
      return {};
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

Result<bool> CaseRun::fire_timer(const JobRecord& job) {
  change_.jobs_removed.push_back(job.id);
  Token* parked = find_token(job.token);
  if (parked == nullptr || parked->wait != WaitKind::job || parked->ref != job.id) return false;
  const Token token = *parked;
  remove_token(token.id);
  event(EventType::timer_fired, token.step);
  if (auto s = leave(token); !s) return std::move(s).error();
  return true;
}

Result<bool> CaseRun::receive(TokenId id, SubscriptionKind kind, const Value& vars) {
  const WaitKind expected =
      kind == SubscriptionKind::message ? WaitKind::message : WaitKind::signal;
  Token* parked = find_token(id);
  if (parked == nullptr || parked->wait != expected) return false;
  const Token token = *parked;
  remove_token(token.id);
  change_.subscriptions_removed.push_back(token.id);
  event(
      kind == SubscriptionKind::message ? EventType::message_received : EventType::signal_received,
      token.step);
  merge_variables(vars, token.step, kNoId, {});
  if (auto s = leave(token); !s) return std::move(s).error();
  return true;
}

}  // namespace crmflow::runtime
