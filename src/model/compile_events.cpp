// What happens around a step: notifications, alarms, timers, messages, boundary events, and
// multi-instance.
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "expr/template.hpp"
#include "model/compile.hpp"
#include "model/fields.hpp"
#include "time/cycle.hpp"
#include "time/iso8601.hpp"

namespace crmflow::model {

std::vector<Notification> Compiler::read_notify_list(const YamlNode& node, const std::string& owner,
                                                     StepType type) {
  std::vector<Notification> out;
  if (!fields_.expect_list(node, owner, "notify")) return out;
  for (const YamlNode* item : items(node)) {
    if (auto n = read_notification(*item, owner, type, false)) out.push_back(std::move(*n));
  }
  return out;
}

std::optional<Notification> Compiler::read_notification(const YamlNode& node,
                                                        const std::string& owner, StepType type,
                                                        bool in_alarm) {
  static constexpr std::string_view kFields[] = {"on",   "channel", "to",  "template",
                                                 "text", "subject", "body"};
  static constexpr std::string_view kAlarmFields[] = {"channel", "to",      "template",
                                                      "text",    "subject", "body"};
  if (!fields_.expect_map(node, owner, "notify entry")) return std::nullopt;
  if (in_alarm && get(node, "on") != nullptr) {
    error(*get(node, "on"), fmt::format("{}: an alarm's notify is sent when the alarm fires: "
                                        "remove 'on'",
                                        owner));
  } else {
    fields_.check_fields(node, owner,
                         in_alarm ? std::span<const std::string_view>{kAlarmFields}
                                  : std::span<const std::string_view>{kFields});
  }
  Notification n;
  n.where = where(node);
  bool ok = true;
  if (const YamlNode* on = get(node, "on"); on && !in_alarm) {
    auto text = fields_.text(*on, owner, "on");
    if (text == "enter") {
      n.on = NotifyOn::enter;
    } else if (text == "complete") {
      n.on = NotifyOn::complete;
    } else if (text == "timeout") {
      n.on = NotifyOn::timeout;
    } else {
      if (text) {
        error(*on,
              fmt::format("{}: 'on' must be enter, complete or timeout, not \"{}\"", owner, *text));
      }
      ok = false;
    }
  }
  if (const YamlNode* channel = fields_.require(node, owner, "channel",
                                                "name the channel: sms, email, or one the host "
                                                "registered")) {
    auto text = fields_.text(*channel, owner, "channel");
    if (text && !text->empty()) {
      n.channel = *text;
    } else {
      if (text) error(*channel, fmt::format("{}: 'channel' must not be empty", owner));
      ok = false;
    }
  } else {
    ok = false;
  }
  if (const YamlNode* to = fields_.require(
          node, owner, "to", "give an address, or assignee, candidates or initiator")) {
    auto text = fields_.text(*to, owner, "to");
    if (!text) {
      ok = false;
    } else if (*text == "assignee" || *text == "candidates") {
      n.recipient = *text == "assignee" ? Recipient::assignee : Recipient::candidates;
      if (type != StepType::user) {
        error(*to, fmt::format("{}: 'to: {}' needs a user step; a {} step has no {}", owner, *text,
                               step_type_name(type), *text));
        ok = false;
      }
    } else if (*text == "initiator") {
      n.recipient = Recipient::initiator;
    } else {
      n.recipient = Recipient::address;
      n.to = read_template(*to, owner, "to");
      ok = ok && n.to != nullptr;
    }
  } else {
    ok = false;
  }

  const YamlNode* template_name = get(node, "template");
  const YamlNode* text = get(node, "text");
  const YamlNode* subject = get(node, "subject");
  const YamlNode* body = get(node, "body");
  const int forms =
      (template_name != nullptr) + (text != nullptr) + (subject != nullptr || body != nullptr);
  if (forms != 1) {
    error(node, fmt::format("{}: a notification needs exactly one of 'template', 'text', or "
                            "'subject' with 'body'",
                            owner));
    return std::nullopt;
  }
  if (template_name != nullptr) {
    auto name = fields_.text(*template_name, owner, "template");
    if (!name) return std::nullopt;
    const auto found = template_index_.find(*name);
    if (found == template_index_.end()) {
      std::vector<std::string_view> names;
      for (const auto& t : definition_.templates) names.push_back(t.name);
      error(*template_name, fmt::format("{}: unknown template '{}'{}; define it under 'templates'",
                                        owner, *name, did_you_mean(*name, names)));
      return std::nullopt;
    }
    const NamedTemplate& named = definition_.templates[found->second];
    const bool has_form = named.text != nullptr || (n.channel == "sms" && named.sms != nullptr) ||
                          (n.channel == "email" && named.email_body != nullptr);
    if (!has_form && !n.channel.empty() && !broken_templates_.contains(*name)) {
      error(*template_name,
            fmt::format("{}: template '{}' has no form for channel '{}'", owner, *name, n.channel));
      return std::nullopt;
    }
    n.template_index = found->second;
  } else if (text != nullptr) {
    n.text = read_template(*text, owner, "text");
    ok = ok && n.text != nullptr;
  } else {
    if (subject == nullptr || body == nullptr) {
      error(node, fmt::format("{}: 'subject' and 'body' go together: give both", owner));
      return std::nullopt;
    }
    n.subject = read_template(*subject, owner, "subject");
    n.body = read_template(*body, owner, "body");
    ok = ok && n.subject != nullptr && n.body != nullptr;
  }
  if (!ok) return std::nullopt;
  return n;
}

void Compiler::read_alarms(const YamlNode& node, UserTask& task, const std::string& owner) {
  if (!fields_.expect_list(node, owner, "alarms")) return;
  static constexpr std::string_view kFields[] = {"after", "before_due", "at_due", "overdue",
                                                 "every", "times",      "notify", "escalate"};
  for (const YamlNode* item : items(node)) {
    if (!fields_.expect_map(*item, owner, "each alarm")) continue;
    fields_.check_fields(*item, owner, kFields);
    Alarm alarm;
    alarm.where = where(*item);
    const YamlNode* after = get(*item, "after");
    const YamlNode* before_due = get(*item, "before_due");
    const YamlNode* at_due = get(*item, "at_due");
    const YamlNode* overdue = get(*item, "overdue");
    const int anchors =
        (after != nullptr) + (before_due != nullptr) + (at_due != nullptr) + (overdue != nullptr);
    if (anchors != 1) {
      error(*item, fmt::format("{}: an alarm needs exactly one of 'after', 'before_due', "
                               "'at_due' or 'overdue'",
                               owner));
      continue;
    }
    bool ok = true;
    if (after != nullptr) {
      alarm.anchor = AlarmAnchor::after_created;
      auto d = read_duration(*after, owner, "after", true);
      ok = d.has_value();
      if (d) alarm.offset = *d;
    } else if (before_due != nullptr) {
      alarm.anchor = AlarmAnchor::before_due;
      auto d = read_duration(*before_due, owner, "before_due", true);
      ok = d.has_value();
      if (d) alarm.offset = *d;
    } else {
      const YamlNode& flag = at_due != nullptr ? *at_due : *overdue;
      const std::string_view field = at_due != nullptr ? "at_due" : "overdue";
      alarm.anchor = at_due != nullptr ? AlarmAnchor::at_due : AlarmAnchor::overdue;
      auto value = fields_.boolean(flag, owner, field);
      if (value == false) {
        error(flag,
              fmt::format("{}: '{}' can only be true; remove the alarm instead", owner, field));
      }
      ok = value == true;
    }
    if (alarm.anchor != AlarmAnchor::after_created && !task.due.is_set()) {
      const YamlNode& anchor = before_due ? *before_due : at_due ? *at_due : *overdue;
      error(anchor, fmt::format("{}: this alarm counts from the task's due moment, but the step "
                                "has no 'due'",
                                owner));
      ok = false;
    }
    if (const YamlNode* every = get(*item, "every")) {
      alarm.every = read_duration(*every, owner, "every", false);
      ok = ok && alarm.every.has_value();
    }
    if (const YamlNode* times = get(*item, "times")) {
      auto value = fields_.integer(*times, owner, "times", 1, 1'000'000);
      ok = ok && value.has_value();
      if (value) {
        alarm.times = static_cast<std::uint32_t>(*value);
        if (*value > 1 && !alarm.every) {
          error(*times, fmt::format("{}: 'times' repeats the alarm, so it needs 'every'", owner));
          ok = false;
        }
      }
    }
    const YamlNode* notify = get(*item, "notify");
    const YamlNode* escalate = get(*item, "escalate");
    if (notify == nullptr && escalate == nullptr) {
      error(*item,
            fmt::format("{}: an alarm needs 'notify' and/or 'escalate' (what it does)", owner));
      continue;
    }
    if (notify != nullptr) {
      alarm.notify = read_notification(*notify, owner, StepType::user, true);
      ok = ok && alarm.notify.has_value();
    }
    if (escalate != nullptr) {
      alarm.escalate = read_escalation(*escalate, owner);
      ok = ok && alarm.escalate.has_value();
    }
    if (ok) task.alarms.push_back(std::move(alarm));
  }
}

std::optional<Escalation> Compiler::read_escalation(const YamlNode& node,
                                                    const std::string& owner) {
  static constexpr std::string_view kFields[] = {"assignee", "groups", "priority"};
  if (!fields_.expect_map(node, owner, "escalate")) return std::nullopt;
  fields_.check_fields(node, owner, kFields);
  Escalation escalation;
  bool ok = true;
  bool any = false;
  if (const YamlNode* assignee = get(node, "assignee")) {
    any = true;
    escalation.assignee = read_template(*assignee, owner, "escalate.assignee");
    ok = ok && escalation.assignee != nullptr;
  }
  if (const YamlNode* groups = get(node, "groups")) {
    any = true;
    escalation.groups = fields_.text_list(*groups, owner, "escalate.groups");
    ok = ok && escalation.groups.has_value();
  }
  if (const YamlNode* priority = get(node, "priority")) {
    any = true;
    auto value = fields_.integer(*priority, owner, "escalate.priority", 0, 100);
    ok = ok && value.has_value();
    if (value) escalation.priority = static_cast<std::int32_t>(*value);
  }
  if (!any) {
    error(node, fmt::format("{}: 'escalate' needs 'assignee', 'groups' and/or 'priority'", owner));
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  return escalation;
}

std::optional<Timer> Compiler::read_timer(const YamlNode& node, const std::string& owner,
                                          bool allow_cycle) {
  Timer timer;
  if (!is_map(node)) {
    // A bare duration is short for {duration: ...}.
    auto d = read_duration(node, owner, "timer", true);
    if (!d) return std::nullopt;
    timer.kind = TimerKind::duration;
    timer.duration = *d;
    return timer;
  }
  static constexpr std::string_view kFields[] = {"duration", "date", "cycle"};
  fields_.check_fields(node, owner, kFields);
  const YamlNode* duration = get(node, "duration");
  const YamlNode* date = get(node, "date");
  const YamlNode* cycle = get(node, "cycle");
  if ((duration != nullptr) + (date != nullptr) + (cycle != nullptr) != 1) {
    error(node, fmt::format("{}: a timer needs exactly one of 'duration', 'date'{}", owner,
                            allow_cycle ? " or 'cycle'" : ""));
    return std::nullopt;
  }
  if (duration != nullptr) {
    auto d = read_duration(*duration, owner, "duration", true);
    if (!d) return std::nullopt;
    timer.duration = *d;
    return timer;
  }
  if (date != nullptr) {
    timer.kind = TimerKind::date;
    auto source = read_value_source(*date, owner, "date");
    if (!source) return std::nullopt;
    if (!source->expression) {
      const Value& literal = source->literal;
      const bool valid =
          literal.is_string() && (time::parse_datetime(literal.as_string(), nullptr).ok() ||
                                  time::parse_date(literal.as_string()).ok());
      if (!valid) {
        error(*date, fmt::format("{}: 'date' must be a date or datetime such as "
                                 "2026-03-01T09:00:00+03:30, or an expression '= ...', not {}",
                                 owner, describe(*date)));
        return std::nullopt;
      }
    }
    timer.date = std::move(*source);
    return timer;
  }
  timer.kind = TimerKind::cycle;
  if (!allow_cycle) {
    error(*cycle,
          fmt::format("{}: 'cycle' is allowed only on a non-interrupting boundary timer", owner));
    return std::nullopt;
  }
  auto text = fields_.text(*cycle, owner, "cycle");
  if (!text) return std::nullopt;
  if (auto parsed = time::Cycle::parse(*text, nullptr); !parsed) {
    error(*cycle, fmt::format("{}: 'cycle' is not a valid repeating interval: {} (write e.g. "
                              "R6/P1D)",
                              owner, parsed.error().message));
    return std::nullopt;
  }
  timer.cycle = *text;
  return timer;
}

std::optional<MessageRef> Compiler::read_message(const YamlNode& node, const std::string& owner,
                                                 std::string_view field) {
  static constexpr std::string_view kFields[] = {"name", "key"};
  if (!fields_.expect_map(node, owner, field)) return std::nullopt;
  fields_.check_fields(node, owner, kFields);
  MessageRef message;
  const YamlNode* name = fields_.require(node, owner, "name", "name the message");
  if (name == nullptr) return std::nullopt;
  auto text = fields_.text(*name, owner, "name");
  if (!text || text->empty()) return std::nullopt;
  message.name = *text;
  if (const YamlNode* key = get(node, "key")) {
    message.key = read_template(*key, owner, "key");
    if (!message.key) return std::nullopt;
  }
  return message;
}

void Compiler::read_boundaries(const YamlNode& node, StepIndex index, const std::string& owner) {
  if (!fields_.expect_list(node, owner, "boundary")) return;
  static constexpr std::string_view kFields[] = {"timer", "message", "error", "interrupting",
                                                 "next"};
  for (const YamlNode* item : items(node)) {
    if (!fields_.expect_map(*item, owner, "each boundary event")) continue;
    fields_.check_fields(*item, owner, kFields);
    Boundary boundary;
    boundary.where = where(*item);
    const YamlNode* timer = get(*item, "timer");
    const YamlNode* message = get(*item, "message");
    const YamlNode* code = get(*item, "error");
    if ((timer != nullptr) + (message != nullptr) + (code != nullptr) != 1) {
      error(*item, fmt::format("{}: a boundary event needs exactly one of 'timer', 'message' or "
                               "'error'",
                               owner));
      continue;
    }
    bool ok = true;
    if (const YamlNode* interrupting = get(*item, "interrupting")) {
      auto value = fields_.boolean(*interrupting, owner, "interrupting");
      ok = value.has_value();
      boundary.interrupting = value.value_or(true);
    }
    if (timer != nullptr) {
      boundary.kind = BoundaryKind::timer;
      auto parsed = read_timer(*timer, owner, true);
      if (parsed && parsed->kind == TimerKind::cycle && boundary.interrupting) {
        error(*timer, fmt::format("{}: a 'cycle' timer fires repeatedly, so its boundary needs "
                                  "'interrupting: false'",
                                  owner));
        parsed.reset();
      }
      ok = ok && parsed.has_value();
      if (parsed) boundary.timer = std::move(*parsed);
      has_timer_boundary_[index] = true;
    } else if (message != nullptr) {
      boundary.kind = BoundaryKind::message;
      auto parsed = read_message(*message, owner, "message");
      ok = ok && parsed.has_value();
      if (parsed) boundary.message = std::move(*parsed);
    } else {
      boundary.kind = BoundaryKind::error;
      auto text = fields_.text(*code, owner, "error");
      if (text && text->empty()) {
        error(*code,
              fmt::format("{}: 'error' must be an error code, or \"*\" for every code", owner));
      }
      ok = ok && text && !text->empty();
      if (text) boundary.error_code = *text;
      // BPMN: the step that threw has stopped, so nothing is left for a non-interrupting
      // boundary to leave running.
      if (const YamlNode* interrupting = get(*item, "interrupting");
          interrupting != nullptr && !boundary.interrupting) {
        error(*interrupting, fmt::format("{}: an error boundary always interrupts (the step that "
                                         "threw has stopped): remove 'interrupting: false'",
                                         owner));  // kept in the graph: no cascade of errors
      }
    }
    const YamlNode* next =
        fields_.require(*item, owner, "next", "name the step the boundary leads to");
    std::optional<std::string> target;
    if (next != nullptr) target = fields_.text(*next, owner, "next");
    if (!target) {
      graph_broken_ = true;
      continue;
    }
    if (!ok) continue;
    Step& step = definition_.steps[index];
    pending_boundaries_.push_back(PendingBoundary{index, step.boundary.size(),
                                                  Branch{*target, where(*next), nullptr, false}});
    step.boundary.push_back(std::move(boundary));
  }
}

void Compiler::read_for_each(const YamlNode& map, Step& step, const std::string& owner) {
  const YamlNode* items_node = get(map, "for_each");
  if (items_node == nullptr) {
    for (std::string_view field : {"as", "parallel", "complete_when", "collect"}) {
      if (const YamlNode* node = get(map, field)) {
        error(*node, fmt::format("{}: '{}' belongs to a multi-instance step: add 'for_each'", owner,
                                 field));
      }
    }
    return;
  }
  MultiInstance multi;
  bool ok = true;
  multi.items = read_expression(*items_node, owner, "for_each");
  ok = multi.items != nullptr;
  if (const YamlNode* as = get(map, "as")) {
    auto name = fields_.text(*as, owner, "as");
    if (name && !name->empty() && name->find('.') == std::string::npos) {
      multi.as = *name;
    } else {
      if (name) error(*as, fmt::format("{}: 'as' must be a plain variable name", owner));
      ok = false;
    }
  }
  if (const YamlNode* parallel = get(map, "parallel")) {
    auto value = fields_.boolean(*parallel, owner, "parallel");
    ok = ok && value.has_value();
    multi.parallel = value.value_or(true);
  }
  if (const YamlNode* complete_when = get(map, "complete_when")) {
    multi.complete_when = read_expression(*complete_when, owner, "complete_when");
    ok = ok && multi.complete_when != nullptr;
  }
  if (const YamlNode* collect = get(map, "collect")) {
    static constexpr std::string_view kFields[] = {"into", "value"};
    if (fields_.expect_map(*collect, owner, "collect")) {
      fields_.check_fields(*collect, owner, kFields);
      const YamlNode* into =
          fields_.require(*collect, owner, "into", "name the variable to collect into");
      const YamlNode* value =
          fields_.require(*collect, owner, "value", "say what each instance gives");
      std::optional<std::string> into_name;
      if (into != nullptr) into_name = fields_.text(*into, owner, "collect.into");
      std::optional<ValueSource> source;
      if (value != nullptr) source = read_value_source(*value, owner, "collect.value");
      if (into_name && source) {
        multi.collect = Collect{std::move(*into_name), std::move(*source)};
      } else {
        ok = false;
      }
    } else {
      ok = false;
    }
  }
  if (ok) step.for_each = std::move(multi);
}

}  // namespace crmflow::model
