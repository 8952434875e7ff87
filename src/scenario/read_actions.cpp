// The scenario reader: `scenarios` and the actions of each (the table of spec/scenario-format.md).
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "scenario/reader.hpp"

namespace crmflow::scenario {
namespace {

// `advance: PT2H`: the scenario clock only moves forward, and the message says how to move it
// to a moment instead.
constexpr yaml::DurationRules kAdvanceRules{
    .allow_zero = true,
    .examples = "PT2H, P1D or P1DT30M",
    .why_not_negative = "the clock never goes back (use 'at' to move it to a moment)",
    .give_reason = false,
};

// One row of the spec's action table: the word and the fields written beside it.
struct ActionRule {
  ActionKind kind;
  std::string_view name;
  std::vector<std::string_view> fields;
};

const std::vector<ActionRule>& action_rules() {
  static const std::vector<ActionRule> kRules = {
      {ActionKind::start, "start", {"key", "vars", "by", "as", "version"}},
      {ActionKind::complete, "complete", {"by", "vars", "case", "task"}},
      {ActionKind::claim, "claim", {"by", "case", "task"}},
      {ActionKind::unclaim, "unclaim", {"by", "case", "task"}},
      {ActionKind::delegate, "delegate", {"by", "to", "case", "task"}},
      {ActionKind::reassign, "reassign", {"by", "to", "case", "task"}},
      {ActionKind::message, "message", {"key", "vars"}},
      {ActionKind::signal, "signal", {"vars"}},
      {ActionKind::advance, "advance", {}},
      {ActionKind::at, "at", {}},
      {ActionKind::cancel, "cancel", {"case", "reason"}},
      {ActionKind::retry, "retry", {"vars", "case"}},
      {ActionKind::deploy, "deploy", {}},
      {ActionKind::restart, "restart", {}},
      {ActionKind::expect, "expect", {"case"}},
      {ActionKind::expect_error, "expect_error", {}},
  };
  return kRules;
}

const std::vector<std::string_view>& action_names() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names;
    for (const ActionRule& rule : action_rules()) names.push_back(rule.name);
    return names;
  }();
  return kNames;
}

const ActionRule* find_rule(std::string_view word) {
  for (const ActionRule& rule : action_rules()) {
    if (rule.name == word) return &rule;
  }
  return nullptr;
}

bool is_field_of_some_action(std::string_view key) {
  return std::any_of(action_rules().begin(), action_rules().end(), [&](const ActionRule& rule) {
    return std::find(rule.fields.begin(), rule.fields.end(), key) != rule.fields.end();
  });
}

constexpr std::string_view kScenarioFields[] = {"name", "do"};
constexpr std::string_view kErrorCodes[] = {"not_found",     "not_authorized", "invalid_input",
                                            "invalid_state", "conflict",       "unavailable",
                                            "internal"};

}  // namespace

std::string_view action_name(ActionKind kind) {
  for (const ActionRule& rule : action_rules()) {
    if (rule.kind == kind) return rule.name;
  }
  return "action";
}

