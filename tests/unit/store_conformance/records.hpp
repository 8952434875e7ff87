// Building records for the conformance tests and comparing what a store gives back with what
// was written, field by field, so that a failure names the field.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crmflow/store.hpp"
#include "store/case_state.hpp"

namespace crmflow::conformance {

// 2026-01-01T00:00:00Z plus `minutes`: the suite's clock.
Instant at(std::int64_t minutes);

// A new case `id` of process "p" version 1 at row version 1, with an empty state.
CaseChange new_case(CaseId id, std::string process_id = "p");

// A change of the stored case `record`: the next row version, expecting the current one.
CaseChange update_of(const CaseRecord& record);

// A minimal open task / due job / message subscription of `case_id`.
Task open_task(TaskId id, CaseId case_id);
JobRecord job(JobId id, CaseId case_id, Instant due, JobKind kind = JobKind::timer);
Subscription message_wait(CaseId case_id, std::uint32_t token, std::string name,
                          std::optional<std::string> key, std::uint32_t boundary = 0);
Subscription signal_wait(CaseId case_id, std::uint32_t token, std::string name);
// An SMS of `case_id` as the engine queues it (Persian text, one segment, queued at at(1)),
// with the idempotency key `key`.
Notification sms(CaseId case_id, std::string key);

// A value of every kind, nested: integers at both ends, doubles that need every digit, text in
// Persian and with escapes, dates, datetimes with their offsets, durations of both signs.
Value every_kind_of_value();

// Exact equality: the same kinds (2 is not 2.0), datetimes with the same offset, object keys and
// list items alike. Value's own == is looser on purpose.
bool identical(const Value& a, const Value& b);

// CHECK every field of `got` against `want` (INFO names the record).
void check_same(const Value& got, const Value& want);
void check_same(const CaseRecord& got, const CaseRecord& want);
void check_same(const Task& got, const Task& want);
void check_same(const JobRecord& got, const JobRecord& want);
void check_same(const Subscription& got, const Subscription& want);
void check_same(const HistoryEvent& got, const HistoryEvent& want);
// A notification as it was queued (the engine's fields, segments included; not the id and the
// delivery state, which the store keeps).
void check_same(const Notification& got, const Notification& want);
// An outbox entry: every field, its id and delivery state too.
void check_entry(const Notification& got, const Notification& want);
void check_same(const DefinitionRecord& got, const DefinitionRecord& want);
void check_same(const CaseState& got, const CaseState& want);

// The ids of records, for comparing orders.
template <typename Record>
std::vector<std::uint64_t> ids_of(const std::vector<Record>& records) {
  std::vector<std::uint64_t> ids;
  for (const Record& r : records) ids.push_back(r.id);
  return ids;
}

}  // namespace crmflow::conformance
