// The process-level fields: id, labels, variables, templates, triggers, calendar, and the driver
// that reads the whole document.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>

#include "expr/template.hpp"
#include "model/compile.hpp"
#include "model/fields.hpp"
#include "time/cron.hpp"
#include "time/cycle.hpp"
#include "time/iso8601.hpp"
#include "time/zone.hpp"

namespace crmflow::model {
namespace {

constexpr std::size_t kMaxProcessIdLength = 64;

bool valid_process_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxProcessIdLength) return false;
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_or_digit(id.front())) return false;
  return std::all_of(id.begin(), id.end(),
                     [&](char c) { return lower_or_digit(c) || c == '.' || c == '_' || c == '-'; });
}

// The literal default converted to the declared type, or nullopt when it does not fit.
std::optional<Value> typed_default(const Value& literal, ValueType type) {
  if (literal.is_null()) return literal;
  switch (type) {
    case ValueType::string:
    case ValueType::text:
      if (literal.is_string()) return literal;
      break;
    case ValueType::number:
      if (literal.is_number()) return literal;
      break;
    case ValueType::integer:
      if (literal.is_integer()) return literal;
      break;
    case ValueType::boolean:
      if (literal.is_bool()) return literal;
      break;
    case ValueType::date:
      if (literal.is_string()) {
        if (auto d = time::parse_date(literal.as_string())) return Value{*d};
      }
      break;
    case ValueType::datetime:
      if (literal.is_string()) {
        if (auto dt = time::parse_datetime(literal.as_string(), nullptr)) return Value{*dt};
      }
      break;
    case ValueType::duration:
      if (literal.is_string()) {
        if (auto d = time::parse_duration(literal.as_string())) return Value{*d};
      }
      break;
    case ValueType::list:
      if (literal.is_list()) return literal;
      break;
    case ValueType::object:
      if (literal.is_object()) return literal;
      break;
    case ValueType::any:
      return literal;
  }
  return std::nullopt;
}

}  // namespace

Compiler::Compiler(Definition& definition, const LoadOptions& options, std::vector<Diagnostic>& out)
    : definition_(definition), options_(options), limits_(options.limits), out_(out) {}

void Compiler::compile(const YamlNode& root) {
  if (!is_map(root)) {
    error(root,
          "the document must be a map with at least 'process' and 'steps' (see "
          "docs/loading.md)");
    graph_broken_ = true;
    return;
  }
  fields_.check_fields(root, "process", process_fields());
  read_process_fields(root);
  // Templates first: notify entries of the steps name them.
  if (const YamlNode* node = get(root, "templates")) read_templates(*node);
  if (const YamlNode* node = get(root, "variables")) read_variables(*node);
  if (const YamlNode* node = get(root, "triggers")) read_triggers(*node);
  if (const YamlNode* node = get(root, "calendar")) {
    definition_.calendar = read_calendar(*node, "process").value_or("");
  }

  const YamlNode* steps =
      fields_.require(root, "process", "steps", "list the steps of the process");
  if (steps == nullptr || !fields_.expect_list(*steps, "process", "steps")) {
    graph_broken_ = true;
    return;
  }
  if (items(*steps).empty()) {
    error(*steps, "process: 'steps' is empty: a process needs at least one step");
    graph_broken_ = true;
    return;
  }
  const std::vector<StepIndex> top = read_step_list(*steps, kNoStep, "process");
  if (!top.empty()) definition_.first = top.front();
  if (too_many_steps_) {
    graph_broken_ = true;
    return;
  }
  resolve_flows();
}

void Compiler::read_process_fields(const YamlNode& root) {
  if (const YamlNode* id = fields_.require(root, "process", "process",
                                           "give the process an id such as phone-repair")) {
    if (auto text = fields_.text(*id, "process", "process")) {
      if (valid_process_id(*text)) {
        definition_.process_id = *text;
      } else {
        error(*id, fmt::format("process: the id '{}' is not valid: use at most {} characters of "
                               "a-z, 0-9, '.', '_' and '-', starting with a letter or digit",
                               *text, kMaxProcessIdLength));
      }
    }
  }
  if (const YamlNode* node = get(root, "name")) {
    if (auto text = fields_.text(*node, "process", "name")) definition_.name = *text;
  }
  if (definition_.name.empty()) definition_.name = definition_.process_id;
  if (const YamlNode* node = get(root, "description")) {
    if (auto text = fields_.text(*node, "process", "description")) definition_.description = *text;
  }
  if (const YamlNode* node = get(root, "version")) {
    definition_.declared_version =
        fields_.integer(*node, "process", "version", 1, std::numeric_limits<std::int64_t>::max());
  }
}

