// The loader compiles every step type into the Definition the runtime reads: fields, defaults,
// flows (explicit and implicit), boundaries and subprocess scopes.
#include <catch2/catch.hpp>
#include <string>

#include "crmflow/process.hpp"
#include "expr/expression.hpp"
#include "expr/template.hpp"
#include "model/definition.hpp"

namespace {

using crmflow::model::Definition;
using crmflow::model::Step;
using crmflow::model::StepIndex;
using crmflow::model::StepType;

std::string all_messages(const crmflow::LoadOutcome& outcome) {
  std::string out;
  for (const auto& d : outcome.diagnostics) out += d.format() + "\n";
  return out;
}

// Loads text that must be valid and returns its definition.
const Definition& compile(const std::string& text) {
  static crmflow::LoadOutcome keep;
  keep = crmflow::load_process(text, "steps.yaml");
  INFO(all_messages(keep));
  REQUIRE(keep.ok());
  return keep.process->definition();
}

const Step& step(const Definition& d, std::string_view id) {
  auto index = d.find_step(id);
  REQUIRE(index.has_value());
  return d.steps[*index];
}

// The ids the step's outgoing flows go to, in order.
std::vector<std::string> next_ids(const Definition& d, std::string_view id) {
  std::vector<std::string> out;
  for (auto flow : step(d, id).outgoing) out.push_back(d.steps[d.flows[flow].to].id);
  return out;
}

}  // namespace

TEST_CASE("process fields and defaults", "[loader]") {
  const Definition& d = compile(R"Y(process: phone-repair
name: Mobile phone repair
description: From reception to delivery
version: 3
steps:
  - id: a
    type: user
)Y");
  CHECK(d.process_id == "phone-repair");
  CHECK(d.name == "Mobile phone repair");
  CHECK(d.description == "From reception to delivery");
  CHECK(d.declared_version == 3);
  CHECK(d.source_file == "steps.yaml");
  REQUIRE(d.steps.size() == 1);
  CHECK(d.first == 0);
  const Step& a = d.steps[0];
  CHECK(a.name == "a");  // the id when no name is given
  CHECK(a.name_template == nullptr);
  CHECK(a.scope == crmflow::model::kNoStep);
  CHECK(a.outgoing.empty());  // last step: the branch ends
  const auto& task = std::get<crmflow::model::UserTask>(a.detail);
  CHECK(task.priority == 50);
  CHECK_FALSE(task.due.is_set());
}

TEST_CASE("implicit next goes to the following step of the same list", "[loader]") {
  const Definition& d = compile(R"Y(process: p
steps:
  - {id: a, type: start}
  - {id: b, type: send, notify: [{channel: sms, to: "0912", text: hi}]}
  - {id: c, type: set, set: {x: 1}}
  - {id: d, type: end}
)Y");
  CHECK(next_ids(d, "a") == std::vector<std::string>{"b"});
  CHECK(next_ids(d, "b") == std::vector<std::string>{"c"});
  CHECK(next_ids(d, "c") == std::vector<std::string>{"d"});
  CHECK(next_ids(d, "d").empty());  // an end step has no implicit next
  REQUIRE(d.flows.size() == 3);
  CHECK(d.flows[0].when == nullptr);
  CHECK_FALSE(d.flows[0].is_default);
  CHECK(step(d, "d").incoming == std::vector<crmflow::model::FlowIndex>{2});
  CHECK(step(d, "a").type == StepType::start);
  CHECK(step(d, "d").type == StepType::end);
}

