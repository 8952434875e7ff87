// Checking an `expect` against the engine: each field compared exactly, and a failure that says
// what was expected and what is there, sorted and readable.
#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "crmflow/json.hpp"
#include "scenario/scenario_run.hpp"
#include "time/iso8601.hpp"

namespace crmflow::scenario {
namespace {

std::string listed(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  return fmt::format("[{}]", fmt::join(items, ", "));
}

// Compares two lists as multisets; "" when equal, else what is missing and what is extra.
std::string compare_sets(std::string_view field, std::vector<std::string> expected,
                         std::vector<std::string> actual) {
  std::sort(expected.begin(), expected.end());
  std::sort(actual.begin(), actual.end());
  if (expected == actual) return {};
  std::vector<std::string> missing;
  std::vector<std::string> extra;
  std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(),
                      std::back_inserter(missing));
  std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(),
                      std::back_inserter(extra));
  std::string out = fmt::format("{}: expected {}, got {}", field, listed(expected), listed(actual));
  if (!missing.empty()) out += fmt::format(" (missing {})", fmt::join(missing, ", "));
  if (!extra.empty()) out += fmt::format(" (unexpected {})", fmt::join(extra, ", "));
  return out;
}

// A variable compared with what the file wrote: YAML has no dates, so a date, datetime or
// duration variable equals the text that names the same value.
bool same_value(const Value& expected, const Value& actual) {
  if (expected == actual) return true;
  if (!expected.is_string()) return false;
  const std::string& text = expected.as_string();
  if (actual.is_date()) {
    auto date = time::parse_date(text);
    return date && *date == actual.as_date();
  }
  if (actual.is_datetime()) {
    auto datetime = time::parse_datetime(text, nullptr);
    return datetime && *datetime == actual.as_datetime();
  }
  if (actual.is_duration()) {
    auto duration = time::parse_duration(text);
    return duration && *duration == actual.as_duration();
  }
  return false;
}

std::string describe_task(const Task& task) {
  std::string out = task.step_id;
  std::vector<std::string> parts;
  parts.push_back(task.assignee.empty() ? "unassigned" : "assignee " + task.assignee);
  if (!task.candidate_groups.empty()) {
    parts.push_back(fmt::format("groups {}", listed(task.candidate_groups)));
  }
  if (!task.candidate_users.empty()) {
    parts.push_back(fmt::format("users {}", listed(task.candidate_users)));
  }
  if (task.due) parts.push_back("due " + time::format_instant(*task.due));
  parts.push_back(fmt::format("priority {}", task.priority));
  return fmt::format("{} ({})", out, fmt::join(parts, ", "));
}

bool same_names(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

bool matches(const ExpectedTask& expected, const Task& task) {
  if (expected.step && *expected.step != task.step_id) return false;
  if (expected.assignee && expected.assignee->value_or("") != task.assignee) return false;
  if (expected.groups && !same_names(*expected.groups, task.candidate_groups)) return false;
  if (expected.users && !same_names(*expected.users, task.candidate_users)) return false;
  if (expected.due && (!task.due || *task.due != expected.due->at)) return false;
  if (expected.priority && *expected.priority != task.priority) return false;
  return true;
}

bool matches(const ExpectedNotification& expected, const Notification& sent) {
  if (expected.channel && *expected.channel != sent.channel) return false;
  if (expected.to && *expected.to != sent.to) return false;
  if (expected.text && *expected.text != sent.text) return false;
  if (expected.contains && sent.text.find(*expected.contains) == std::string::npos) return false;
  if (expected.subject && *expected.subject != sent.subject) return false;
  return true;
}

std::string describe_notification(const Notification& sent) {
  std::string out = fmt::format("{} to {}", sent.channel, sent.to);
  if (!sent.subject.empty()) out += fmt::format(" subject \"{}\"", sent.subject);
  return out + fmt::format(": \"{}\"", sent.text);
}

std::string describe_expected(const ExpectedNotification& e) {
  std::vector<std::string> parts;
  if (e.channel) parts.push_back("channel " + *e.channel);
  if (e.to) parts.push_back("to " + *e.to);
  if (e.subject) parts.push_back(fmt::format("subject \"{}\"", *e.subject));
  if (e.text) parts.push_back(fmt::format("text \"{}\"", *e.text));
  if (e.contains) parts.push_back(fmt::format("containing \"{}\"", *e.contains));
  return fmt::format("{}", fmt::join(parts, ", "));
}

// A perfect matching of expected items to actual ones (each used once), by augmenting paths:
// greedy matching can fail where a matching exists when patterns overlap.
template <class E, class A>
bool perfect_matching(const std::vector<E>& expected, const std::vector<A>& actual,
                      std::vector<int>& owner_of_actual) {
  owner_of_actual.assign(actual.size(), -1);
  std::function<bool(std::size_t, std::vector<bool>&)> place = [&](std::size_t e,
                                                                   std::vector<bool>& seen) {
    for (std::size_t a = 0; a < actual.size(); ++a) {
      if (seen[a] || !matches(expected[e], actual[a])) continue;
      seen[a] = true;
      if (owner_of_actual[a] < 0 || place(static_cast<std::size_t>(owner_of_actual[a]), seen)) {
        owner_of_actual[a] = static_cast<int>(e);
        return true;
      }
    }
    return false;
  };
  for (std::size_t e = 0; e < expected.size(); ++e) {
    std::vector<bool> seen(actual.size(), false);
    if (!place(e, seen)) return false;
  }
  return true;
}

}  // namespace

