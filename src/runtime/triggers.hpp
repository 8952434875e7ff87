// Triggers on a schedule: the occurrences of a process's `timer: {cycle}` and `cron` triggers,
// and the jobs that stand for them in the store. A trigger job belongs to no case; it names the
// process version whose deploy armed it and which occurrence of the schedule it is. Firing an
// occurrence and arming the next one are one commit (the started case's), so a restart neither
// skips nor repeats an occurrence.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "crmflow/error.hpp"
#include "crmflow/store.hpp"
#include "crmflow/time.hpp"
#include "model/definition.hpp"

namespace crmflow::runtime {

// One occurrence of a schedule: when it is due, and its number (1 = the schedule's first; for a
// cycle the position in its `Rn` count, for cron the count since the version was armed).
struct Occurrence {
  Instant due{};
  std::uint32_t number = 0;
};

// The first occurrence of `trigger` at or after `armed_at` (the deploy moment of its version,
// which is also the anchor of a cycle written without START): earlier ones are skipped, one at
// `armed_at` itself is kept. nullopt when the schedule has none left (a message trigger has
// none). Errors: invalid_input for a schedule that does not parse (the loader refuses those).
Result<std::optional<Occurrence>> first_occurrence(const model::Trigger& trigger, Instant armed_at);

// The occurrence after `fired`, nullopt when the schedule ends with it (a cycle's count).
// Errors: as first_occurrence.
Result<std::optional<Occurrence>> next_occurrence(const model::Trigger& trigger, Instant armed_at,
                                                  const Occurrence& fired);

// The trigger job of `occurrence`: kind trigger, no case, `index` into the definition's triggers.
// The id is the caller's (Store::allocate_id).
JobRecord trigger_job(JobId id, std::string_view process_id, std::int64_t version,
                      std::uint32_t index, const Occurrence& occurrence);

// The first job of every cycle and cron trigger of `definition` deployed as `version` at
// `armed_at`, with ids from `store`. Errors: the store's; as first_occurrence.
Result<std::vector<JobRecord>> arm_triggers(const model::Definition& definition,
                                            std::int64_t version, Instant armed_at, Store& store);

// Whether the cases the cycle and cron triggers of `definition` start (with no variables) pass
// its variable checks at `now`. Errors: invalid_input naming the process, the trigger and the
// variable check that failed (a required variable needs a default).
Status check_scheduled_start(const model::Definition& definition, Instant now);

// "cycle" or "cron": how history names the trigger that started a case.
std::string_view trigger_name(model::TriggerKind kind) noexcept;

}  // namespace crmflow::runtime