void Reader::read_scenarios(const Node& node, ScenarioFile& file) {
  if (!fields_.expect_list(node, "scenario file", "scenarios")) return;
  if (node.size() == 0) {
    fields_.error(node, "scenario file: 'scenarios' is empty: write at least one {name, do}");
  }
  std::map<std::string, Mark, std::less<>> names;
  for (const Node& item : node.items()) {
    if (!fields_.expect_map(item, "scenario", "scenarios")) continue;
    fields_.check_fields(item, "scenario", kScenarioFields);
    Scenario scenario;
    scenario.at = item.mark();
    const Node* name =
        fields_.require(item, "scenario", "name", "it is printed as PASS name or FAIL name");
    if (auto text = name ? fields_.non_empty_text(*name, "scenario", "name") : std::nullopt) {
      scenario.name = *text;
      const auto [first, added] = names.emplace(scenario.name, name->mark());
      if (!added) {
        fields_.error(*name, fmt::format("scenario '{}': the name is already used on line {}: "
                                         "names tell the results apart",
                                         scenario.name, first->second.line));
      }
    }
    const std::string owner =
        scenario.name.empty() ? std::string{"scenario"} : "scenario '" + scenario.name + "'";
    const Node* actions = fields_.require(item, owner, "do", "the list of actions");
    if (actions == nullptr) continue;
    if (!fields_.expect_list(*actions, owner, "do")) continue;
    if (actions->size() == 0) {
      fields_.error(*actions,
                    owner + ": 'do' is empty: a scenario that does nothing tests nothing");
    }
    // A deploy adds versions for the rest of its own scenario only: each runs on a fresh engine.
    const auto file_steps = steps_by_process_;
    const auto file_all_steps = all_steps_;
    CaseScope cases;
    for (const Node& action_node : actions->items()) {
      if (std::optional<Action> action = read_action(action_node, cases, false)) {
        scenario.actions.push_back(std::move(*action));
      } else if (action_node.find("start") != nullptr) {
        // A start that could not be read still starts "a case" for the actions after it, so
        // that they are not reported as acting on no case.
        const Node* alias = action_node.find("as");
        const std::string started =
            alias != nullptr && alias->is_scalar() ? alias->scalar() : std::string{"case"};
        cases.aliases[started] = std::string{};
        cases.last = started;
      }
    }
    steps_by_process_ = file_steps;
    all_steps_ = file_all_steps;
    file.scenarios.push_back(std::move(scenario));
  }
}

std::optional<Action> Reader::read_action(const Node& item, CaseScope& cases,
                                          bool under_expect_error) {
  if (!item.is_mapping()) {
    fields_.error(item, fmt::format("each action must be a map such as {{complete: reception, "
                                    "by: ali}} or {{advance: PT2H}}, not {}",
                                    yaml::describe(item)));
    return std::nullopt;
  }
  // The action word: the one key that names an action.
  const Node::Entry* word = nullptr;
  for (const Node::Entry& entry : item.entries()) {
    if (find_rule(entry.key.scalar()) == nullptr) continue;
    if (word != nullptr) {
      fields_.error(entry.key, fmt::format("two actions in one item: '{}' and '{}' (write each as "
                                           "an item of its own)",
                                           word->key.scalar(), entry.key.scalar()));
      return std::nullopt;
    }
    word = &entry;
  }
  if (word == nullptr) {
    // The likely culprit is a key that belongs to no action (a misspelt action word).
    const Node::Entry* first = nullptr;
    for (const Node::Entry& entry : item.entries()) {
      if (under_expect_error && entry.key.scalar() == "code") continue;
      if (first == nullptr || !is_field_of_some_action(entry.key.scalar())) first = &entry;
      if (!is_field_of_some_action(entry.key.scalar())) break;
    }
    if (first == nullptr) {
      fields_.error(item, fmt::format("the action is missing: write one of {}",
                                      yaml::word_list(action_names())));
    } else if (is_field_of_some_action(first->key.scalar())) {
      fields_.error(first->key, fmt::format("'{}' is a field of an action, but the action itself "
                                            "is missing: write one of {}",
                                            first->key.scalar(), yaml::word_list(action_names())));
    } else {
      fields_.error(first->key,
                    fmt::format("unknown action '{}'{}", first->key.scalar(),
                                yaml::did_you_mean(first->key.scalar(), action_names())));
    }
    return std::nullopt;
  }

  const ActionRule& rule = *find_rule(word->key.scalar());
  if (under_expect_error &&
      (rule.kind == ActionKind::expect || rule.kind == ActionKind::expect_error)) {
    fields_.error(word->key, fmt::format("expect_error: '{}' is a check, not an action that can "
                                         "be refused",
                                         rule.name));
    return std::nullopt;
  }
  const std::size_t before = fields_.count();
  std::vector<std::string_view> allowed = rule.fields;
  allowed.push_back(rule.name);
  if (under_expect_error) allowed.push_back("code");
  fields_.check_fields(item, rule.name, allowed);

  Action action;
  action.kind = rule.kind;
  action.at = item.mark();
  for (const Node::Entry& entry : item.entries()) {
    const std::string& field = entry.key.scalar();
    const Node& value = entry.value;
    if (field == "key") {
      action.key = fields_.text(value, rule.name, field);
    } else if (field == "vars") {
      action.vars = fields_.object(value, rule.name, field);
    } else if (field == "by") {
      action.by = fields_.non_empty_text(value, rule.name, field);
    } else if (field == "as") {
      action.alias = fields_.non_empty_text(value, rule.name, field);
    } else if (field == "version") {
      action.version = fields_.integer(value, rule.name, field, 1);
    } else if (field == "case") {
      action.case_alias = fields_.non_empty_text(value, rule.name, field);
    } else if (field == "task") {
      action.task = fields_.integer(value, rule.name, field, 1);
    } else if (field == "to") {
      action.to = fields_.non_empty_text(value, rule.name, field);
    } else if (field == "reason") {
      action.reason = fields_.text(value, rule.name, field);
    }
  }
  if (rule.kind == ActionKind::delegate && item.find("to") == nullptr) {
    fields_.error(item, "delegate: 'to' is required: the user the task is handed to");
  }
  if (rule.kind == ActionKind::claim && item.find("by") == nullptr) {
    fields_.error(item, "claim: 'by' is required: the user who claims the task");
  }
  if (rule.kind == ActionKind::reassign && item.find("by") == nullptr) {
    fields_.error(item, "reassign: 'by' is required: the manager who reassigns the task");
  }
  if (fields_.count() != before) return std::nullopt;

  if (rule.kind == ActionKind::expect_error) {
    return read_expected_error(word->value, cases);
  }
  read_action_target(item, word->value, action, cases, under_expect_error);
  if (fields_.count() != before) return std::nullopt;
  return action;
}