std::string ScenarioRun::check(const Action& action) {
  const Expectation& expect = *action.expect;
  std::vector<std::string> problems;
  const auto add = [&](std::string problem) {
    if (!problem.empty()) problems.push_back(std::move(problem));
  };
  const bool about_case = expect.status || expect.active || expect.tasks || expect.vars ||
                          expect.path || expect.progress || expect.incident || expect.history;
  if (about_case) {
    Result<CaseId> id = case_of(action);
    if (!id) return id.error().message;
    add(check_case_fields(expect, *id));
    if (expect.tasks) add(check_tasks(*expect.tasks, *id));
  }
  if (expect.worklist) {
    TaskQuery query;
    (expect.worklist->manager ? query.manager : query.user) = expect.worklist->user;
    Result<std::vector<Task>> tasks = engine_->tasks(query);
    if (!tasks) return refused_text(tasks.error());
    std::vector<std::string> steps;
    for (const Task& t : *tasks) steps.push_back(t.step_id);
    add(compare_sets(fmt::format("{} of {}",
                                 expect.worklist->manager ? "manager's view" : "worklist",
                                 expect.worklist->user),
                     expect.worklist->steps, steps));
  }
  if (expect.sent) add(check_sent(*expect.sent));
  if (expect.sent_count &&
      static_cast<std::size_t>(*expect.sent_count) != notifier_.notifications().size()) {
    add(fmt::format("sent_count: expected {}, got {}", *expect.sent_count,
                    notifier_.notifications().size()));
  }
  if (expect.cases) {
    CaseQuery query;
    query.process_id = expect.cases->process.value_or("");
    if (expect.cases->status) query.status = parse_case_status(*expect.cases->status);
    Result<std::vector<Case>> cases = engine_->cases(query);
    if (!cases) return refused_text(cases.error());
    if (static_cast<std::size_t>(expect.cases->count) != cases->size()) {
      add(fmt::format("cases{}{}: expected {}, got {}",
                      expect.cases->process ? " of " + *expect.cases->process : "",
                      expect.cases->status ? " " + *expect.cases->status : "", expect.cases->count,
                      cases->size()));
    }
  }
  return fmt::format("{}", fmt::join(problems, "; "));
}

