// `service` steps: a job per try. The handler runs outside any transaction (Engine::run_due
// leases the job, asks service_call for the input, calls the handler, then applies its outcome
// with finish_service in a fresh run), so a slow handler never holds a case open.
#include <fmt/format.h>

#include <algorithm>

#include "expr/scope.hpp"
#include "runtime/bounds.hpp"
#include "runtime/case_run.hpp"
#include "runtime/case_scope.hpp"
#include "runtime/variables.hpp"
#include "time/arithmetic.hpp"

namespace crmflow::runtime {

using model::Step;

Result<JobId> CaseRun::schedule(JobKind kind, Instant due, const Token& token) {
  auto id = env_.store.allocate_id(IdKind::job_id);
  if (!id) return std::move(id).error();
  JobRecord job;
  job.id = *id;
  job.case_id = record_.id;
  job.kind = kind;
  job.due = due;
  job.token = token.id;
  job.attempt = token.attempt;
  change_.jobs_added.push_back(job);
  return job.id;
}

Result<Value> CaseRun::evaluate_with(const model::ValueSource& source, std::string_view name,
                                     const Value& value) const {
  if (!source.expression) return source.literal;
  const expr::NamedScope bound{name, value};
  const LazyCaseScope kase{record_, case_value_};
  const expr::ValueScope locals{locals_};
  const expr::ValueScope vars{record_.variables};
  const expr::ChainedScope own{locals, vars};
  const expr::ChainedScope inner{kase, own};
  const expr::ChainedScope scope{bound, inner};
  return source.expression->evaluate(scope, context());
}

std::optional<std::string> CaseRun::apply_output(
    const Token& token, const model::Step& step,
    const std::optional<std::vector<model::Assignment>>& output, const Value& result) {
  // An instance of a multi-instance step keeps its result in its locals (for `collect`).
  Value& target = variables_for(token);
  // A result beyond the bounds writes nothing (a Value copy shares its contents).
  if (auto problem =
          check_depth(result, env_.limits, fmt::format("step '{}': the result", step.id))) {
    return problem;
  }
  const Value before = target;
  const bool into_case = &target == &record_.variables;
  // The size after each write; an instance's locals (small, rare) are measured whole.
  auto too_large = [&](std::string_view name, const Value& value, std::string_view where) {
    return into_case ? variables_size_.wrote(target, name, value, env_.limits, where)
                     : check_variables_size(target, env_.limits, where);
  };
  Value::List names;
  if (output) {
    for (const model::Assignment& a : *output) {
      auto value = evaluate_with(a.value, "result", result);
      if (!value) {
        return fmt::format("step '{}': output '{}' failed: {}", step.id, a.name,
                           value.error().message);
      }
      const std::string where = fmt::format("step '{}': output '{}'", step.id, a.name);
      if (auto problem = check_depth(*value, env_.limits, where)) {
        target = before;
        return problem;
      }
      assign_path(target, a.name, *value);
      if (auto problem = too_large(a.name, *value, where)) {
        target = before;
        return problem;
      }
      names.emplace_back(a.name);
    }
  } else if (result.is_object()) {
    const std::string where = fmt::format("step '{}': the result", step.id);
    for (const auto& [name, value] : result.as_object()) {
      target.set(name, value);
      if (auto problem = too_large(name, value, where)) {
        target = before;
        return problem;
      }
      names.emplace_back(name);
    }
  }
  if (!names.empty()) {
    event(EventType::variables_changed, token.step, kNoId, {},
          Value::Object{{"names", std::move(names)}});
  }
  return std::nullopt;
}

Status CaseRun::start_service(Token token, const Step& step) {
  auto job = schedule(JobKind::service, env_.now, token);
  if (!job) return job.status();
  token.wait = WaitKind::job;
  token.ref = *job;
  park(token);
  return start_boundaries(token, step);
}

Result<std::optional<JobContext>> CaseRun::service_call(const JobRecord& job) {
  const Token* parked = find_token(job.token);
  if (parked == nullptr || parked->wait != WaitKind::job || parked->ref != job.id) {
    change_.jobs_removed.push_back(job.id);
    return std::optional<JobContext>{};
  }
  const Step& step = def_.steps[parked->step];
  const auto& service = std::get<model::ServiceTask>(step.detail);
  use_scope(parked->scope);
  JobContext call;
  call.case_id = record_.id;
  call.process_id = record_.process_id;
  call.step_id = step.id;
  call.handler = service.handler;
  call.case_key = record_.key;
  call.attempt = job.attempt;
  call.now = env_.now;
  call.idempotency_key = fmt::format("{}/{}/{}", record_.id, step.id, job.id);
  if (!service.input) {
    // An instance of a multi-instance step also passes its locals (the item).
    call.input = record_.variables;
    if (locals_.size() != 0) {
      for (const auto& [name, value] : locals_.as_object()) call.input.set(name, value);
    }
  } else {
    call.input = Value::Object{};
    for (const model::Assignment& a : *service.input) {
      auto value = evaluate(a.value);
      if (!value) {
        // The input cannot be built: no point calling the handler, and expression errors are
        // never retried: an incident at once.
        change_.jobs_removed.push_back(job.id);
        Token token = *parked;
        remove_token(token.id);
        raise_incident(token, IncidentState::Phase::enter,
                       fmt::format("step '{}': input '{}' failed: {}", step.id, a.name,
                                   value.error().message));
        return std::optional<JobContext>{};
      }
      assign_path(call.input, a.name, std::move(*value));
    }
  }
  return std::optional<JobContext>{std::move(call)};
}

Result<bool> CaseRun::finish_service(const JobRecord& job, const HandlerResult& outcome) {
  change_.jobs_removed.push_back(job.id);
  Token* parked = find_token(job.token);
  if (parked == nullptr || parked->wait != WaitKind::job || parked->ref != job.id) return false;
  Token token = *parked;
  remove_token(token.id);
  const Step& step = def_.steps[token.step];
  const auto& service = std::get<model::ServiceTask>(step.detail);
  use_scope(token.scope);
  switch (outcome.kind()) {
    case HandlerResult::Kind::ok: {
      if (auto failure = apply_output(token, step, service.output, outcome.result())) {
        raise_incident(token, IncidentState::Phase::enter, std::move(*failure));
        return true;
      }
      end_activity(token);
      if (auto s = leave(token); !s) return std::move(s).error();
      return true;
    }
    case HandlerResult::Kind::business_error: {
      auto caught = throw_error(token, outcome.error_code());
      if (!caught) return std::move(caught).error();
      if (*caught) return true;
    }
      raise_incident(token, IncidentState::Phase::enter,
                     fmt::format("step '{}': handler '{}' raised business error '{}'{}{}; no "
                                 "boundary error event catches it",
                                 step.id, service.handler, outcome.error_code(),
                                 outcome.message().empty() ? "" : ": ", outcome.message()));
      return true;
    case HandlerResult::Kind::failure:
      break;
  }
  event(EventType::job_failed, token.step, kNoId, {},
        Value::Object{{"message", outcome.message()},
                      {"attempt", static_cast<std::int64_t>(job.attempt)}});
  if (job.attempt > service.retries) {
    raise_incident(
        token, IncidentState::Phase::enter,
        fmt::format("step '{}': handler '{}' failed after {} {}: {}", step.id, service.handler,
                    job.attempt, job.attempt == 1 ? "try" : "tries", outcome.message()));
    return true;
  }
  // The n-th retry waits retry_backoff × 2^(n-1) after the failure.
  auto backoff = time::multiply(service.retry_backoff,
                                std::int64_t{1} << std::min<std::uint32_t>(job.attempt - 1, 30));
  Result<Instant> due = backoff ? time::add(env_.now, *backoff, nullptr)
                                : Result<Instant>{std::move(backoff).error()};
  if (!due) {
    raise_incident(token, IncidentState::Phase::enter,
                   fmt::format("step '{}': the retry backoff cannot be computed: {}", step.id,
                               due.error().message));
    return true;
  }
  token.attempt = job.attempt + 1;
  auto next = schedule(JobKind::service, *due, token);
  if (!next) return std::move(next).error();
  token.wait = WaitKind::job;
  token.ref = *next;
  park(token);
  return true;
}

}  // namespace crmflow::runtime
