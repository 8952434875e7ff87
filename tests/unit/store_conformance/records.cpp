#include "records.hpp"

#include <catch2/catch.hpp>
#include <cstring>
#include <limits>
#include <utility>

#include "crmflow/json.hpp"

namespace crmflow::conformance {

Instant at(std::int64_t minutes) {
  const std::chrono::sys_days base = std::chrono::year{2026} / 1 / 1;
  return Instant{base} + std::chrono::minutes{minutes};
}

CaseChange new_case(CaseId id, std::string process_id) {
  CaseChange change;
  change.is_new = true;
  change.record.id = id;
  change.record.process_id = std::move(process_id);
  change.record.version = 1;
  change.record.started_at = at(0);
  change.record.row_version = 1;
  change.record.variables = Value::Object{};
  change.record.state = std::make_shared<const CaseState>();
  return change;
}

CaseChange update_of(const CaseRecord& record) {
  CaseChange change;
  change.record = record;
  change.expected_row_version = record.row_version;
  change.record.row_version = record.row_version + 1;
  return change;
}

Task open_task(TaskId id, CaseId case_id) {
  Task task;
  task.id = id;
  task.case_id = case_id;
  task.process_id = "p";
  task.step_id = "review";
  task.name = "Review";
  task.created_at = at(0);
  return task;
}

JobRecord job(JobId id, CaseId case_id, Instant due, JobKind kind) {
  JobRecord job;
  job.id = id;
  job.case_id = case_id;
  job.kind = kind;
  job.due = due;
  job.token = 1;
  return job;
}

Subscription message_wait(CaseId case_id, std::uint32_t token, std::string name,
                          std::optional<std::string> key, std::uint32_t boundary) {
  return {case_id, token, boundary, SubscriptionKind::message, std::move(name), std::move(key)};
}

Subscription signal_wait(CaseId case_id, std::uint32_t token, std::string name) {
  return {case_id, token, 0, SubscriptionKind::signal, std::move(name), std::nullopt};
}

Notification sms(CaseId case_id, std::string key) {
  Notification n;
  n.case_id = case_id;
  n.step_id = "received";
  n.channel = "sms";
  n.to = "+989121234567";
  n.text = "رضا، گوشی A52 شما پذیرش شد.";
  n.idempotency_key = std::move(key);
  n.at = at(1);
  n.segments = 1;
  return n;
}

Value every_kind_of_value() {
  using std::chrono::days;
  const Date received{std::chrono::year{2026} / 2 / 2};
  const Date before_epoch{std::chrono::year{1969} / 12 / 31};
  Value::Object customer{
      {"name", "رضا محمدی"},
      {"devices", Value::List{Value::Object{{"model", "A52"}, {"received", received}},
                              Value::Object{{"model", "آیفون ۱۳"}, {"received", nullptr}}}},
  };
  return Value::Object{
      {"null", nullptr},
      {"yes", true},
      {"no", false},
      {"zero", 0},
      {"int_max", std::numeric_limits<std::int64_t>::max()},
      {"int_min", std::numeric_limits<std::int64_t>::min()},
      {"tenth", 0.1},
      {"two_point_zero", 2.0},
      {"negative", -2.5e-7},
      {"smallest", std::numeric_limits<double>::denorm_min()},
      {"largest", std::numeric_limits<double>::max()},
      {"text_fa", "تعمیر گوشی، هزینه ۱٬۵۰۰٬۰۰۰ ریال"},
      {"empty", ""},
      {"escapes", "line\nnext\t\"quoted\" \\ / ✓ 😀"},
      {"nul", std::string{"a\0b", 3}},
      {"list", Value::List{1, "two", 3.5, Value::List{}, Value::Object{}, nullptr}},
      {"empty_list", Value::List{}},
      {"empty_object", Value::Object{}},
      {"date", received},
      {"date_before_epoch", before_epoch},
      {"datetime_tehran", DateTime{at(9 * 60), 210}},
      {"datetime_new_york", DateTime{at(-5), -300}},
      {"datetime_utc", DateTime{at(1), 0}},
      {"duration", Duration{.months = 14, .days = 10, .millis = 9'000'500}},
      {"duration_negative", Duration{.months = 0, .days = -1, .millis = 0}},
      {"duration_zero", Duration{}},
      {"customer", customer},
      {"نام", "رضا"},
      {"looks_typed", Value::Object{{"$date", "not a date"}}},
  };
}

bool identical(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::null:
      return true;
    case Value::Kind::boolean:
      return a.as_bool() == b.as_bool();
    case Value::Kind::integer:
      return a.as_integer() == b.as_integer();
    case Value::Kind::number: {
      const double x = a.as_double();
      const double y = b.as_double();
      return std::memcmp(&x, &y, sizeof x) == 0;  // bit for bit
    }
    case Value::Kind::string:
      return a.as_string() == b.as_string();
    case Value::Kind::list: {
      if (a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!identical(a[i], b[i])) return false;
      }
      return true;
    }
    case Value::Kind::object: {
      if (a.size() != b.size()) return false;
      auto i = a.as_object().begin();
      auto j = b.as_object().begin();
      for (; i != a.as_object().end(); ++i, ++j) {
        if (i->first != j->first || !identical(i->second, j->second)) return false;
      }
      return true;
    }
    case Value::Kind::date:
      return a.as_date() == b.as_date();
    case Value::Kind::datetime:
      return a.as_datetime().at == b.as_datetime().at &&
             a.as_datetime().offset_minutes == b.as_datetime().offset_minutes;
    case Value::Kind::duration:
      return a.as_duration() == b.as_duration();
  }
  return false;
}

