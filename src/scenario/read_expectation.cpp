// The scenario reader: `expect` and its fields (the expectation table of spec/scenario-format.md).
#include <fmt/format.h>

#include <algorithm>
#include <span>
#include <vector>

#include "crmflow/history.hpp"
#include "scenario/reader.hpp"

namespace crmflow::scenario {
namespace {

constexpr std::string_view kExpectFields[] = {
    "case",     "status", "active",     "tasks",    "worklist", "vars",   "path",
    "progress", "sent",   "sent_count", "incident", "cases",    "history"};
// The fields that look at the whole engine rather than at one case.
constexpr std::string_view kEngineWideFields[] = {"case", "worklist", "sent", "sent_count",
                                                  "cases"};
constexpr std::string_view kTaskFields[] = {"step",  "assignee", "groups",
                                            "users", "due",      "priority"};
constexpr std::string_view kWorklistFields[] = {"user", "manager", "steps"};
constexpr std::string_view kSentFields[] = {"channel", "to", "contains", "text", "subject"};
constexpr std::string_view kIncidentFields[] = {"step", "contains"};
constexpr std::string_view kCasesFields[] = {"process", "status", "count"};
constexpr std::string_view kEventFields[] = {"event", "step"};
// Every history event name, from the library's own table (crmflow/history.hpp), so a new event
// is known here the day it exists.
std::span<const std::string_view> event_names() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names;
    for (auto i = 0U; i <= static_cast<unsigned>(EventType::case_cancelled); ++i) {
      names.push_back(to_string(static_cast<EventType>(i)));
    }
    return names;
  }();
  return kNames;
}

bool is_engine_wide(std::string_view field) {
  return std::find(std::begin(kEngineWideFields), std::end(kEngineWideFields), field) !=
         std::end(kEngineWideFields);
}

}  // namespace

void Reader::read_expect_action(const Node& item, const Node& value, Action& action,
                                const CaseScope& cases) {
  if (!fields_.expect_map(value, "expect", "expect")) return;
  if (value.size() == 0) {
    fields_.error(value, fmt::format("expect: nothing to check: give at least one of {}",
                                     yaml::word_list(std::span{kExpectFields}.subspan(1))));
    return;
  }
  const Node* inner_case = value.find("case");
  if (inner_case != nullptr && item.find("case") != nullptr) {
    fields_.error(*inner_case, "expect: 'case' is given twice (beside 'expect' and inside it)");
    return;
  }
  if (inner_case != nullptr) {
    action.case_alias = fields_.non_empty_text(*inner_case, "expect", "case");
    if (!action.case_alias) return;
  }
  const bool needs_case =
      std::any_of(value.entries().begin(), value.entries().end(),
                  [](const Node::Entry& e) { return !is_engine_wide(e.key.scalar()); });
  std::string process_id;
  if (needs_case || action.case_alias) {
    auto process = case_process(inner_case != nullptr ? value : item, value, action.case_alias,
                                cases, "expect");
    if (!process) return;
    process_id = *process;
  }
  action.expect = read_expectation(value, process_id);
}

