// `send` steps and `notify` entries: rendered with the case's variables, addressed directly or
// through the directory, queued with the commit and handed to the Notifier.
#include "world.hpp"

namespace crmflow::test {
namespace {

TEST_CASE("notifications render templates and reach the notifier", "[runtime][notify]") {
  World w;
  w.deploy(R"yaml(
process: notes
templates:
  received: "{{ customer.name }}, your {{ device }} was received. Receipt {{ case.key }}."
  ready: {sms: "SMS: {{ device }} ready", email: {subject: "Ready", body: "Mail: {{ device }} ready"}}
steps:
  - id: reception
    type: user
    candidates: {groups: [reception]}
    notify:
      - {on: complete, channel: sms, to: "{{ customer.phone }}", template: received}
      - {on: enter, channel: sms, to: candidates, text: "New task for {{ customer.name }}"}
  - id: tell
    type: send
    notify:
      - {channel: sms, to: "{{ customer.phone }}", template: ready}
      - {channel: email, to: "{{ customer.email }}", template: ready}
      - {channel: sms, to: initiator, text: "done"}
)yaml");
  const CaseId id = w.start("notes",
                            Value::Object{{"customer", Value::Object{{"name", "Reza"},
                                                                     {"phone", "+98912"},
                                                                     {"email", "r@example.com"}}},
                                          {"device", "A52"}},
                            "sara");
  // candidates: ali is the only member of `reception` with an sms address.
  REQUIRE(w.sent.notifications().size() == 1);
  CHECK(w.sent.notifications()[0].to == "+989120000001");
  CHECK(w.sent.notifications()[0].text == "New task for Reza");

  w.complete(id, "reception", "ali");
  const auto& sent = w.sent.notifications();
  REQUIRE(sent.size() == 4);
  CHECK(sent[1].channel == "sms");
  CHECK(sent[1].to == "+98912");
  CHECK(sent[1].text == "Reza, your A52 was received. Receipt K-1.");
  CHECK(sent[2].text == "SMS: A52 ready");
  CHECK(sent[3].channel == "email");
  CHECK(sent[3].to == "r@example.com");
  CHECK(sent[3].subject == "Ready");
  CHECK(sent[3].text == "Mail: A52 ready");
  CHECK(sent[1].idempotency_key != sent[2].idempotency_key);
  CHECK(sent[1].step_id == "reception");
  // sara (the initiator) has no sms address: skipped and recorded.
  const Steps events = w.events(id);
  CHECK(std::count(events.begin(), events.end(), "notification_queued:tell") == 2);
  CHECK(std::count(events.begin(), events.end(), "notification_skipped:tell") == 1);
}

TEST_CASE("a refused call queues no notification", "[runtime][notify]") {
  World w;
  w.deploy(R"yaml(
process: quiet
steps:
  - id: form
    type: user
    form: [{name: x, type: integer, required: true}]
    notify: [{on: complete, channel: sms, to: "+1", text: "x = {{ x }}"}]
)yaml");
  const CaseId id = w.start("quiet");
  auto refused = w.engine.complete(w.task_at(id, "form").id, {.by = "ali"});
  REQUIRE_FALSE(refused.ok());
  CHECK(w.sent.notifications().empty());
  w.complete(id, "form", "ali", Value::Object{{"x", 3}});
  REQUIRE(w.sent.notifications().size() == 1);
  CHECK(w.sent.notifications()[0].text == "x = 3");
}

TEST_CASE("a missing variable renders as empty text, and the history says which",
          "[runtime][notify]") {
  World w;
  w.deploy(R"yaml(
process: blanks
steps:
  - id: tell
    type: send
    notify:
      - {channel: sms, to: "+1", text: "«{{ customer.name }}» {{ nickname }}، گوشی {{ device }} آماده است."}
  - {id: done, type: end}
)yaml");
  const CaseId id = w.start(
      "blanks", Value::Object{{"device", "A52"}, {"nickname", Value{}}, {"customer", Value::Object{}}});
  REQUIRE(w.sent.notifications().size() == 1);
  CHECK(w.sent.notifications()[0].text == "«» ، گوشی A52 آماده است.");
  CHECK(w.status(id) == CaseStatus::completed);
  auto history = w.engine.history(id);
  REQUIRE(history.ok());
  const auto queued = std::find_if(history->begin(), history->end(), [](const HistoryEvent& e) {
    return e.event == EventType::notification_queued;
  });
  REQUIRE(queued != history->end());
  const Value& blanks = queued->data["blanks"];
  REQUIRE(blanks.is_list());
  REQUIRE(blanks.as_list().size() == 2);
  CHECK(blanks.as_list()[0]["expression"].as_string() == "customer.name");
  CHECK(blanks.as_list()[0]["missing"].as_bool());
  CHECK(blanks.as_list()[1]["expression"].as_string() == "nickname");
  CHECK_FALSE(blanks.as_list()[1]["missing"].as_bool());
}

}  // namespace
}  // namespace crmflow::test