std::string ScenarioRun::check_case_fields(const Expectation& expect, CaseId id) {
  Result<Case> found = engine_->get_case(id);
  if (!found) return refused_text(found.error());
  const Case& c = *found;
  std::vector<std::string> problems;
  if (expect.status && *expect.status != to_string(c.status)) {
    std::string got{to_string(c.status)};
    if (!c.incidents.empty()) {
      got += fmt::format(" (incident at {}: {})", c.incidents.front().step_id,
                         c.incidents.front().message);
    }
    problems.push_back(fmt::format("status: expected {}, got {}", *expect.status, got));
  }
  if (expect.active) {
    if (auto p = compare_sets("active", *expect.active, c.active); !p.empty()) {
      problems.push_back(std::move(p));
    }
  }
  if (expect.path && *expect.path != c.path) {
    problems.push_back(fmt::format("path: expected [{}], got [{}]", fmt::join(*expect.path, ", "),
                                   fmt::join(c.path, ", ")));
  }
  if (expect.progress && *expect.progress != c.progress) {
    problems.push_back(fmt::format("progress: expected {}, got {}", *expect.progress, c.progress));
  }
  if (expect.vars) {
    for (const auto& [name, value] : *expect.vars) {
      const Value* actual = c.variables.find(name);
      const Value& got = actual != nullptr ? *actual : Value::null_value();
      if (!same_value(value, got)) {
        problems.push_back(fmt::format("vars.{}: expected {}, got {}", name,
                                       value.is_null() ? "absent" : to_json(value),
                                       actual == nullptr ? "absent" : to_json(got)));
      }
    }
  }
  if (expect.incident) {
    const ExpectedIncident& e = *expect.incident;
    const bool found_one =
        std::any_of(c.incidents.begin(), c.incidents.end(), [&](const Incident& i) {
          return (!e.step || *e.step == i.step_id) &&
                 (!e.contains || i.message.find(*e.contains) != std::string::npos);
        });
    if (!found_one) {
      std::vector<std::string> open;
      for (const Incident& i : c.incidents) open.push_back(i.step_id + ": " + i.message);
      problems.push_back(
          fmt::format("incident: expected one{}{}, got {}", e.step ? " at " + *e.step : "",
                      e.contains ? fmt::format(" containing \"{}\"", *e.contains) : "",
                      open.empty() ? "none" : fmt::format("{}", fmt::join(open, "; "))));
    }
  }
  if (expect.history) {
    Result<std::vector<HistoryEvent>> events = engine_->history(id);
    if (!events) return refused_text(events.error());
    std::size_t next = 0;
    for (const HistoryEvent& event : *events) {
      if (next == expect.history->size()) break;
      const ExpectedEvent& want = (*expect.history)[next];
      if (to_string(event.event) == want.event && (!want.step || *want.step == event.step_id)) {
        ++next;
      }
    }
    if (next < expect.history->size()) {
      const ExpectedEvent& missing = (*expect.history)[next];
      std::vector<std::string> seen;
      for (const HistoryEvent& event : *events) {
        seen.push_back(event.step_id.empty()
                           ? std::string{to_string(event.event)}
                           : fmt::format("{} {}", to_string(event.event), event.step_id));
      }
      problems.push_back(fmt::format(
          "history: no {}{} after the events matched before it; the "
          "history is [{}]",
          missing.event, missing.step ? " " + *missing.step : "", fmt::join(seen, ", ")));
    }
  }
  return fmt::format("{}", fmt::join(problems, "; "));
}

std::string ScenarioRun::check_tasks(const std::vector<ExpectedTask>& expected, CaseId id) {
  TaskQuery query;
  query.case_id = id;
  Result<std::vector<Task>> open = engine_->tasks(query);
  if (!open) return refused_text(open.error());
  std::vector<int> owner;
  if (expected.size() == open->size() && perfect_matching(expected, *open, owner)) return {};
  std::vector<std::string> got;
  for (const Task& t : *open) got.push_back(describe_task(t));
  std::sort(got.begin(), got.end());
  return fmt::format("tasks: expected {} open task(s) matching the list, got {}: [{}]",
                     expected.size(), open->size(), fmt::join(got, "; "));
}

std::string ScenarioRun::check_sent(const std::vector<ExpectedNotification>& expected) {
  const std::vector<Notification>& sent = notifier_.notifications();
  std::vector<int> owner;
  if (perfect_matching(expected, sent, owner)) return {};
  // Name the first expected notification that has no match on its own, or else the list.
  for (const ExpectedNotification& e : expected) {
    if (std::none_of(sent.begin(), sent.end(),
                     [&](const Notification& n) { return matches(e, n); })) {
      std::vector<std::string> all;
      for (const Notification& n : sent) all.push_back(describe_notification(n));
      return fmt::format("sent: nothing {} was sent; sent so far: [{}]", describe_expected(e),
                         fmt::join(all, "; "));
    }
  }
  return fmt::format("sent: {} notifications expected, but not that many distinct ones match",
                     expected.size());
}

}  // namespace crmflow::scenario