std::optional<Expectation> Reader::read_expectation(const Node& node,
                                                    const std::string& process_id) {
  const std::size_t before = fields_.count();
  fields_.check_fields(node, "expect", kExpectFields);
  Expectation out;
  for (const Node::Entry& entry : node.entries()) {
    const std::string& field = entry.key.scalar();
    const Node& value = entry.value;
    if (field == "status") {
      out.status = fields_.one_of(value, "expect", field, kCaseStatuses);
    } else if (field == "active") {
      out.active = read_steps(value, "expect", field, process_id, true);
    } else if (field == "path") {
      out.path = read_steps(value, "expect", field, process_id, false);
    } else if (field == "tasks") {
      if (!fields_.expect_list(value, "expect", field)) continue;
      out.tasks.emplace();
      for (const Node& task : value.items()) {
        if (auto expected = read_expected_task(task, process_id)) out.tasks->push_back(*expected);
      }
    } else if (field == "worklist") {
      if (!fields_.expect_map(value, "expect", field)) continue;
      fields_.check_fields(value, "expect: worklist", kWorklistFields);
      const Node* user = value.find("user");
      const Node* manager = value.find("manager");
      const Node* steps = value.find("steps");
      if ((user == nullptr) == (manager == nullptr) || steps == nullptr) {
        fields_.error(value,
                      "expect: worklist: give 'steps' and one of 'user' or 'manager' "
                      "({user: ali, steps: [reception]})");
        continue;
      }
      const bool managed = manager != nullptr;
      auto name = fields_.non_empty_text(managed ? *manager : *user, "expect: worklist",
                                         managed ? "manager" : "user");
      auto ids = read_steps(*steps, "expect: worklist", "steps", "", false, true);
      if (name && ids) out.worklist = ExpectedWorklist{*name, managed, *ids};
    } else if (field == "vars") {
      if (auto vars = fields_.object(value, "expect", field)) out.vars = vars->as_object();
    } else if (field == "progress") {
      out.progress = fields_.integer(value, "expect", field, 0, 100);
    } else if (field == "sent") {
      if (!fields_.expect_list(value, "expect", field)) continue;
      out.sent.emplace();
      for (const Node& sent : value.items()) {
        if (auto expected = read_expected_notification(sent)) out.sent->push_back(*expected);
      }
    } else if (field == "sent_count") {
      out.sent_count = fields_.integer(value, "expect", field, 0);
    } else if (field == "incident") {
      if (!fields_.expect_map(value, "expect", field)) continue;
      fields_.check_fields(value, "expect: incident", kIncidentFields);
      ExpectedIncident incident;
      if (const Node* step = value.find("step")) {
        incident.step = fields_.non_empty_text(*step, "expect: incident", "step");
        if (incident.step) check_step(*step, *incident.step, process_id);
      }
      if (const Node* contains = value.find("contains")) {
        incident.contains = fields_.text(*contains, "expect: incident", "contains");
      }
      out.incident = incident;
    } else if (field == "cases") {
      if (!fields_.expect_map(value, "expect", field)) continue;
      fields_.check_fields(value, "expect: cases", kCasesFields);
      ExpectedCases cases;
      if (const Node* process = value.find("process")) {
        cases.process = fields_.non_empty_text(*process, "expect: cases", "process");
      }
      if (const Node* status = value.find("status")) {
        cases.status = fields_.one_of(*status, "expect: cases", "status", kCaseStatuses);
      }
      if (const Node* count = value.find("count")) {
        cases.count = fields_.integer(*count, "expect: cases", "count", 0).value_or(0);
      } else {
        fields_.error(value,
                      "expect: cases: 'count' is required: how many cases of that process "
                      "are in that status");
      }
      out.cases = cases;
    } else if (field == "history") {
      out.history = read_history(value, process_id);
    }
  }
  if (fields_.count() != before) return std::nullopt;
  return out;
}

std::optional<ExpectedTask> Reader::read_expected_task(const Node& node,
                                                       const std::string& process_id) {
  constexpr std::string_view kOwner = "expect: tasks";
  if (!node.is_mapping()) {
    fields_.error(node, fmt::format("{}: each task must be a map such as {{step: repair, "
                                    "groups: [technicians]}}, not {}",
                                    kOwner, yaml::describe(node)));
    return std::nullopt;
  }
  const std::size_t before = fields_.count();
  fields_.check_fields(node, kOwner, kTaskFields);
  ExpectedTask task;
  task.at = node.mark();
  for (const Node::Entry& entry : node.entries()) {
    const std::string& field = entry.key.scalar();
    const Node& value = entry.value;
    if (field == "step") {
      task.step = fields_.non_empty_text(value, kOwner, field);
      if (task.step) check_step(value, *task.step, process_id);
    } else if (field == "assignee") {
      if (value.is_null()) {
        task.assignee = std::optional<std::string>{};  // nobody holds the task
      } else if (auto user = fields_.non_empty_text(value, kOwner, field)) {
        task.assignee = std::optional<std::string>{*user};
      }
    } else if (field == "groups") {
      task.groups = fields_.text_list(value, kOwner, field);
    } else if (field == "users") {
      task.users = fields_.text_list(value, kOwner, field);
    } else if (field == "due") {
      task.due = fields_.datetime(value, kOwner, field);
    } else if (field == "priority") {
      task.priority = fields_.integer(value, kOwner, field, 0, 100);
    }
  }
  if (fields_.count() != before) return std::nullopt;
  return task;
}

