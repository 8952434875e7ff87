// Engine::run_due: firing due jobs, each in a commit of its own, the clock reading the job's due
// moment. Service handlers run between two commits: the job is leased, the handler called
// outside any run, and its outcome applied to the case as it is then.
#include <fmt/format.h>

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

}  // namespace

Result<std::size_t> Engine::run_due(Instant now) {
  std::size_t fired = 0;
  int races = 0;
  for (;;) {
    auto next = store_.next_due_job(now);
    if (!next) return std::move(next).error();
    if (!next->has_value()) break;
    const JobRecord job = **next;
    if (job.kind == JobKind::service || job.kind == JobKind::trigger) {
      if (auto s = store_.lease_job(job.id, now, now + options_.limits.job_lease); !s) {
        // Another worker finished it, or runs it now.
        if (s.error().code == ErrorCode::not_found || s.error().code == ErrorCode::conflict) {
          continue;
        }
        return std::move(s).error();
      }
    }
    if (job.kind == JobKind::trigger) {
      // A trigger belongs to no case: the lease above is what keeps two workers from firing
      // one occurrence twice; the started case's commit removes it.
      if (auto s = fire_trigger(*impl_, store_, job); !s) return std::move(s).error();
      ++fired;
      continue;
    }
    auto loaded = impl_->load(job.case_id);
    if (!loaded) return std::move(loaded).error();
    // While a job fires the clock reads its due moment (spec: Time).
    const runtime::RunEnvironment env = impl_->environment(job.due);
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
        const HandlerResult outcome = call_handler(handlers_, **call);
        // The outcome is applied to the case as it is now; a lost race applies it again to the
        // case as the winner left it (the handler is not called twice).
        auto applied = runtime::rerun_lost_races([&](bool& raced) -> Status {
          auto reloaded = impl_->load(job.case_id);
          if (!reloaded) return std::move(reloaded).error();
          runtime::CaseRun after{*reloaded->plan, std::move(reloaded->record), env, false};
          if (auto a = after.finish_service(job, outcome); !a) return std::move(a).error();
          if (auto s = after.run(); !s) return s;
          return impl_->commit(after, &raced);
        });
        if (!applied) return std::move(applied).error();
        ++fired;
        continue;
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
        return internal_error(
            fmt::format("job {} of case {}: this engine version cannot run "
                        "jobs of this kind yet",
                        job.id, job.case_id));
    }
    if (auto s = run.run(); !s) return std::move(s).error();
    bool raced = false;
    if (auto s = impl_->commit(run, &raced); !s) {
      // Another call changed the case meanwhile (or another worker fired this job): look again;
      // the job fires on the new state if it is still there.
      if (raced && ++races < runtime::kRaceAttempts * 64) continue;
      return std::move(s).error();
    }
    ++fired;
  }
  return fired;
}

}  // namespace crmflow