std::optional<Action> Reader::read_expected_error(const Node& value, CaseScope& cases) {
  if (!fields_.expect_map(value, "expect_error", "expect_error")) return std::nullopt;
  const Node* code_node = value.find("code");
  std::optional<ErrorCode> code;
  if (code_node == nullptr) {
    fields_.error(value, fmt::format("expect_error: 'code' is required: the code the action must "
                                     "be refused with ({})",
                                     yaml::word_list(kErrorCodes)));
  } else if (code_node->is_scalar() && (code = parse_error_code(code_node->scalar())).has_value()) {
  } else {
    fields_.error(*code_node, fmt::format("expect_error: unknown error code {}: use {}{}",
                                          yaml::describe(*code_node), yaml::word_list(kErrorCodes),
                                          yaml::did_you_mean(code_node->scalar(), kErrorCodes)));
  }
  std::optional<Action> action = read_action(value, cases, true);
  if (!action || !code) return std::nullopt;
  action->expected_error = code;
  return action;
}

void Reader::read_action_target(const Node& item, const Node& value, Action& action,
                                CaseScope& cases, bool under_expect_error) {
  const std::string_view name = action_name(action.kind);
  switch (action.kind) {
    case ActionKind::start: {
      const auto process = fields_.non_empty_text(value, name, name);
      if (!process) return;
      action.target = *process;
      const bool known = steps_by_process_.count(*process) > 0;
      if (!known && !some_process_unknown_) {
        std::vector<std::string_view> ids;
        for (const auto& [id, steps] : steps_by_process_) ids.push_back(id);
        fields_.error(value, fmt::format("unknown process '{}'{}: the file's processes are {} (a "
                                         "process must be listed under 'processes' or deployed "
                                         "before it is started)",
                                         *process, yaml::did_you_mean(*process, ids),
                                         ids.empty() ? "none" : yaml::word_list(ids)));
      }
      if (!action.alias) action.alias = "case";
      if (!under_expect_error) {
        cases.aliases[*action.alias] = known ? *process : std::string{};
        cases.last = *action.alias;
      }
      return;
    }
    case ActionKind::complete:
    case ActionKind::claim:
    case ActionKind::unclaim:
    case ActionKind::delegate:
    case ActionKind::reassign:
    case ActionKind::retry: {
      const auto step = fields_.non_empty_text(value, name, name);
      if (!step) return;
      action.target = *step;
      if (auto process = case_process(item, value, action.case_alias, cases, name)) {
        if (action.kind == ActionKind::retry) {
          check_step(value, *step, *process);
        } else {
          check_task_step(value, *step, *process);
        }
      }
      return;
    }
    case ActionKind::cancel:
      if (!value.is_scalar() || yaml::value_of(value) != Value{true}) {
        fields_.error(value, fmt::format("cancel: write 'cancel: true' (with 'case' and 'reason' "
                                         "beside it if needed), not {}",
                                         yaml::describe(value)));
        return;
      }
      case_process(item, value, action.case_alias, cases, name);
      return;
    case ActionKind::restart:
      if (!value.is_scalar() || yaml::value_of(value) != Value{true}) {
        fields_.error(value,
                      fmt::format("restart: write 'restart: true', not {}", yaml::describe(value)));
      }
      return;
    case ActionKind::message:
    case ActionKind::signal:
      if (auto text = fields_.non_empty_text(value, name, name)) action.target = *text;
      return;
    case ActionKind::advance:
      if (auto duration = fields_.duration(value, name, name, kAdvanceRules))
        action.advance = *duration;
      return;
    case ActionKind::at:
      if (auto moment = fields_.datetime(value, name, name)) action.moment = *moment;
      return;
    case ActionKind::deploy:
      if (auto process = load_path(value, name, name)) {
        action.target = process->source_file();
        remember(process);
        action.deployed = std::move(process);
      }
      return;
    case ActionKind::expect:
      read_expect_action(item, value, action, cases);
      return;
    case ActionKind::expect_error:
      return;  // read by read_expected_error
  }
}

