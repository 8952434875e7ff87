// Engine::archive: history retention. Each ended case goes to the host's sink as one JSON record
// and is removed from the store only once the sink has made it durable (docs/retention.md).
#include <fmt/format.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "crmflow/engine.hpp"
#include "crmflow/record_json.hpp"
#include "runtime/engine_impl.hpp"
#include "time/iso8601.hpp"

namespace crmflow {
namespace {

// How many case ids one look at the store reads.
constexpr std::size_t kPage = 100;

// Why the case must stay for now (empty: it may go): a caller still running, or notifications
// still pending. Errors: the store's.
Result<std::string> reason_to_keep(Store& store, const CaseRecord& record,
                                   const std::vector<Notification>& outbox) {
  if (record.parent_case != kNoId) {
    auto parent = store.load_case(record.parent_case);
    if (parent && !is_final(parent->status)) {
      return fmt::format("its caller, case {}, is {}", record.parent_case,
                         to_string(parent->status));
    }
    if (!parent && parent.error().code != ErrorCode::not_found) return std::move(parent).error();
  }
  for (const Notification& n : outbox) {
    if (n.status == DeliveryStatus::pending) {
      return fmt::format("notification {} is still to be delivered", n.id);
    }
  }
  return std::string{};
}

// The case's record in the archive form (ArchivedCase). Tasks are found through the history's
// task events: every task has its task_created event. Errors: the store's.
Result<Value> archive_record(Store& store, const Case& view,
                             const std::vector<HistoryEvent>& history,
                             const std::vector<Notification>& outbox, Instant now) {
  Value::List tasks;
  std::set<TaskId> seen;
  for (const HistoryEvent& e : history) {
    if (e.task_id == kNoId || !seen.insert(e.task_id).second) continue;
    auto task = store.load_task(e.task_id);
    if (!task) {
      if (task.error().code == ErrorCode::not_found) continue;
      return std::move(task).error();
    }
    tasks.push_back(task_record_to_json(*task));
  }
  Value::List events;
  events.reserve(history.size());
  for (const HistoryEvent& e : history) events.push_back(event_to_json(e));
  Value::List notifications;
  notifications.reserve(outbox.size());
  for (const Notification& n : outbox) notifications.push_back(notification_to_json(n));
  return Value{Value::Object{
      {"format", "crmflow.archive/1"},
      {"archived_at", time::format_instant(now)},
      {"case", case_detail_to_json(view)},
      {"tasks", std::move(tasks)},
      {"history", std::move(events)},
      {"notifications", std::move(notifications)},
  }};
}

}  // namespace

Result<ArchiveOutcome> Engine::archive(const ArchiveOptions& options) {
  if (!options.sink) {
    return invalid_input(
        "archive: no sink given; say where the records go before cases are "
        "removed (ArchiveOptions::sink, e.g. jsonl_archive_sink)");
  }
  ArchiveOutcome outcome;
  CaseId after = kNoId;
  auto more = [&] {
    return !options.stop.stop_requested() &&
           (options.max_cases == 0 || outcome.archived < options.max_cases);
  };
  while (more()) {
    auto ids = store_.ended_cases(options.ended_before, after, kPage);
    if (!ids) return std::move(ids).error();
    if (ids->empty()) break;
    after = ids->back();
    for (const CaseId id : *ids) {
      if (!more()) break;
      auto loaded = impl_->load(id);
      if (!loaded) {
        if (loaded.error().code == ErrorCode::not_found) continue;  // archived meanwhile
        if (loaded.error().code == ErrorCode::unavailable) return std::move(loaded).error();
        // Its definition no longer loads (or its record is unreadable): it stays, reported, and
        // the cases after it are archived.
        ++outcome.kept;
        if (options_.log) {
          LogRecord record;
          record.level = LogLevel::error;
          record.event = "archive_skipped";
          record.case_id = id;
          record.message = fmt::format("archive: case {} stays in the store: {}: {}", id,
                                       to_string(loaded.error().code), loaded.error().message);
          options_.log(record);
        }
        continue;
      }
      auto outbox = store_.outbox(id);
      if (!outbox) return std::move(outbox).error();
      auto keep = reason_to_keep(store_, loaded->record, *outbox);
      if (!keep) return std::move(keep).error();
      if (!keep->empty()) {
        ++outcome.kept;
        continue;
      }
      auto history = store_.history(id);
      if (!history) return std::move(history).error();
      const Case view = runtime::case_view(loaded->record, *loaded->plan);
      auto record = archive_record(store_, view, *history, *outbox, impl_->now());
      if (!record) return std::move(record).error();
      if (auto s = options.sink(ArchivedCase{id, std::move(*record)}); !s) {
        return Error{s.error().code,
                     fmt::format("archive: case {} was not exported, so it stays ({} archived "
                                 "before it): {}",
                                 id, outcome.archived, s.error().message)};
      }
      if (auto s = store_.remove_ended_case(id, options.ended_before); !s) {
        // Exported but changed meanwhile (another archiver took it, a notification came in):
        // it stays, or is gone already; the next run exports it again if it stays.
        if (s.error().code == ErrorCode::not_found || s.error().code == ErrorCode::invalid_state) {
          ++outcome.kept;
          continue;
        }
        return std::move(s).error();
      }
      ++outcome.archived;
    }
  }
  return outcome;
}

}  // namespace crmflow