TEST_CASE("next: an id, a list of ids, and branches in the order written", "[loader]") {
  const Definition& d = compile(R"Y(process: p
steps:
  - id: split
    type: parallel
    next: [left, right]
  - {id: left, type: user, next: join}
  - {id: right, type: user, next: join}
  - {id: join, type: parallel, next: decide}
  - id: decide
    type: exclusive
    next:
      - {to: big, when: "cost > 100"}
      - {to: small, default: true}
  - {id: big, type: end}
  - {id: small, type: end, terminate: true}
)Y");
  CHECK(next_ids(d, "split") == std::vector<std::string>{"left", "right"});
  CHECK(next_ids(d, "left") == std::vector<std::string>{"join"});
  CHECK(step(d, "join").incoming.size() == 2);
  CHECK(next_ids(d, "decide") == std::vector<std::string>{"big", "small"});
  const auto& out = step(d, "decide").outgoing;
  REQUIRE(d.flows[out[0]].when != nullptr);
  CHECK(d.flows[out[0]].when->text() == "cost > 100");
  CHECK_FALSE(d.flows[out[0]].is_default);
  CHECK(d.flows[out[1]].when == nullptr);
  CHECK(d.flows[out[1]].is_default);
  CHECK(d.flows[out[0]].where.line == 12);  // the `to` of the branch
  CHECK(d.flows[out[0]].where.column == 14);
  CHECK(std::get<crmflow::model::EndStep>(step(d, "small").detail).terminate);
}

TEST_CASE("user step fields", "[loader]") {
  const Definition& d = compile(R"Y(process: p
templates:
  soon: "Due soon: {{ case.key }}"
steps:
  - id: diagnose
    type: user
    name: "Diagnose {{ device }}"
    description: look at it
    assignee: "{{ technician }}"
    candidates: {users: [ali, "{{ boss }}"], groups: [technicians]}
    form:
      - {name: device, type: string, required: true, label: Device}
      - {name: fault, type: text, options: [screen, battery]}
    due: PT4H
    priority: 80
    progress: 30
    alarms:
      - {before_due: PT1H, notify: {channel: sms, to: assignee, template: soon}}
      - {overdue: true, every: PT1H, times: 3, escalate: {groups: [supervisors], priority: 90}}
      - {after: PT10M, escalate: {assignee: reza}}
      - {at_due: true, notify: {channel: email, to: candidates, subject: s, body: b}}
)Y");
  const Step& s = step(d, "diagnose");
  CHECK(s.name == "Diagnose {{ device }}");
  REQUIRE(s.name_template != nullptr);
  CHECK_FALSE(s.name_template->is_literal());
  CHECK(s.description == "look at it");
  CHECK(s.progress == 30);
  const auto& task = std::get<crmflow::model::UserTask>(s.detail);
  REQUIRE(task.assignee != nullptr);
  CHECK(task.assignee->text() == "{{ technician }}");
  REQUIRE(task.candidate_users.size() == 2);
  CHECK(task.candidate_users[1]->text() == "{{ boss }}");
  REQUIRE(task.candidate_groups.size() == 1);
  CHECK(task.candidate_groups[0]->text() == "technicians");
  REQUIRE(task.form.size() == 2);
  CHECK(task.form[0].name == "device");
  CHECK(task.form[0].type == crmflow::model::ValueType::string);
  CHECK(task.form[0].required);
  CHECK(task.form[0].label == "Device");
  CHECK(task.form[1].type == crmflow::model::ValueType::text);
  CHECK(task.form[1].options == std::vector<crmflow::Value>{"screen", "battery"});
  CHECK(task.due.after == crmflow::Duration{.millis = 4 * 3'600'000});
  CHECK(task.priority == 80);
  REQUIRE(task.alarms.size() == 4);
  CHECK(task.alarms[0].anchor == crmflow::model::AlarmAnchor::before_due);
  CHECK(task.alarms[0].offset == crmflow::Duration{.millis = 3'600'000});
  REQUIRE(task.alarms[0].notify.has_value());
  CHECK(task.alarms[0].notify->recipient == crmflow::model::Recipient::assignee);
  CHECK(task.alarms[0].notify->template_index == 0u);
  CHECK(task.alarms[1].anchor == crmflow::model::AlarmAnchor::overdue);
  CHECK(task.alarms[1].every == crmflow::Duration{.millis = 3'600'000});
  CHECK(task.alarms[1].times == 3u);
  REQUIRE(task.alarms[1].escalate.has_value());
  CHECK(task.alarms[1].escalate->groups == std::vector<std::string>{"supervisors"});
  CHECK(task.alarms[1].escalate->priority == 90);
  CHECK(task.alarms[2].anchor == crmflow::model::AlarmAnchor::after_created);
  CHECK(task.alarms[2].escalate->assignee->text() == "reza");
  CHECK(task.alarms[3].anchor == crmflow::model::AlarmAnchor::at_due);
  CHECK(task.alarms[3].notify->recipient == crmflow::model::Recipient::candidates);
  CHECK(task.alarms[3].notify->subject->text() == "s");
}

