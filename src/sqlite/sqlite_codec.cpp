#include "sqlite/sqlite_codec.hpp"

#include <array>

#include "crmflow/json.hpp"
#include "value/json_text.hpp"

namespace crmflow::sqlite {
namespace {

constexpr std::array<std::string_view, 6> kJobKindNames = {"timer",   "boundary_timer", "alarm",
                                                           "service", "delivery",       "trigger"};
static_assert(static_cast<std::size_t>(JobKind::trigger) + 1 == kJobKindNames.size());

// Whether the plain JSON text of `value` reads back as something else: it holds a date, datetime
// or duration, or an object key typed JSON escapes (one that starts with '$'). Conservative: a
// true here only costs a second column.
bool needs_typed(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::date:
    case Value::Kind::datetime:
    case Value::Kind::duration:
      return true;
    case Value::Kind::list:
      for (const Value& item : value.as_list()) {
        if (needs_typed(item)) return true;
      }
      return false;
    case Value::Kind::object:
      for (const auto& [key, member] : value.as_object()) {
        if (key.starts_with('$') || needs_typed(member)) return true;
      }
      return false;
    default:
      return false;
  }
}

void append_member(std::string& out, std::string_view name) {
  out += ',';
  json::append_quoted(out, name);
  out += ':';
}

// The member `name` of an event object, when it has the expected kind.
const Value* member(const Value& event, std::string_view name, Value::Kind kind) {
  const Value* found = event.find(name);
  return found != nullptr && found->kind() == kind ? found : nullptr;
}

}  // namespace

std::string_view to_text(JobKind kind) noexcept {
  return kJobKindNames[static_cast<std::size_t>(kind)];
}

std::optional<JobKind> parse_job_kind(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kJobKindNames.size(); ++i) {
    if (kJobKindNames[i] == text) return static_cast<JobKind>(i);
  }
  return std::nullopt;
}

std::string_view to_text(SubscriptionKind kind) noexcept {
  return kind == SubscriptionKind::message ? "message" : "signal";
}

std::optional<SubscriptionKind> parse_subscription_kind(std::string_view text) noexcept {
  if (text == "message") return SubscriptionKind::message;
  if (text == "signal") return SubscriptionKind::signal;
  return std::nullopt;
}

std::optional<TaskStatus> parse_task_status(std::string_view text) noexcept {
  for (TaskStatus s : {TaskStatus::open, TaskStatus::completed, TaskStatus::withdrawn}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

std::optional<DeliveryStatus> parse_delivery_status(std::string_view text) noexcept {
  for (DeliveryStatus s : {DeliveryStatus::pending, DeliveryStatus::sent, DeliveryStatus::failed}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

VariablesText encode_variables(const Value& variables) {
  VariablesText text{to_json(variables), std::nullopt};
  if (needs_typed(variables)) text.typed = to_json(variables, JsonStyle::typed);
  return text;
}

Result<Value> decode_variables(std::string_view plain, const std::optional<std::string>& typed) {
  if (typed) return parse_json(*typed, JsonStyle::typed);
  return parse_json(plain);
}

std::string encode_names(const std::vector<std::string>& names) {
  std::string out = "[";
  for (const std::string& name : names) {
    if (out.size() > 1) out += ',';
    json::append_quoted(out, name);
  }
  out += ']';
  return out;
}

Result<std::vector<std::string>> decode_names(std::string_view text) {
  auto parsed = parse_json(text);
  if (!parsed) return std::move(parsed).error();
  if (!parsed->is_list()) return invalid_input("expected a JSON array of names");
  std::vector<std::string> names;
  names.reserve(parsed->size());
  for (const Value& item : parsed->as_list()) {
    if (!item.is_string()) return invalid_input("expected a JSON array of names");
    names.push_back(item.as_string());
  }
  return names;
}

std::string encode_history(CaseId case_id, std::span<const HistoryEvent> events) {
  std::string out = "[";
  for (const HistoryEvent& e : events) {
    if (out.size() > 1) out += ',';
    out += "{\"seq\":";
    json::append_integer(out, static_cast<std::int64_t>(e.sequence));
    append_member(out, "at");
    json::append_integer(out, to_millis(e.at));
    append_member(out, "event");
    json::append_quoted(out, to_string(e.event));
    if (e.case_id != case_id) {
      append_member(out, "case");
      json::append_integer(out, static_cast<std::int64_t>(e.case_id));
    }
    if (!e.step_id.empty()) {
      append_member(out, "step");
      json::append_quoted(out, e.step_id);
    }
    if (e.task_id != kNoId) {
      append_member(out, "task");
      json::append_integer(out, static_cast<std::int64_t>(e.task_id));
    }
    if (!e.by.empty()) {
      append_member(out, "by");
      json::append_quoted(out, e.by);
    }
    if (!e.data.is_null()) {
      append_member(out, "data");
      append_json(out, e.data, JsonStyle::typed);
    }
    out += '}';
  }
  out += ']';
  return out;
}

Status decode_history(CaseId case_id, std::string_view text, std::vector<HistoryEvent>& out) {
  auto parsed = parse_json(text, JsonStyle::typed);
  if (!parsed) return std::move(parsed).error();
  if (!parsed->is_list()) return invalid_input("expected a JSON array of events");
  for (const Value& item : parsed->as_list()) {
    const Value* seq = member(item, "seq", Value::Kind::integer);
    const Value* at = member(item, "at", Value::Kind::integer);
    const Value* name = member(item, "event", Value::Kind::string);
    if (seq == nullptr || at == nullptr || name == nullptr) {
      return invalid_input("an event lacks its seq, at or event member");
    }
    auto event = parse_event_type(name->as_string());
    if (!event) return invalid_input("unknown event '" + name->as_string() + "'");
    HistoryEvent e;
    e.case_id = case_id;
    if (const Value* c = member(item, "case", Value::Kind::integer)) {
      e.case_id = static_cast<CaseId>(c->as_integer());
    }
    e.sequence = static_cast<std::uint64_t>(seq->as_integer());
    e.at = from_millis(at->as_integer());
    e.event = *event;
    if (const Value* step = member(item, "step", Value::Kind::string))
      e.step_id = step->as_string();
    if (const Value* task = member(item, "task", Value::Kind::integer)) {
      e.task_id = static_cast<TaskId>(task->as_integer());
    }
    if (const Value* by = member(item, "by", Value::Kind::string)) e.by = by->as_string();
    if (const Value* data = item.find("data")) e.data = *data;
    out.push_back(std::move(e));
  }
  return {};
}

}  // namespace crmflow::sqlite