std::optional<ExpectedNotification> Reader::read_expected_notification(const Node& node) {
  constexpr std::string_view kOwner = "expect: sent";
  if (!node.is_mapping() || node.size() == 0) {
    fields_.error(node, fmt::format("{}: each notification must be a map with at least one of "
                                    "channel, to, contains, text, subject, not {}",
                                    kOwner, yaml::describe(node)));
    return std::nullopt;
  }
  const std::size_t before = fields_.count();
  fields_.check_fields(node, kOwner, kSentFields);
  ExpectedNotification sent;
  sent.at = node.mark();
  for (const Node::Entry& entry : node.entries()) {
    const std::string& field = entry.key.scalar();
    std::optional<std::string> text = fields_.text(entry.value, kOwner, field);
    if (field == "channel") sent.channel = std::move(text);
    if (field == "to") sent.to = std::move(text);
    if (field == "contains") sent.contains = std::move(text);
    if (field == "text") sent.text = std::move(text);
    if (field == "subject") sent.subject = std::move(text);
  }
  if (node.find("contains") != nullptr && node.find("text") != nullptr) {
    fields_.error(*node.find("text"), fmt::format("{}: give 'contains' (a part of the text) or "
                                                  "'text' (all of it), not both",
                                                  kOwner));
  }
  if (fields_.count() != before) return std::nullopt;
  return sent;
}

std::optional<std::vector<ExpectedEvent>> Reader::read_history(const Node& node,
                                                               const std::string& process_id) {
  constexpr std::string_view kOwner = "expect: history";
  if (!fields_.expect_list(node, "expect", "history")) return std::nullopt;
  const std::size_t before = fields_.count();
  std::vector<ExpectedEvent> events;
  for (const Node& item : node.items()) {
    if (!item.is_mapping()) {
      fields_.error(item, fmt::format("{}: each item must be a map such as {{event: "
                                      "task_created, step: repair}}, not {}",
                                      kOwner, yaml::describe(item)));
      continue;
    }
    fields_.check_fields(item, kOwner, kEventFields);
    ExpectedEvent event;
    if (const Node* name = fields_.require(item, kOwner, "event", "")) {
      event.event = fields_.one_of(*name, kOwner, "event", event_names()).value_or("");
    }
    if (const Node* step = item.find("step")) {
      event.step = fields_.non_empty_text(*step, kOwner, "step");
      if (event.step) check_step(*step, *event.step, process_id);
    }
    events.push_back(std::move(event));
  }
  if (fields_.count() != before) return std::nullopt;
  return events;
}

std::optional<std::vector<std::string>> Reader::read_steps(const Node& node, std::string_view owner,
                                                           std::string_view field,
                                                           const std::string& process_id,
                                                           bool unique, bool any_process) {
  std::optional<std::vector<std::string>> steps = fields_.text_list(node, owner, field);
  if (!steps) return std::nullopt;
  const std::size_t before = fields_.count();
  for (std::size_t i = 0; i < steps->size(); ++i) {
    const Node& item = node.items()[i];
    const std::string& step = (*steps)[i];
    if (any_process) {
      // Over all cases (a worklist): the step must exist in some process of the file.
      if (!all_steps_.empty() && !some_process_unknown_ && all_steps_.count(step) == 0) {
        const std::vector<std::string_view> ids(all_steps_.begin(), all_steps_.end());
        fields_.error(item, fmt::format("{}: no process of the file has a step '{}'{}", owner, step,
                                        yaml::did_you_mean(step, ids)));
      }
    } else {
      check_step(item, step, process_id);
    }
    if (unique && std::find(steps->begin(), steps->begin() + static_cast<std::ptrdiff_t>(i),
                            step) != steps->begin() + static_cast<std::ptrdiff_t>(i)) {
      fields_.error(item, fmt::format("{}: step '{}' is listed twice in '{}' (each step once)",
                                      owner, step, field));
    }
  }
  if (fields_.count() != before) return std::nullopt;
  return steps;
}

}  // namespace crmflow::scenario
