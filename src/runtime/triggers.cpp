#include "runtime/triggers.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <chrono>
#include <limits>

#include "runtime/variables.hpp"
#include "time/cron.hpp"
#include "time/cycle.hpp"
#include "time/zone.hpp"

namespace crmflow::runtime {
namespace {

constexpr std::chrono::milliseconds kTick{1};  // Instant's resolution: "at or after" = "after t-1"

Result<const date::time_zone*> zone_of(const model::Trigger& trigger) {
  if (trigger.timezone.empty()) return static_cast<const date::time_zone*>(nullptr);
  return time::find_zone(trigger.timezone);
}

std::uint32_t following(std::uint32_t number) {
  return number == std::numeric_limits<std::uint32_t>::max() ? number : number + 1;
}

}  // namespace

Result<std::optional<Occurrence>> first_occurrence(const model::Trigger& trigger,
                                                   Instant armed_at) {
  auto zone = zone_of(trigger);
  if (!zone) return std::move(zone).error();
  switch (trigger.kind) {
    case model::TriggerKind::cycle: {
      auto cycle = time::Cycle::parse(trigger.cycle, *zone);
      if (!cycle) return std::move(cycle).error();
      // Occurrences before the deploy moment are skipped; their numbers are not reused.
      const std::int64_t before = cycle->count_through(armed_at - kTick, armed_at);
      const std::optional<Instant> due = cycle->occurrence(before, armed_at);
      if (!due) return std::optional<Occurrence>{};
      const auto number = static_cast<std::uint32_t>(
          std::min<std::int64_t>(before + 1, std::numeric_limits<std::uint32_t>::max()));
      return std::optional<Occurrence>{Occurrence{*due, number}};
    }
    case model::TriggerKind::cron: {
      auto cron = time::CronSchedule::parse(trigger.cron, *zone);
      if (!cron) return std::move(cron).error();
      const std::optional<Instant> due = cron->next_after(armed_at - kTick);
      if (!due) return std::optional<Occurrence>{};
      return std::optional<Occurrence>{Occurrence{*due, 1}};
    }
    case model::TriggerKind::message:
      break;
  }
  return std::optional<Occurrence>{};
}

Result<std::optional<Occurrence>> next_occurrence(const model::Trigger& trigger, Instant armed_at,
                                                  const Occurrence& fired) {
  auto zone = zone_of(trigger);
  if (!zone) return std::move(zone).error();
  switch (trigger.kind) {
    case model::TriggerKind::cycle: {
      auto cycle = time::Cycle::parse(trigger.cycle, *zone);
      if (!cycle) return std::move(cycle).error();
      // Occurrence k is computed from the start (never by adding periods to the last one), so
      // a monthly cycle does not drift; `fired.number` is the 0-based index of the next one.
      const std::optional<Instant> due = cycle->occurrence(fired.number, armed_at);
      if (!due) return std::optional<Occurrence>{};
      return std::optional<Occurrence>{Occurrence{*due, following(fired.number)}};
    }
    case model::TriggerKind::cron: {
      auto cron = time::CronSchedule::parse(trigger.cron, *zone);
      if (!cron) return std::move(cron).error();
      const std::optional<Instant> due = cron->next_after(fired.due);
      if (!due) return std::optional<Occurrence>{};
      return std::optional<Occurrence>{Occurrence{*due, following(fired.number)}};
    }
    case model::TriggerKind::message:
      break;
  }
  return std::optional<Occurrence>{};
}

JobRecord trigger_job(JobId id, std::string_view process_id, std::int64_t version,
                      std::uint32_t index, const Occurrence& occurrence) {
  JobRecord job;
  job.id = id;
  job.case_id = kNoId;
  job.kind = JobKind::trigger;
  job.due = occurrence.due;
  job.index = index;
  job.process_id = std::string{process_id};
  job.version = version;
  job.occurrence = occurrence.number;
  return job;
}

Result<std::vector<JobRecord>> arm_triggers(const model::Definition& definition,
                                            std::int64_t version, Instant armed_at, Store& store) {
  std::vector<JobRecord> jobs;
  for (std::size_t i = 0; i < definition.triggers.size(); ++i) {
    auto first = first_occurrence(definition.triggers[i], armed_at);
    if (!first) return std::move(first).error();
    if (!first->has_value()) continue;
    auto id = store.allocate_id(IdKind::job_id);
    if (!id) return std::move(id).error();
    jobs.push_back(
        trigger_job(*id, definition.process_id, version, static_cast<std::uint32_t>(i), **first));
  }
  return jobs;
}

Status check_scheduled_start(const model::Definition& definition, Instant now) {
  for (const model::Trigger& trigger : definition.triggers) {
    if (trigger.kind == model::TriggerKind::message) continue;
    auto vars = check_start_variables(definition, Value{}, now);
    if (vars) return {};
    return invalid_input(
        fmt::format("process '{}': its {} trigger starts cases without variables, but {}; give the "
                    "variable a default",
                    definition.process_id, trigger_name(trigger.kind), vars.error().message));
  }
  return {};
}

std::string_view trigger_name(model::TriggerKind kind) noexcept {
  switch (kind) {
    case model::TriggerKind::cycle:
      return "cycle";
    case model::TriggerKind::cron:
      return "cron";
    case model::TriggerKind::message:
      return "message";
  }
  return "message";
}

}  // namespace crmflow::runtime