void Compiler::read_variables(const YamlNode& node) {
  if (!fields_.expect_map(node, "process", "variables")) return;
  static constexpr std::string_view kFields[] = {"type", "required", "default", "description"};
  for (const YamlEntry& entry : entries(node)) {
    const std::string owner = fmt::format("variable '{}'", entry.key);
    VariableDeclaration declaration;
    declaration.name = std::string{entry.key};
    if (!fields_.expect_map(*entry.value, owner, "the declaration")) continue;
    fields_.check_fields(*entry.value, owner, kFields);
    if (const YamlNode* type = get(*entry.value, "type")) {
      if (auto text = fields_.text(*type, owner, "type")) {
        if (auto parsed = parse_value_type(*text)) {
          declaration.type = *parsed;
        } else {
          error(*type, fmt::format("{}: unknown type '{}'{}; the types are string, text, number, "
                                   "integer, boolean, date, datetime, duration, list, object, any",
                                   owner, *text, did_you_mean(*text, value_type_names())));
        }
      }
    }
    if (const YamlNode* required = get(*entry.value, "required")) {
      declaration.required = fields_.boolean(*required, owner, "required").value_or(false);
    }
    if (const YamlNode* description = get(*entry.value, "description")) {
      declaration.description = fields_.text(*description, owner, "description").value_or("");
    }
    if (const YamlNode* fallback = get(*entry.value, "default")) {
      if (auto source = read_value_source(*fallback, owner, "default")) {
        if (!source->expression) {
          auto typed = typed_default(source->literal, declaration.type);
          if (typed) {
            source->literal = std::move(*typed);
          } else {
            const std::string_view type_name =
                value_type_names()[static_cast<std::size_t>(declaration.type)];
            error(*fallback,
                  fmt::format("{}: the default {} is not {} {}", owner, describe(*fallback),
                              type_name.front() == 'i' || type_name.front() == 'o' ? "an" : "a",
                              type_name));
          }
        }
        declaration.default_value = std::move(*source);
      }
    }
    definition_.variables.push_back(std::move(declaration));
  }
}

void Compiler::read_templates(const YamlNode& node) {
  if (!fields_.expect_map(node, "process", "templates")) return;
  static constexpr std::string_view kForms[] = {"sms", "email"};
  static constexpr std::string_view kEmail[] = {"subject", "body"};
  for (const YamlEntry& entry : entries(node)) {
    const std::string owner = fmt::format("template '{}'", entry.key);
    NamedTemplate named;
    named.name = std::string{entry.key};
    const std::size_t problems_before = out_.size();
    if (is_map(*entry.value)) {
      fields_.check_fields(*entry.value, owner, kForms);
      if (const YamlNode* sms = get(*entry.value, "sms")) {
        named.sms = read_template(*sms, owner, "sms");
      }
      if (const YamlNode* email = get(*entry.value, "email")) {
        if (fields_.expect_map(*email, owner, "email")) {
          fields_.check_fields(*email, owner, kEmail);
          if (const YamlNode* subject = fields_.require(*email, owner, "subject", "")) {
            named.email_subject = read_template(*subject, owner, "subject");
          }
          if (const YamlNode* body = fields_.require(*email, owner, "body", "")) {
            named.email_body = read_template(*body, owner, "body");
          }
        }
      }
      if (get(*entry.value, "sms") == nullptr && get(*entry.value, "email") == nullptr) {
        error(*entry.value, fmt::format("{}: give the text, or 'sms' and/or 'email' forms", owner));
      }
    } else {
      named.text = read_template(*entry.value, owner, "text");
    }
    // A template with its own problems is not blamed again at every notify that uses it.
    if (out_.size() != problems_before) broken_templates_.insert(named.name);
    template_index_.emplace(named.name, static_cast<std::uint32_t>(definition_.templates.size()));
    definition_.templates.push_back(std::move(named));
  }
}