void check_same(const Value& got, const Value& want) {
  INFO("got:  " << to_json(got, JsonStyle::typed));
  INFO("want: " << to_json(want, JsonStyle::typed));
  CHECK(identical(got, want));
}

namespace {

std::int64_t ms(Instant t) { return t.time_since_epoch().count(); }
std::optional<std::int64_t> ms(const std::optional<Instant>& t) {
  return t ? std::optional<std::int64_t>{ms(*t)} : std::nullopt;
}

}  // namespace

void check_same(const CaseRecord& got, const CaseRecord& want) {
  INFO("case " << want.id);
  CHECK(got.id == want.id);
  CHECK(got.process_id == want.process_id);
  CHECK(got.version == want.version);
  CHECK(got.key == want.key);
  CHECK(got.status == want.status);
  CHECK(got.progress == want.progress);
  CHECK(got.initiator == want.initiator);
  CHECK(ms(got.started_at) == ms(want.started_at));
  CHECK(ms(got.ended_at) == ms(want.ended_at));
  check_same(got.variables, want.variables);
  CHECK(got.parent_case == want.parent_case);
  CHECK(got.parent_token == want.parent_token);
  CHECK(got.row_version == want.row_version);
  REQUIRE(got.state != nullptr);
  REQUIRE(want.state != nullptr);
  check_same(*got.state, *want.state);
}

void check_same(const Task& got, const Task& want) {
  INFO("task " << want.id);
  CHECK(got.id == want.id);
  CHECK(got.case_id == want.case_id);
  CHECK(got.process_id == want.process_id);
  CHECK(got.step_id == want.step_id);
  CHECK(got.name == want.name);
  CHECK(got.status == want.status);
  CHECK(got.assignee == want.assignee);
  CHECK(got.candidate_users == want.candidate_users);
  CHECK(got.candidate_groups == want.candidate_groups);
  CHECK(got.priority == want.priority);
  CHECK(ms(got.due) == ms(want.due));
  CHECK(ms(got.created_at) == ms(want.created_at));
  CHECK(ms(got.ended_at) == ms(want.ended_at));
  CHECK(got.completed_by == want.completed_by);
  CHECK(got.token == want.token);
}

void check_same(const JobRecord& got, const JobRecord& want) {
  INFO("job " << want.id);
  CHECK(got.id == want.id);
  CHECK(got.case_id == want.case_id);
  CHECK(got.kind == want.kind);
  CHECK(ms(got.due) == ms(want.due));
  CHECK(got.token == want.token);
  CHECK(got.attempt == want.attempt);
  CHECK(got.index == want.index);
  CHECK(ms(got.leased_until) == ms(want.leased_until));
  CHECK(got.process_id == want.process_id);
  CHECK(got.version == want.version);
  CHECK(got.occurrence == want.occurrence);
}

void check_same(const Subscription& got, const Subscription& want) {
  INFO("subscription of case " << want.case_id << " token " << want.token << " boundary "
                               << want.boundary);
  CHECK(got.case_id == want.case_id);
  CHECK(got.token == want.token);
  CHECK(got.boundary == want.boundary);
  CHECK(got.kind == want.kind);
  CHECK(got.name == want.name);
  CHECK(got.key == want.key);
}

void check_same(const HistoryEvent& got, const HistoryEvent& want) {
  INFO("history event " << want.sequence << " of case " << want.case_id);
  CHECK(got.case_id == want.case_id);
  CHECK(got.sequence == want.sequence);
  CHECK(ms(got.at) == ms(want.at));
  CHECK(to_string(got.event) == to_string(want.event));
  CHECK(got.step_id == want.step_id);
  CHECK(got.task_id == want.task_id);
  CHECK(got.by == want.by);
  check_same(got.data, want.data);
}

