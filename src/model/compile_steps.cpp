// Steps: the list walk (ids, scopes, document order), the fields every step has, and the fields
// of each step type.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "expr/template.hpp"
#include "model/compile.hpp"
#include "model/fields.hpp"
#include "time/iso8601.hpp"

namespace crmflow::model {
namespace {

bool valid_process_ref(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  return lower_or_digit(id.front()) && std::all_of(id.begin(), id.end(), [&](char c) {
           return lower_or_digit(c) || c == '.' || c == '_' || c == '-';
         });
}

}  // namespace

std::vector<StepIndex> Compiler::read_step_list(const YamlNode& list, StepIndex scope,
                                                std::string_view owner) {
  const auto list_id = static_cast<std::uint32_t>(lists_.size());
  lists_.emplace_back();
  std::size_t position = 0;
  for (const YamlNode* item : items(list)) {
    if (definition_.steps.size() >= limits_.max_steps) {
      if (!too_many_steps_) {
        error(*item, fmt::format("{}: more than {} steps (limit max_steps = {}): split the "
                                 "process with 'call' steps",
                                 owner, limits_.max_steps, limits_.max_steps));
      }
      too_many_steps_ = true;
      break;
    }
    const auto index = static_cast<StepIndex>(definition_.steps.size());
    definition_.steps.emplace_back();
    definition_.steps[index].scope = scope;
    definition_.steps[index].where = where(*item);
    pending_next_.emplace_back();
    list_of_.push_back(list_id);
    position_in_list_.push_back(position);
    has_timer_boundary_.push_back(false);
    lists_[list_id].push_back(index);
    read_step(*item, index, position == 0);
    ++position;
  }
  return lists_[list_id];
}

void Compiler::read_step(const YamlNode& map, StepIndex index, bool first_in_list) {
  if (!is_map(map)) {
    error(map, fmt::format("each step must be a map with at least 'id' and 'type', not {}",
                           describe(map)));
    graph_broken_ = true;
    return;
  }
  std::string owner = fmt::format("the step at line {}", where(map).line);

  // The id first: every later message names the step by it.
  if (const YamlNode* id =
          fields_.require(map, owner, "id", "give the step an id such as 'diagnose'")) {
    if (auto text = fields_.text(*id, owner, "id"); text && !text->empty()) {
      auto [place, inserted] = id_places_.emplace(*text, where(*id));
      if (inserted) {
        definition_.steps[index].id = *text;
        definition_.step_ids.emplace(*text, index);
        owner = fmt::format("step '{}'", *text);
      } else {
        error(*id, fmt::format("step id '{}' is used twice (first at line {}): ids must be unique "
                               "in the process, subprocesses included",
                               *text, place->second.line));
        graph_broken_ = true;
      }
    } else {
      if (text) error(*id, fmt::format("{}: 'id' must not be empty", owner));
      graph_broken_ = true;
    }
  } else {
    graph_broken_ = true;
  }

  const YamlNode* type_node = fields_.require(
      map, owner, "type", fmt::format("one of {}", fmt::join(step_type_names(), ", ")));
  std::optional<StepType> type;
  if (type_node != nullptr) {
    if (auto text = fields_.text(*type_node, owner, "type")) {
      type = parse_step_type(*text);
      if (!type) {
        error(*type_node, fmt::format("{}: unknown step type '{}'{}; the types are {}", owner,
                                      *text, did_you_mean(*text, step_type_names()),
                                      fmt::join(step_type_names(), ", ")));
      }
    }
  }
  if (!type) {
    graph_broken_ = true;
    return;
  }
  Step& step = definition_.steps[index];
  step.type = *type;

  // Fields: unknown ones, and known ones on the wrong type of step.
  std::vector<std::string_view> allowed;
  for (const YamlEntry& entry : entries(map)) {
    if (step_allows(*type, entry.key)) continue;
    if (allowed.empty()) {
      for (std::string_view f : common_step_fields()) allowed.push_back(f);
      for (std::string_view f : type_fields(*type)) allowed.push_back(f);
      for (std::string_view f :
           {"boundary", "calendar", "for_each", "as", "parallel", "complete_when", "collect"}) {
        if (step_allows(*type, f)) allowed.push_back(f);
      }
    }
    const std::string elsewhere = step_types_allowing(entry.key);
    if (!elsewhere.empty()) {
      error(entry.key_where, fmt::format("{}: '{}' is not allowed on a {} step; it belongs on {}",
                                         owner, entry.key, step_type_name(*type), elsewhere));
    } else {
      error(entry.key_where, fmt::format("{}: unknown field '{}'{}", owner, entry.key,
                                         did_you_mean(entry.key, allowed)));
    }
  }

  if (const YamlNode* name = get(map, "name")) {
    if (auto text = fields_.text(*name, owner, "name")) step.name = *text;
    step.name_template = read_template(*name, owner, "name");
  }
  if (step.name.empty()) step.name = step.id;
  if (const YamlNode* description = get(map, "description")) {
    step.description = fields_.text(*description, owner, "description").value_or("");
  }
  if (const YamlNode* progress = get(map, "progress")) {
    if (auto value = fields_.integer(*progress, owner, "progress", 0, 100)) {
      step.progress = static_cast<std::uint8_t>(*value);
    }
  }
  if (*type == StepType::start && !first_in_list) {
    error(map, fmt::format("{}: a start step must be the first step of its list; move it up or "
                           "remove it (the first step is where a case starts anyway)",
                           owner));
  }

  switch (*type) {
    case StepType::user:
      read_user(map, step, owner);
      break;
    case StepType::service:
      read_service(map, step, owner);
      break;
    case StepType::set:
      read_set(map, step, owner);
      break;
    case StepType::wait:
      read_wait(map, step, owner);
      break;
    case StepType::call:
      read_call(map, step, owner);
      break;
    case StepType::end:
      read_end(map, step, owner);
      break;
    default:
      break;
  }

  if (const YamlNode* boundary = get(map, "boundary"); boundary && allows_boundary(*type)) {
    const auto* wait = std::get_if<WaitStep>(&step.detail);
    if (wait != nullptr && (wait->kind != WaitStep::Kind::timer || get(map, "timer") == nullptr)) {
      error(*boundary, fmt::format("{}: 'boundary' is allowed on a wait step only when it waits "
                                   "for a timer; use an 'event' gateway to race a message "
                                   "against a timer",
                                   owner));
    } else {
      read_boundaries(*boundary, index, owner);
    }
  }
  Step& current = definition_.steps[index];
  if (get(map, "for_each") != nullptr || get(map, "as") != nullptr ||
      get(map, "parallel") != nullptr || get(map, "complete_when") != nullptr ||
      get(map, "collect") != nullptr) {
    if (allows_for_each(*type)) read_for_each(map, current, owner);
  }
  if (const YamlNode* calendar = get(map, "calendar"); calendar && allows_calendar(*type)) {
    if (auto name = read_calendar(*calendar, owner)) {
      if (auto* wait = std::get_if<WaitStep>(&current.detail)) wait->timer.calendar = *name;
      for (Boundary& b : current.boundary) b.timer.calendar = *name;
    }
  }
  if (const YamlNode* notify = get(map, "notify")) {
    current.notify = read_notify_list(*notify, owner, *type);
    for (const Notification& n : current.notify) {
      if (n.on == NotifyOn::timeout && !has_timer_boundary_[index]) {
        error(SourceLocation{n.where},
              fmt::format("{}: a notification 'on: timeout' needs a boundary timer on this step",
                          owner));
      }
    }
  }
  if (const YamlNode* next = get(map, "next")) {
    if (*type == StepType::end) {
      error(*next, fmt::format("{}: an end step ends its branch: remove 'next'", owner));
    } else {
      read_next(*next, index, owner);
    }
  }

  if (*type == StepType::subprocess) {
    const YamlNode* steps =
        fields_.require(map, owner, "steps", "list the steps inside the subprocess");
    if (steps == nullptr || !fields_.expect_list(*steps, owner, "steps")) {
      graph_broken_ = true;
    } else if (items(*steps).empty()) {
      error(*steps,
            fmt::format("{}: 'steps' is empty: a subprocess needs at least one step", owner));
      graph_broken_ = true;
    } else {
      std::vector<StepIndex> children = read_step_list(*steps, index, owner);
      SubprocessStep sub;
      if (!children.empty()) sub.first = children.front();
      sub.children = std::move(children);
      definition_.steps[index].detail = std::move(sub);
    }
  }
}

void Compiler::read_user(const YamlNode& map, Step& step, const std::string& owner) {
  UserTask task;
  if (const YamlNode* assignee = get(map, "assignee")) {
    task.assignee = read_template(*assignee, owner, "assignee");
  }
  if (const YamlNode* candidates = get(map, "candidates")) {
    static constexpr std::string_view kFields[] = {"users", "groups"};
    if (fields_.expect_map(*candidates, owner, "candidates")) {
      fields_.check_fields(*candidates, owner, kFields);
      if (const YamlNode* users = get(*candidates, "users")) {
        task.candidate_users = read_template_list(*users, owner, "candidates.users");
      }
      if (const YamlNode* groups = get(*candidates, "groups")) {
        task.candidate_groups = read_template_list(*groups, owner, "candidates.groups");
      }
    }
  }
  if (const YamlNode* form = get(map, "form")) read_form(*form, task, owner);
  if (const YamlNode* due = get(map, "due")) task.due = read_deadline(*due, owner);
  if (const YamlNode* priority = get(map, "priority")) {
    if (auto value = fields_.integer(*priority, owner, "priority", 0, 100)) {
      task.priority = static_cast<std::int32_t>(*value);
    }
  }
  if (const YamlNode* alarms = get(map, "alarms")) read_alarms(*alarms, task, owner);
  step.detail = std::move(task);
}

void Compiler::read_form(const YamlNode& node, UserTask& task, const std::string& owner) {
  if (!fields_.expect_list(node, owner, "form")) return;
  static constexpr std::string_view kFields[] = {"name", "type", "required", "options", "label"};
  for (const YamlNode* item : items(node)) {
    if (!fields_.expect_map(*item, owner, "each form field")) continue;
    fields_.check_fields(*item, owner, kFields);
    FormField field;
    const YamlNode* name =
        fields_.require(*item, owner, "name", "name the variable the field fills");
    if (name == nullptr) continue;
    auto text = fields_.text(*name, owner, "name");
    if (!text) continue;
    field.name = *text;
    const bool duplicate = std::any_of(task.form.begin(), task.form.end(),
                                       [&](const FormField& f) { return f.name == field.name; });
    if (duplicate) {
      error(*name, fmt::format("{}: the form has two fields named '{}'", owner, field.name));
      continue;
    }
    if (const YamlNode* type = get(*item, "type")) {
      if (auto type_text = fields_.text(*type, owner, "type")) {
        if (auto parsed = parse_value_type(*type_text)) {
          field.type = *parsed;
        } else {
          error(*type, fmt::format("{}: form field '{}' has unknown type '{}'{}", owner, field.name,
                                   *type_text, did_you_mean(*type_text, value_type_names())));
        }
      }
    }
    if (const YamlNode* required = get(*item, "required")) {
      field.required = fields_.boolean(*required, owner, "required").value_or(false);
    }
    if (const YamlNode* options = get(*item, "options")) {
      if (fields_.expect_list(*options, owner, "options")) {
        for (const YamlNode* option : items(*options))
          field.options.push_back(yaml::value_of(*option));
      }
    }
    if (const YamlNode* label = get(*item, "label")) {
      field.label = fields_.text(*label, owner, "label").value_or("");
    }
    task.form.push_back(std::move(field));
  }
}

void Compiler::read_service(const YamlNode& map, Step& step, const std::string& owner) {
  ServiceTask task;
  if (const YamlNode* handler =
          fields_.require(map, owner, "handler", "name the handler the host registered")) {
    task.handler = fields_.text(*handler, owner, "handler").value_or("");
  }
  if (const YamlNode* input = get(map, "input")) {
    task.input = read_assignments(*input, owner, "input");
  }
  if (const YamlNode* output = get(map, "output")) {
    task.output = read_assignments(*output, owner, "output");
  }
  if (const YamlNode* retries = get(map, "retries")) {
    const Value value = is_scalar(*retries) ? yaml::value_of(*retries) : Value{};
    if (value.is_integer() && value.as_integer() > std::int64_t{limits_.max_retries}) {
      error(*retries,
            fmt::format("{}: 'retries' is {}, more than {} (limit max_retries = {}): "
                        "a handler that keeps failing needs a person, not more tries",
                        owner, value.as_integer(), limits_.max_retries, limits_.max_retries));
    } else if (auto count = fields_.integer(*retries, owner, "retries", 0, limits_.max_retries)) {
      task.retries = static_cast<std::uint32_t>(*count);
    }
  }
  if (const YamlNode* backoff = get(map, "retry_backoff")) {
    if (auto value = read_duration(*backoff, owner, "retry_backoff", false)) {
      task.retry_backoff = *value;
    }
  }
  if (const YamlNode* due = get(map, "due")) task.due = read_deadline(*due, owner);
  step.detail = std::move(task);
}

void Compiler::read_set(const YamlNode& map, Step& step, const std::string& owner) {
  SetStep set;
  if (const YamlNode* node =
          fields_.require(map, owner, "set", "write set: {variable: value, ...}")) {
    if (auto assignments = read_assignments(*node, owner, "set")) {
      set.assignments = std::move(*assignments);
    }
  }
  step.detail = std::move(set);
}

void Compiler::read_wait(const YamlNode& map, Step& step, const std::string& owner) {
  WaitStep wait;
  const YamlNode* timer = get(map, "timer");
  const YamlNode* message = get(map, "message");
  const YamlNode* signal = get(map, "signal");
  const int kinds = (timer != nullptr) + (message != nullptr) + (signal != nullptr);
  if (kinds != 1) {
    error(map, fmt::format("{}: a wait step needs exactly one of 'timer', 'message' or 'signal'{}",
                           owner, kinds == 0 ? "" : ", not several"));
  } else if (timer != nullptr) {
    wait.kind = WaitStep::Kind::timer;
    if (auto parsed = read_timer(*timer, owner, false)) wait.timer = std::move(*parsed);
  } else if (message != nullptr) {
    wait.kind = WaitStep::Kind::message;
    if (auto parsed = read_message(*message, owner, "message")) wait.message = std::move(*parsed);
  } else {
    wait.kind = WaitStep::Kind::signal;
    wait.signal = fields_.text(*signal, owner, "signal").value_or("");
  }
  step.detail = std::move(wait);
}

void Compiler::read_call(const YamlNode& map, Step& step, const std::string& owner) {
  CallStep call;
  if (const YamlNode* process =
          fields_.require(map, owner, "process", "name the id of the process to start")) {
    if (auto text = fields_.text(*process, owner, "process")) {
      if (valid_process_ref(*text)) {
        call.process = *text;
      } else {
        error(*process, fmt::format("{}: '{}' is not a valid process id (a-z, 0-9, '.', '_', "
                                    "'-', at most 64 characters)",
                                    owner, *text));
      }
    }
  }
  if (const YamlNode* version = get(map, "version")) {
    call.version =
        fields_.integer(*version, owner, "version", 1, std::numeric_limits<std::int64_t>::max());
  }
  if (const YamlNode* input = get(map, "input")) {
    call.input = read_assignments(*input, owner, "input");
  }
  if (const YamlNode* output = get(map, "output")) {
    call.output = read_assignments(*output, owner, "output");
  }
  step.detail = std::move(call);
}

void Compiler::read_end(const YamlNode& map, Step& step, const std::string& owner) {
  EndStep end;
  if (const YamlNode* terminate = get(map, "terminate")) {
    end.terminate = fields_.boolean(*terminate, owner, "terminate").value_or(false);
  }
  if (const YamlNode* code = get(map, "error")) {
    if (auto text = fields_.text(*code, owner, "error")) {
      if (text->empty() || *text == "*") {
        error(*code,
              fmt::format("{}: 'error' must be an error code such as PAYMENT_FAILED", owner));
      } else {
        end.error = *text;
      }
    }
  }
  if (end.terminate && !end.error.empty()) {
    error(map,
          fmt::format("{}: an end step either terminates or throws an error, not both", owner));
  }
  step.detail = std::move(end);
}

}  // namespace crmflow::model
