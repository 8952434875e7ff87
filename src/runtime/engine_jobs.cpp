// Engine::run_due: firing due jobs, each in a commit of its own, the clock reading the job's due
// moment. Service handlers run between two commits: the job is leased, the handler called
// outside any run, and its outcome applied to the case as it is then.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <exception>

#include "crmflow/engine.hpp"
#include "runtime/engine_impl.hpp"
#include "runtime/triggers.hpp"

namespace crmflow {

namespace {

HandlerResult call_handler(const HandlerRegistry& handlers, const JobContext& call) {
  const Handler* handler = handlers.find(call.handler);
  if (handler == nullptr || !*handler) {
    return HandlerResult::failure(
        fmt::format("no handler is registered under '{}'; register it with "
                    "engine.handlers().add",
                    call.handler));
  }
  try {
    return (*handler)(call);
  } catch (const std::exception& e) {
    return HandlerResult::failure(fmt::format("handler '{}' threw: {}", call.handler, e.what()));
  } catch (...) {
    return HandlerResult::failure(fmt::format("handler '{}' threw", call.handler));
  }
}

// Fires one occurrence of a trigger: starts a case of the version that armed it, the clock at
// the occurrence's due moment, and in that case's commit replaces the job by the next
// occurrence's. Occurrences missed while no engine ran are each fired once, in order (run_due
// finds the next one due at once); there is no cap.
Status fire_trigger(runtime::EngineCore& core, Store& store, const JobRecord& job) {
  auto plan = core.plan(job.process_id, job.version);
  if (!plan) return std::move(plan).error();
  const model::Definition& definition = *(*plan)->definition;
  if (job.index >= definition.triggers.size()) {
    return internal_error(
        fmt::format("trigger job {} names trigger {} of process '{}' version {}, "
                    "which has {} triggers",
                    job.id, job.index, job.process_id, job.version, definition.triggers.size()));
  }
  const model::Trigger& trigger = definition.triggers[job.index];
  auto armed = store.definition(job.process_id, job.version);
  if (!armed) return std::move(armed).error();
  if (!armed->has_value()) {
    return internal_error(fmt::format("trigger job {}: process '{}' version {} is not deployed",
                                      job.id, job.process_id, job.version));
  }
  runtime::EngineCore::TriggerFiring firing{&job, trigger.kind, std::nullopt};
  auto next = runtime::next_occurrence(trigger, (*armed)->deployed_at,
                                       runtime::Occurrence{job.due, job.occurrence});
  if (!next) return std::move(next).error();
  if (next->has_value()) {
    auto id = store.allocate_id(IdKind::job_id);
    if (!id) return std::move(id).error();
    firing.next = runtime::trigger_job(*id, job.process_id, job.version, job.index, **next);
  }
  auto started = core.start_case(**plan, StartOptions{}, &firing);
  if (!started) return std::move(started).error();
  return {};
}

// Fires one due job in a commit of its own. `raced`: the commit lost to another call on the
// case (or another worker fired the job): look at the store again.
Status fire_job(runtime::EngineCore& core, Store& store, const HandlerRegistry& handlers,
                const JobRecord& job, bool& raced) {
  if (job.kind == JobKind::trigger) {
    // A trigger belongs to no case: the lease taken by the caller is what keeps two workers
    // from firing one occurrence twice; the started case's commit removes it.
    return fire_trigger(core, store, job);
  }
  auto loaded = core.load(job.case_id);
  if (!loaded) return std::move(loaded).error();
  // While a job fires the clock reads its due moment (spec: Time).
  const runtime::RunEnvironment env = core.environment(job.due);
  runtime::CaseRun run{*loaded->plan, std::move(loaded->record), env, false};
  switch (job.kind) {
    case JobKind::timer: {
      auto moved = run.fire_timer(job);
      if (!moved) return std::move(moved).error();
      break;
    }
    case JobKind::service: {
      auto call = run.service_call(job);
      if (!call) return std::move(call).error();
      if (!call->has_value()) break;  // commit the removal or the incident
      const HandlerResult outcome = call_handler(handlers, **call);
      // The outcome is applied to the case as it is now; a lost race applies it again to the
      // case as the winner left it (the handler is not called twice).
      return runtime::rerun_lost_races([&](bool& lost) -> Status {
        auto reloaded = core.load(job.case_id);
        if (!reloaded) return std::move(reloaded).error();
        runtime::CaseRun after{*reloaded->plan, std::move(reloaded->record), env, false};
        if (auto a = after.finish_service(job, outcome); !a) return std::move(a).error();
        if (auto s = after.run(); !s) return s;
        return core.commit(after, &lost);
      });
    }
    case JobKind::boundary_timer: {
      auto moved = run.fire_boundary_timer(job);
      if (!moved) return std::move(moved).error();
      break;
    }
    case JobKind::alarm: {
      auto fired_alarm = run.fire_alarm(job);
      if (!fired_alarm) return std::move(fired_alarm).error();
      break;
    }
    case JobKind::trigger:  // fired above
    case JobKind::delivery:
      return internal_error(fmt::format("job {} of case {}: jobs of kind '{}' are not run by this "
                                        "engine version (deliveries live in the outbox)",
                                        job.id, job.case_id, static_cast<int>(job.kind)));
  }
  if (auto s = run.run(); !s) return s;
  return core.commit(run, &raced);
}

std::string describe_job(const JobRecord& job) {
  if (job.kind == JobKind::trigger) {
    return fmt::format("trigger job {} (process '{}' version {}, occurrence {})", job.id,
                       job.process_id, job.version, job.occurrence);
  }
  return fmt::format("job {} of case {}", job.id, job.case_id);
}

}  // namespace

Result<std::size_t> Engine::run_due(Instant now, const RunDueOptions& options) {
  std::size_t done = 0;
  auto more = [&] {
    return !options.stop.stop_requested() && (options.max_items == 0 || done < options.max_items);
  };
  int races = 0;
  while (more()) {
    auto next = store_.next_due_job(now);
    if (!next) return std::move(next).error();
    if (!next->has_value()) break;
    const JobRecord job = **next;
    // Service handlers and triggers take time or cannot be undone: a lease keeps other workers
    // off the job meanwhile. Timers and alarms are guarded by their case's row version.
    bool leased = false;
    if (job.kind == JobKind::service || job.kind == JobKind::trigger) {
      if (auto s = store_.lease_job(job.id, now, now + options_.limits.job_lease); !s) {
        // Another worker finished it, or runs it now.
        if (s.error().code == ErrorCode::not_found || s.error().code == ErrorCode::conflict) {
          continue;
        }
        return std::move(s).error();
      }
      leased = true;
    }
    bool raced = false;
    Status fired = fire_job(*impl_, store_, handlers_, job, raced);
    if (!fired && raced && ++races < runtime::kRaceAttempts * 64) {
      // Another call changed the case meanwhile (or another worker fired this job): look again;
      // the job fires on the new state if it is still there.
      continue;
    }
    if (!fired) {
      if (fired.error().code == ErrorCode::unavailable) return std::move(fired).error();
      // Set the job aside so that it does not block those due after it; it is due again when
      // the lease ends, and fires then if what failed has been mended.
      if (!leased) {
        auto aside = store_.lease_job(job.id, now, now + options_.limits.job_lease);
        if (!aside && aside.error().code == ErrorCode::unavailable) {
          return std::move(aside).error();
        }
      }
      if (options_.log) {
        options_.log(LogRecord{LogLevel::error, "job_failed", job.case_id,
                               fmt::format("{} could not be fired ({}: {}); it is tried again "
                                           "in {} s",
                                           describe_job(job), to_string(fired.error().code),
                                           fired.error().message,
                                           std::chrono::duration_cast<std::chrono::seconds>(
                                               options_.limits.job_lease)
                                               .count())});
      }
    }
    ++done;
  }
  if (options.counts != nullptr) *options.counts = RunDueCounts{done, 0};
  if (options_.channels != nullptr) {
    auto delivered = deliver_due(now, options, done);
    if (!delivered) return std::move(delivered).error();
    if (options.counts != nullptr) options.counts->deliveries = *delivered;
  }
  return done;
}

Result<std::optional<Instant>> Engine::next_due() {
  auto jobs = store_.next_due();
  if (!jobs) return jobs;
  if (options_.channels == nullptr) return jobs;
  auto deliveries = store_.next_delivery_due();
  if (!deliveries) return deliveries;
  if (!jobs->has_value()) return deliveries;
  if (!deliveries->has_value()) return jobs;
  return std::optional<Instant>{std::min(**jobs, **deliveries)};
}

}  // namespace crmflow