TEST_CASE("due as an expression", "[loader]") {
  const Definition& d = compile(R"Y(process: p
steps:
  - {id: a, type: user, due: "= case.started_at + duration(\"P2D\")"}
)Y");
  const auto& task = std::get<crmflow::model::UserTask>(step(d, "a").detail);
  CHECK_FALSE(task.due.after.has_value());
  REQUIRE(task.due.at != nullptr);
  CHECK(task.due.at->text() == " case.started_at + duration(\"P2D\")");
}

TEST_CASE("service step fields and defaults", "[loader]") {
  const Definition& d = compile(R"Y(process: p
steps:
  - id: charge
    type: service
    handler: charge-card
    input: {amount: "= cost * 2", currency: IRR, items: [1, 2]}
    output: {receipt: "= result.receipt"}
    retries: 5
    retry_backoff: PT30S
    due: PT1H
  - {id: plain, type: service, handler: ping}
)Y");
  const auto& task = std::get<crmflow::model::ServiceTask>(step(d, "charge").detail);
  CHECK(task.handler == "charge-card");
  REQUIRE(task.input.has_value());
  REQUIRE(task.input->size() == 3);
  CHECK((*task.input)[0].name == "amount");
  REQUIRE((*task.input)[0].value.expression != nullptr);
  CHECK((*task.input)[0].value.expression->text() == " cost * 2");
  CHECK((*task.input)[1].value.expression == nullptr);
  CHECK((*task.input)[1].value.literal == crmflow::Value{"IRR"});
  CHECK((*task.input)[2].value.literal == crmflow::Value{crmflow::Value::List{1, 2}});
  REQUIRE(task.output.has_value());
  CHECK((*task.output)[0].name == "receipt");
  CHECK(task.retries == 5u);
  CHECK(task.retry_backoff == crmflow::Duration{.millis = 30'000});
  CHECK(task.due.after == crmflow::Duration{.millis = 3'600'000});
  const auto& plain = std::get<crmflow::model::ServiceTask>(step(d, "plain").detail);
  CHECK_FALSE(plain.input.has_value());
  CHECK_FALSE(plain.output.has_value());
  CHECK(plain.retries == 3u);
  CHECK(plain.retry_backoff == crmflow::Duration{.millis = 10'000});
}

TEST_CASE("set, call and end steps", "[loader]") {
  const Definition& d = compile(R"Y(process: p
steps:
  - {id: s, type: set, set: {status: approved, total: "= price * qty", customer.vip: true}}
  - {id: c, type: call, process: billing, version: 2, input: {amount: "= total"}, output: {paid: "= result.paid"}}
  - {id: c2, type: call, process: other.flow_v1}
  - {id: e, type: end, error: PAYMENT_FAILED}
)Y");
  const auto& set = std::get<crmflow::model::SetStep>(step(d, "s").detail);
  REQUIRE(set.assignments.size() == 3);
  CHECK(set.assignments[0].name == "status");
  CHECK(set.assignments[0].value.literal == crmflow::Value{"approved"});
  CHECK(set.assignments[1].value.expression != nullptr);
  CHECK(set.assignments[2].name == "customer.vip");
  CHECK(set.assignments[2].value.literal == crmflow::Value{true});
  const auto& call = std::get<crmflow::model::CallStep>(step(d, "c").detail);
  CHECK(call.process == "billing");
  CHECK(call.version == 2);
  CHECK(call.input->size() == 1);
  CHECK(call.output->size() == 1);
  const auto& call2 = std::get<crmflow::model::CallStep>(step(d, "c2").detail);
  CHECK_FALSE(call2.version.has_value());
  CHECK_FALSE(call2.input.has_value());
  CHECK(std::get<crmflow::model::EndStep>(step(d, "e").detail).error == "PAYMENT_FAILED");
}

TEST_CASE("wait steps: timer forms, message, signal; event gateway", "[loader]") {
  const Definition& d = compile(R"Y(process: p
steps:
  - {id: race, type: event, next: [reply, timeout, bare, at, sig]}
  - id: reply
    type: wait
    message: {name: customer-reply, key: "{{ case.key }}"}
    next: done
  - {id: timeout, type: wait, timer: {duration: P2D}, next: done}
  - {id: bare, type: wait, timer: PT5M, next: done, calendar: office}
  - {id: at, type: wait, timer: {date: "2026-03-01T09:00:00+03:30"}, next: done}
  - {id: sig, type: wait, signal: shutdown, next: done}
  - {id: done, type: end}
)Y");
  using crmflow::model::WaitStep;
  const auto& reply = std::get<WaitStep>(step(d, "reply").detail);
  CHECK(reply.kind == WaitStep::Kind::message);
  CHECK(reply.message.name == "customer-reply");
  CHECK(reply.message.key->text() == "{{ case.key }}");
  const auto& timeout = std::get<WaitStep>(step(d, "timeout").detail);
  CHECK(timeout.kind == WaitStep::Kind::timer);
  CHECK(timeout.timer.kind == crmflow::model::TimerKind::duration);
  CHECK(timeout.timer.duration == crmflow::Duration{.days = 2});
  const auto& bare = std::get<WaitStep>(step(d, "bare").detail);
  CHECK(bare.timer.duration == crmflow::Duration{.millis = 300'000});
  CHECK(bare.timer.calendar == "office");
  const auto& at = std::get<WaitStep>(step(d, "at").detail);
  CHECK(at.timer.kind == crmflow::model::TimerKind::date);
  CHECK(at.timer.date.literal == crmflow::Value{"2026-03-01T09:00:00+03:30"});
  const auto& sig = std::get<WaitStep>(step(d, "sig").detail);
  CHECK(sig.kind == WaitStep::Kind::signal);
  CHECK(sig.signal == "shutdown");
  CHECK(next_ids(d, "race").size() == 5);
}

TEST_CASE("boundary events become flows from the boundary", "[loader]") {
  const Definition& d = compile(R"Y(process: p
steps:
  - id: repair
    type: user
    notify: [{on: timeout, channel: sms, to: "0912", text: late}]
    boundary:
      - {timer: P3D, interrupting: false, next: apologise}
      - {timer: {cycle: R6/P1D}, interrupting: false, next: apologise}
      - {message: {name: cancel, key: "{{ case.key }}"}, next: cancelled}
      - {error: "*", next: cancelled}
    next: done
  - {id: apologise, type: end}
  - {id: cancelled, type: end}
  - {id: done, type: end}
)Y");
  const Step& repair = step(d, "repair");
  REQUIRE(repair.boundary.size() == 4);
  CHECK(next_ids(d, "repair") == std::vector<std::string>{"done"});
  const auto& b0 = repair.boundary[0];
  CHECK(b0.kind == crmflow::model::BoundaryKind::timer);
  CHECK_FALSE(b0.interrupting);
  CHECK(b0.timer.duration == crmflow::Duration{.days = 3});
  REQUIRE(b0.flow != crmflow::model::kNoFlow);
  CHECK(d.flows[b0.flow].from_boundary);
  CHECK(d.flows[b0.flow].from == *d.find_step("repair"));
  CHECK(d.steps[d.flows[b0.flow].to].id == "apologise");
  CHECK(repair.boundary[1].timer.kind == crmflow::model::TimerKind::cycle);
  CHECK(repair.boundary[1].timer.cycle == "R6/P1D");
  CHECK(repair.boundary[2].kind == crmflow::model::BoundaryKind::message);
  CHECK(repair.boundary[2].interrupting);
  CHECK(repair.boundary[2].message.name == "cancel");
  CHECK(repair.boundary[3].error_code == "*");
  CHECK(step(d, "apologise").incoming.size() == 2);
  CHECK(step(d, "cancelled").incoming.size() == 2);
  CHECK(repair.notify.at(0).on == crmflow::model::NotifyOn::timeout);
}

TEST_CASE("subprocess: children, first, scope, implicit next stays inside", "[loader]") {
  const Definition& d = compile(R"Y(process: p
steps:
  - id: intake
    type: subprocess
    boundary: [{error: BAD, next: failed}]
    steps:
      - {id: check, type: user}
      - {id: record, type: service, handler: save}
  - {id: after, type: user}
  - {id: failed, type: end}
)Y");
  REQUIRE(d.steps.size() == 5);
  CHECK(d.steps[0].id == "intake");  // document order: the subprocess before its steps
  CHECK(d.steps[1].id == "check");
  CHECK(d.steps[2].id == "record");
  const auto& sub = std::get<crmflow::model::SubprocessStep>(step(d, "intake").detail);
  CHECK(sub.first == *d.find_step("check"));
  CHECK(sub.children == std::vector<StepIndex>{1, 2});
  CHECK(step(d, "check").scope == 0);
  CHECK(step(d, "record").scope == 0);
  CHECK(step(d, "after").scope == crmflow::model::kNoStep);
  CHECK(next_ids(d, "check") == std::vector<std::string>{"record"});
  CHECK(next_ids(d, "record").empty());  // the last step inside: the subprocess's branch ends
  CHECK(next_ids(d, "intake") == std::vector<std::string>{"after"});
}

TEST_CASE("multi-instance fields and defaults", "[loader]") {
  const Definition& d = compile(R"Y(process: p
steps:
  - id: quotes
    type: user
    for_each: suppliers
    as: supplier
    parallel: false
    complete_when: "completed >= 2"
    collect: {into: offers, value: "= price"}
  - {id: each, type: service, handler: h, for_each: "= items"}
)Y");
  const auto& multi = step(d, "quotes").for_each;
  REQUIRE(multi.has_value());
  CHECK(multi->items->text() == "suppliers");
  CHECK(multi->as == "supplier");
  CHECK_FALSE(multi->parallel);
  CHECK(multi->complete_when->text() == "completed >= 2");
  REQUIRE(multi->collect.has_value());
  CHECK(multi->collect->into == "offers");
  CHECK(multi->collect->value.expression->text() == " price");
  const auto& each = step(d, "each").for_each;
  REQUIRE(each.has_value());
  CHECK(each->as == "item");
  CHECK(each->parallel);
  CHECK(each->items->text() == " items");
}

TEST_CASE("variables, templates, triggers, calendar", "[loader]") {
  crmflow::LoadOptions options;
  options.calendars = std::vector<std::string>{"office"};
  auto outcome = crmflow::load_process(R"Y(process: p
calendar: office
variables:
  cost: {type: integer, required: true, default: 0, description: Repair cost}
  start: {type: date, default: "2026-01-05"}
  wait: {type: duration, default: P2D}
  later: {type: datetime, default: "= now()"}
  anything: {}
templates:
  ready: "Your {{ device }} is ready"
  both: {sms: "short {{ x }}", email: {subject: "Re: {{ x }}", body: long}}
triggers:
  - {timer: {cycle: "R3/2026-01-05T09:00:00Z/P1D"}}
  - {cron: "0 9 * * MON-FRI", timezone: Asia/Tehran}
  - {message: new-lead}
steps:
  - id: a
    type: send
    notify:
      - {channel: sms, to: "{{ phone }}", template: both}
      - {channel: webhook, to: initiator, template: ready}
)Y",
                                       "v.yaml", options);
  INFO(all_messages(outcome));
  REQUIRE(outcome.ok());
  const Definition& d = outcome.process->definition();
  CHECK(d.calendar == "office");
  REQUIRE(d.variables.size() == 5);
  CHECK(d.variables[0].name == "cost");
  CHECK(d.variables[0].type == crmflow::model::ValueType::integer);
  CHECK(d.variables[0].required);
  CHECK(d.variables[0].default_value->literal == crmflow::Value{0});
  CHECK(d.variables[0].description == "Repair cost");
  CHECK(d.variables[1].default_value->literal.is_date());
  CHECK(d.variables[2].default_value->literal == crmflow::Value{crmflow::Duration{.days = 2}});
  CHECK(d.variables[3].default_value->expression != nullptr);
  CHECK(d.variables[4].type == crmflow::model::ValueType::any);
  CHECK_FALSE(d.variables[4].default_value.has_value());
  REQUIRE(d.templates.size() == 2);
  CHECK(d.templates[0].name == "ready");
  CHECK(d.templates[0].text->text() == "Your {{ device }} is ready");
  CHECK(d.templates[1].text == nullptr);
  CHECK(d.templates[1].sms->text() == "short {{ x }}");
  CHECK(d.templates[1].email_subject->text() == "Re: {{ x }}");
  CHECK(d.templates[1].email_body->text() == "long");
  REQUIRE(d.triggers.size() == 3);
  CHECK(d.triggers[0].kind == crmflow::model::TriggerKind::cycle);
  CHECK(d.triggers[0].cycle == "R3/2026-01-05T09:00:00Z/P1D");
  CHECK(d.triggers[1].kind == crmflow::model::TriggerKind::cron);
  CHECK(d.triggers[1].cron == "0 9 * * MON-FRI");
  CHECK(d.triggers[1].timezone == "Asia/Tehran");
  CHECK(d.triggers[2].message == "new-lead");
  const Step& a = d.steps[0];
  REQUIRE(a.notify.size() == 2);
  CHECK(a.notify[0].on == crmflow::model::NotifyOn::enter);
  CHECK(a.notify[0].channel == "sms");
  CHECK(a.notify[0].recipient == crmflow::model::Recipient::address);
  CHECK(a.notify[0].to->text() == "{{ phone }}");
  CHECK(a.notify[0].template_index == 1u);
  CHECK(a.notify[1].recipient == crmflow::model::Recipient::initiator);
  CHECK(a.notify[1].to == nullptr);
}

TEST_CASE("load_process_file reads a file and names it", "[loader]") {
  auto missing = crmflow::load_process_file("/nonexistent/x.yaml");
  CHECK_FALSE(missing.ok());
  REQUIRE(missing.diagnostics.size() == 1);
  CHECK(missing.diagnostics[0].line == 0);
  CHECK(missing.diagnostics[0].format().find("/nonexistent/x.yaml: error: cannot open") == 0);

  // A folder opens as an empty stream on Linux: it is named as a folder, not loaded as "".
  auto folder = crmflow::load_process_file(CRMFLOW_TEST_DATA);
  CHECK_FALSE(folder.ok());
  CHECK(folder.process == nullptr);
  REQUIRE(folder.diagnostics.size() == 1);
  CHECK(folder.diagnostics[0].format() ==
        std::string{CRMFLOW_TEST_DATA} + ": error: cannot read: is a directory");
}