std::optional<std::string> Reader::case_process(const Node& item, const Node& fallback,
                                                const std::optional<std::string>& alias,
                                                const CaseScope& cases, std::string_view owner) {
  const Node* case_node = item.find("case");
  const Node& at = case_node != nullptr ? *case_node : fallback;
  if (alias) {
    const auto found = cases.aliases.find(*alias);
    if (found != cases.aliases.end()) return found->second;
    std::vector<std::string_view> known;
    for (const auto& [name, process] : cases.aliases) known.push_back(name);
    fields_.error(at, fmt::format("{}: unknown case '{}'{}: name a case with 'as: {}' on an "
                                  "earlier 'start'",
                                  owner, *alias, yaml::did_you_mean(*alias, known), *alias));
    return std::nullopt;
  }
  if (cases.last) return cases.aliases.at(*cases.last);
  fields_.error(at, fmt::format("{}: acts on the case most recently started, but no 'start' "
                                "comes before it",
                                owner));
  return std::nullopt;
}

void Reader::check_step(const Node& at, const std::string& step, const std::string& process_id) {
  const auto found = steps_by_process_.find(process_id);
  if (found == steps_by_process_.end() || found->second.count(step) > 0) return;
  const std::vector<std::string_view> ids(found->second.begin(), found->second.end());
  fields_.error(at, fmt::format("process '{}' has no step '{}'{}", process_id, step,
                                yaml::did_you_mean(step, ids)));
}

void Reader::check_task_step(const Node& at, const std::string& step,
                             const std::string& process_id) {
  std::set<std::string, std::less<>> seen{process_id};
  std::vector<std::string> todo{process_id};
  while (!todo.empty()) {
    const std::string process = std::move(todo.back());
    todo.pop_back();
    if (process != process_id) {
      const auto steps = steps_by_process_.find(process);
      if (steps != steps_by_process_.end() && steps->second.count(step) > 0) return;
    }
    const auto calls = calls_by_process_.find(process);
    if (calls == calls_by_process_.end()) continue;
    for (const std::string& callee : calls->second) {
      if (seen.insert(callee).second) todo.push_back(callee);
    }
  }
  check_step(at, step, process_id);
}

}  // namespace crmflow::scenario