void Compiler::read_triggers(const YamlNode& node) {
  if (!fields_.expect_list(node, "process", "triggers")) return;
  static constexpr std::string_view kFields[] = {"timer", "cron", "timezone", "message"};
  std::size_t number = 0;
  for (const YamlNode* item : items(node)) {
    const std::string owner = fmt::format("trigger {}", ++number);
    if (!fields_.expect_map(*item, owner, "the trigger")) continue;
    fields_.check_fields(*item, owner, kFields);
    const YamlNode* timer = get(*item, "timer");
    const YamlNode* cron = get(*item, "cron");
    const YamlNode* message = get(*item, "message");
    const int kinds = (timer != nullptr) + (cron != nullptr) + (message != nullptr);
    if (kinds != 1) {
      error(*item, fmt::format("{}: give exactly one of 'timer', 'cron' or 'message'", owner));
      continue;
    }
    Trigger trigger;
    trigger.where = where(*item);
    const YamlNode* zone_node = get(*item, "timezone");
    if (zone_node != nullptr && cron == nullptr) {
      error(*zone_node, fmt::format("{}: 'timezone' belongs to a 'cron' trigger", owner));
    }
    if (timer != nullptr) {
      trigger.kind = TriggerKind::cycle;
      static constexpr std::string_view kTimer[] = {"cycle"};
      if (!fields_.expect_map(*timer, owner, "timer")) continue;
      fields_.check_fields(*timer, owner, kTimer);
      const YamlNode* cycle =
          fields_.require(*timer, owner, "cycle", "write {cycle: R/2026-01-05T09:00:00Z/P1D}");
      if (cycle == nullptr) continue;
      auto text = fields_.text(*cycle, owner, "cycle");
      if (!text) continue;
      auto parsed = time::Cycle::parse(*text, nullptr);
      if (!parsed) {
        error(*cycle, fmt::format("{}: 'cycle' is not a valid repeating interval: {}", owner,
                                  parsed.error().message));
        continue;
      }
      trigger.cycle = *text;
    } else if (cron != nullptr) {
      trigger.kind = TriggerKind::cron;
      const date::time_zone* zone = nullptr;
      if (zone_node != nullptr) {
        auto name = fields_.text(*zone_node, owner, "timezone");
        if (!name) continue;
        auto found = time::find_zone(*name);
        if (!found) {
          error(*zone_node, fmt::format("{}: unknown time zone '{}': use an IANA name such as "
                                        "Asia/Tehran or Europe/Berlin",
                                        owner, *name));
          continue;
        }
        zone = *found;
        trigger.timezone = *name;
      }
      auto text = fields_.text(*cron, owner, "cron");
      if (!text) continue;
      auto parsed = time::CronSchedule::parse(*text, zone);
      if (!parsed) {
        error(*cron, fmt::format("{}: {}", owner, parsed.error().message));
        continue;
      }
      trigger.cron = *text;
    } else {
      trigger.kind = TriggerKind::message;
      auto text = fields_.text(*message, owner, "message");
      if (!text) continue;
      trigger.message = *text;
    }
    definition_.triggers.push_back(std::move(trigger));
  }
}

std::optional<std::string> Compiler::read_calendar(const YamlNode& node, std::string_view owner) {
  auto name = fields_.text(node, owner, "calendar");
  if (!name || !options_.calendars) return name;
  const auto& known = *options_.calendars;
  if (std::find(known.begin(), known.end(), *name) != known.end()) return name;
  std::vector<std::string_view> names(known.begin(), known.end());
  error(node, fmt::format("{}: unknown calendar '{}'{}; the calendars are: {}", owner, *name,
                          did_you_mean(*name, names),
                          known.empty() ? "(none)" : fmt::format("{}", fmt::join(known, ", "))));
  return std::nullopt;
}

}  // namespace crmflow::model