void check_same(const Notification& got, const Notification& want) {
  INFO("notification " << want.idempotency_key);
  CHECK(got.case_id == want.case_id);
  CHECK(got.step_id == want.step_id);
  CHECK(got.channel == want.channel);
  CHECK(got.to == want.to);
  CHECK(got.subject == want.subject);
  CHECK(got.text == want.text);
  CHECK(got.idempotency_key == want.idempotency_key);
  CHECK(ms(got.at) == ms(want.at));
  CHECK(got.segments == want.segments);
}

void check_entry(const Notification& got, const Notification& want) {
  check_same(got, want);
  INFO("outbox entry " << want.id);
  CHECK(got.id == want.id);
  CHECK(to_string(got.status) == to_string(want.status));
  CHECK(got.attempts == want.attempts);
  CHECK(ms(got.next_attempt) == ms(want.next_attempt));
  CHECK(ms(got.leased_until) == ms(want.leased_until));
  CHECK(ms(got.sent_at) == ms(want.sent_at));
  CHECK(got.last_error == want.last_error);
}

void check_same(const DefinitionRecord& got, const DefinitionRecord& want) {
  INFO("definition " << want.process_id << " v" << want.version);
  CHECK(got.process_id == want.process_id);
  CHECK(got.version == want.version);
  CHECK(got.content_hash == want.content_hash);
  CHECK(got.canonical == want.canonical);
  CHECK(ms(got.deployed_at) == ms(want.deployed_at));
}

namespace {

// Compares two lists element by element with `same` (a lambda of CHECKs).
template <typename T, typename Same>
void check_each(const char* what, const std::vector<T>& got, const std::vector<T>& want,
                Same same) {
  INFO(what);
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("#" << i);
    same(got[i], want[i]);
  }
}

}  // namespace

void check_same(const CaseState& got, const CaseState& want) {
  check_each("tokens", got.tokens, want.tokens, [](const Token& g, const Token& w) {
    CHECK(g.id == w.id);
    CHECK(g.step == w.step);
    CHECK(g.scope == w.scope);
    CHECK(g.via == w.via);
    CHECK(g.wait == w.wait);
    CHECK(g.ref == w.ref);
    CHECK(g.attempt == w.attempt);
  });
  check_each("joins", got.joins, want.joins, [](const JoinState& g, const JoinState& w) {
    CHECK(g.scope == w.scope);
    CHECK(g.step == w.step);
    CHECK(g.arrived == w.arrived);
  });
  check_each("incidents", got.incidents, want.incidents,
             [](const IncidentState& g, const IncidentState& w) {
               CHECK(g.token == w.token);
               CHECK(g.step == w.step);
               CHECK(g.phase == w.phase);
               CHECK(g.message == w.message);
               CHECK(ms(g.at) == ms(w.at));
             });
  check_each("scopes", got.scopes, want.scopes, [](const ScopeInstance& g, const ScopeInstance& w) {
    CHECK(g.id == w.id);
    CHECK(g.parent == w.parent);
    CHECK(g.owner == w.owner);
    CHECK(g.step == w.step);
    CHECK(g.instance == w.instance);
    CHECK(g.item == w.item);
    check_same(g.locals, w.locals);
  });
  check_each("alarms", got.alarms, want.alarms, [](const ArmedAlarm& g, const ArmedAlarm& w) {
    CHECK(g.token == w.token);
    CHECK(g.index == w.index);
    CHECK(g.job == w.job);
    CHECK(g.fired == w.fired);
    CHECK(ms(g.first) == ms(w.first));
  });
  check_each("boundaries", got.boundaries, want.boundaries,
             [](const BoundaryWait& g, const BoundaryWait& w) {
               CHECK(g.token == w.token);
               CHECK(g.index == w.index);
               CHECK(g.job == w.job);
               CHECK(g.fired == w.fired);
               CHECK(ms(g.anchor) == ms(w.anchor));
             });
  check_each("races", got.races, want.races, [](const EventRace& g, const EventRace& w) {
    CHECK(g.gateway == w.gateway);
    CHECK(g.scope == w.scope);
    CHECK(g.racers == w.racers);
  });
  check_each("multis", got.multis, want.multis,
             [](const MultiInstanceState& g, const MultiInstanceState& w) {
               CHECK(g.token == w.token);
               CHECK(g.step == w.step);
               check_same(Value{g.items}, Value{w.items});
               CHECK(g.started == w.started);
               CHECK(g.completed == w.completed);
               check_same(Value{g.results}, Value{w.results});
             });
  CHECK(got.path == want.path);
  CHECK(got.error == want.error);
  CHECK(got.next_token == want.next_token);
  CHECK(got.next_scope == want.next_scope);
  CHECK(got.history_sequence == want.history_sequence);
  CHECK(got.notification_sequence == want.notification_sequence);
}

}  // namespace crmflow::conformance
