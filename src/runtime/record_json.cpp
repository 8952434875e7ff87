#include "crmflow/record_json.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "time/iso8601.hpp"

namespace crmflow {
namespace {

std::string moment(Instant at) { return time::format_instant(at); }
Value moment_or_null(const std::optional<Instant>& at) { return at ? Value{moment(*at)} : Value{}; }
Value text_or_null(const std::string& text) { return text.empty() ? Value{} : Value{text}; }
Value id_or_null(std::uint64_t id) {
  return id == kNoId ? Value{} : Value{static_cast<std::int64_t>(id)};
}
Value text_list(const std::vector<std::string>& items) {
  Value::List out;
  out.reserve(items.size());
  for (const std::string& item : items) out.emplace_back(item);
  return Value{std::move(out)};
}
Value candidates(const std::vector<std::string>& users, const std::vector<std::string>& groups) {
  return Value::Object{{"users", text_list(users)}, {"groups", text_list(groups)}};
}

}  // namespace

Value task_to_json(const Task& task, Instant now) {
  return Value::Object{
      {"id", static_cast<std::int64_t>(task.id)},
      {"case", static_cast<std::int64_t>(task.case_id)},
      {"process", task.process_id},
      {"step", task.step_id},
      {"name", task.name},
      {"assignee", text_or_null(task.assignee)},
      {"candidates", candidates(task.candidate_users, task.candidate_groups)},
      {"priority", task.priority},
      {"due", moment_or_null(task.due)},
      {"created", moment(task.created_at)},
      {"overdue", task.due.has_value() && *task.due <= now},
  };
}

Value task_record_to_json(const Task& task) {
  Value out = task_to_json(task, Instant{});
  out.erase("overdue");
  out.set("status", std::string{to_string(task.status)});
  out.set("ended", moment_or_null(task.ended_at));
  out.set("completed_by", text_or_null(task.completed_by));
  return out;
}

Value case_to_json(const Case& c) {
  return Value::Object{
      {"id", static_cast<std::int64_t>(c.id)},
      {"process", c.process_id},
      {"version", c.version},
      {"key", c.key},
      {"status", std::string{to_string(c.status)}},
      {"progress", c.progress},
      {"started_at", moment(c.started_at)},
      {"ended_at", moment_or_null(c.ended_at)},
      {"active", text_list(c.active)},
  };
}

Value case_detail_to_json(const Case& c) {
  Value out = case_to_json(c);
  out.set("initiator", text_or_null(c.initiator));
  out.set("parent", id_or_null(c.parent));
  out.set("variables", c.variables);
  out.set("path", text_list(c.path));
  Value::List incidents;
  for (const Incident& i : c.incidents) {
    incidents.push_back(
        Value::Object{{"step", i.step_id}, {"message", i.message}, {"at", moment(i.at)}});
  }
  out.set("incidents", std::move(incidents));
  return out;
}

Value waiting_to_json(const Waiting& w) {
  Value out = Value::Object{{"step", w.step_id},
                            {"kind", std::string{to_string(w.kind)}},
                            {"since", moment(w.since)},
                            {"boundary", w.boundary}};
  if (w.boundary) out.set("interrupting", w.interrupting);
  switch (w.kind) {
    case WaitingKind::task:
      out.set("task", static_cast<std::int64_t>(w.task));
      out.set("name", w.name);
      out.set("assignee", text_or_null(w.assignee));
      out.set("candidates", candidates(w.candidate_users, w.candidate_groups));
      out.set("due", moment_or_null(w.due));
      break;
    case WaitingKind::timer:
      out.set("due", moment_or_null(w.due));
      break;
    case WaitingKind::message:
      out.set("name", w.name);
      out.set("key", w.key ? Value{*w.key} : Value{});
      break;
    case WaitingKind::signal:
      out.set("name", w.name);
      break;
    case WaitingKind::service:
      out.set("handler", w.name);
      out.set("attempt", static_cast<std::int64_t>(w.attempt));
      out.set("due", moment_or_null(w.due));
      break;
    case WaitingKind::call:
      out.set("case", id_or_null(w.child));
      out.set("process", w.name);
      break;
    case WaitingKind::instances:
    case WaitingKind::join:
      out.set("completed", static_cast<std::int64_t>(w.completed));
      out.set("total", static_cast<std::int64_t>(w.total));
      break;
    case WaitingKind::incident:
      out.set("message", w.message);
      break;
  }
  return out;
}

Value notification_to_json(const Notification& n) {
  return Value::Object{
      {"id", static_cast<std::int64_t>(n.id)},
      {"step", text_or_null(n.step_id)},
      {"channel", n.channel},
      {"to", n.to},
      {"subject", text_or_null(n.subject)},
      {"text", n.text},
      {"at", moment(n.at)},
      {"idempotency_key", n.idempotency_key},
      {"segments", static_cast<std::int64_t>(n.segments)},
      {"status", std::string{to_string(n.status)}},
      {"attempts", static_cast<std::int64_t>(n.attempts)},
      {"next_attempt", moment_or_null(n.next_attempt)},
      {"sent_at", moment_or_null(n.sent_at)},
      {"last_error", text_or_null(n.last_error)},
  };
}

Value event_to_json(const HistoryEvent& e) {
  return Value::Object{
      {"at", moment(e.at)},
      {"event", std::string{to_string(e.event)}},
      {"step", text_or_null(e.step_id)},
      {"task", id_or_null(e.task_id)},
      {"by", text_or_null(e.by)},
      {"data", e.data},
  };
}

}  // namespace crmflow
