// Notifications: `notify` entries rendered with the case's variables and queued in the outbox of
// the same commit. Recipients given as words (assignee, candidates, initiator) are resolved
// through the directory to each user's address on the channel, one notification per address.
// A notification with nowhere to go is skipped and the skip recorded; one whose text fails to
// render is recorded as notification_failed. Neither stops the case: a notification is a side
// effect, never a step of the flow.
#include <fmt/format.h>

#include <algorithm>

#include "expr/template.hpp"
#include "notify/sms.hpp"
#include "runtime/case_run.hpp"

namespace crmflow::runtime {

using model::Notification;
using model::Recipient;
using model::Step;

void CaseRun::notify(const Step& step, model::NotifyOn on, const Task* task) {
  for (const Notification& entry : step.notify) {
    if (entry.on == on) queue_notification(step, entry, task);
  }
}

namespace {

struct Content {
  model::TemplatePtr subject;
  model::TemplatePtr text;
};

// The template's form for the channel: sms text, e-mail subject and body, else the plain text.
Content content_of(const model::Definition& d, const Notification& entry) {
  if (!entry.template_index) return {entry.subject, entry.body ? entry.body : entry.text};
  const model::NamedTemplate& named = d.templates[*entry.template_index];
  if (entry.channel == "sms" && named.sms) return {nullptr, named.sms};
  if (entry.channel == "email" && named.email_body) return {named.email_subject, named.email_body};
  return {nullptr, named.text ? named.text : (named.sms ? named.sms : named.email_body)};
}

}  // namespace

namespace {

// `task.*` for expressions inside a task (spec: "Expressions"): id, name, assignee, due (null
// when none), and also step, priority and created.
Value task_value(const Task& task) {
  Value::Object fields;
  fields.emplace("id", static_cast<std::int64_t>(task.id));
  fields.emplace("name", task.name);
  fields.emplace("step", task.step_id);
  fields.emplace("assignee", task.assignee);
  fields.emplace("priority", static_cast<std::int64_t>(task.priority));
  fields.emplace("due", task.due ? Value{DateTime{*task.due, 0}} : Value{});
  fields.emplace("created", DateTime{task.created_at, 0});
  return Value{std::move(fields)};
}

}  // namespace

CaseRun::TaskInSight::TaskInSight(CaseRun& run, const Task* task) : run_(run) {
  if (task == nullptr) return;
  saved_ = run_.locals_;
  run_.locals_.set("task", task_value(*task));
  bound_ = true;
}

CaseRun::TaskInSight::~TaskInSight() {
  if (bound_) run_.locals_ = std::move(saved_);
}

void CaseRun::queue_notification(const Step& step, const Notification& entry, const Task* task) {
  const auto index = static_cast<model::StepIndex>(&step - def_.steps.data());
  const TaskInSight in_sight{*this, task};
  auto failed = [&](const std::string& message) {
    event(EventType::notification_failed, index, task != nullptr ? task->id : kNoId, {},
          Value::Object{{"channel", entry.channel}, {"message", message}});
  };
  const Content content = content_of(def_, entry);
  std::string subject;
  std::string text;
  // Parts that rendered as empty text (a missing variable, a null value): the notification goes
  // out, and its history event says what was blank (spec: "Templates").
  std::vector<expr::TemplateGap> gaps;
  if (content.subject) {
    auto rendered = render(*content.subject, &gaps);
    if (!rendered) return failed(rendered.error().message);
    subject = std::move(*rendered);
  }
  if (content.text) {
    auto rendered = render(*content.text, &gaps);
    if (!rendered) return failed(rendered.error().message);
    text = std::move(*rendered);
  }
  Value::List blanks;
  for (const expr::TemplateGap& gap : gaps) {
    blanks.emplace_back(Value::Object{{"expression", gap.expression},
                                      {"missing", gap.missing}});
  }

  std::vector<std::string> addresses;
  auto address_of = [&](const std::string& user) {
    if (user.empty()) return;
    if (auto address = env_.directory.address(user, entry.channel)) {
      if (std::find(addresses.begin(), addresses.end(), *address) == addresses.end()) {
        addresses.push_back(std::move(*address));
      }
    }
  };
  switch (entry.recipient) {
    case Recipient::address: {
      if (!entry.to) break;
      auto to = render(*entry.to);
      if (!to) return failed(to.error().message);
      if (!to->empty()) addresses.push_back(std::move(*to));
      break;
    }
    case Recipient::assignee:
      if (task != nullptr) address_of(task->assignee);
      break;
    case Recipient::candidates:
      if (task != nullptr) {
        for (const std::string& user : task->candidate_users) address_of(user);
        for (const std::string& group : task->candidate_groups) {
          for (const std::string& user : env_.directory.members_of(group)) address_of(user);
        }
      }
      break;
    case Recipient::initiator:
      address_of(record_.initiator);
      break;
  }
  if (addresses.empty()) {
    event(EventType::notification_skipped, index, task != nullptr ? task->id : kNoId, {},
          Value::Object{{"channel", entry.channel}, {"reason", "no address to send to"}});
    return;
  }
  for (std::string& to : addresses) {
    crmflow::Notification& n = change_.outbox.emplace_back();
    n.case_id = record_.id;
    n.step_id = step.id;
    n.channel = entry.channel;
    n.to = std::move(to);
    n.subject = subject;
    n.text = text;
    n.idempotency_key = fmt::format("{}/{}", record_.id, ++state_.notification_sequence);
    n.at = env_.now;
    if (n.channel == "sms") {
      // Recorded per message (docs/sms.md): what the panel will bill. Rendered text is UTF-8.
      if (auto count = notify::count_sms(n.text)) n.segments = count->segments;
    }
    Value::Object data{{"channel", n.channel}, {"to", n.to}};
    if (!blanks.empty()) data.emplace("blanks", blanks);
    event(EventType::notification_queued, index, task != nullptr ? task->id : kNoId, {},
          std::move(data));
  }
}

}  // namespace crmflow::runtime
