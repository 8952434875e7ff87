// Delivering the outbox (run_due with EngineOptions::channels): a notification leaves only after
// the commit that queued it, is retried with backoff under one idempotency key, honours a
// receiver's Retry-After, and is given up as failed after a permanent failure or the last
// attempt; a rolled-back change sends nothing.
#include <deque>
#include <stdexcept>

#include "crmflow/report.hpp"
#include "forwarding_store.hpp"
#include "world.hpp"

namespace crmflow::test {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// Answers from a script (then delivered), recording every attempt.
class ScriptedChannel final : public Channel {
 public:
  std::deque<DeliveryOutcome> script;
  std::vector<Notification> attempts;
  bool throws = false;

  DeliveryOutcome deliver(const Notification& n) override {
    attempts.push_back(n);
    if (throws) throw std::runtime_error("panel exploded");
    if (script.empty()) return DeliveryOutcome::delivered("receipt-" + std::to_string(n.id));
    DeliveryOutcome next = script.front();
    script.pop_front();
    return next;
  }
};

const char* const kGreeting = R"(
process: greet
steps:
  - id: hello
    type: user
    assignee: ali
    notify:
      - {on: enter, channel: sms, to: "{{ phone }}", text: "سلام {{ name }}، پرونده شما ثبت شد."}
  - {id: done, type: end}
)";

struct DeliveryWorld {
  MemoryStore store;
  ManualClock clock{start_time()};
  MemoryDirectory directory;
  std::shared_ptr<ScriptedChannel> sms = std::make_shared<ScriptedChannel>();
  ChannelRegistry channels;
  std::vector<LogRecord> logged;
  std::unique_ptr<Engine> engine;

  explicit DeliveryWorld(DeliveryPolicy policy = {}) {
    directory.add_user("ali", {"reception"});
    channels.add("sms", sms);
    engine = std::make_unique<Engine>(
        store, EngineOptions{.clock = &clock,
                             .directory = &directory,
                             .channels = &channels,
                             .delivery = policy,
                             .log = [this](const LogRecord& r) { logged.push_back(r); }});
    LoadOutcome loaded = load_process(kGreeting, "greet.yaml");
    REQUIRE(loaded.ok());
    REQUIRE(engine->deploy(loaded.process).ok());
  }

  CaseId start() {
    auto id = engine->start(
        "greet", {.vars = Value::Object{{"phone", "+989121234567"}, {"name", "رضا"}}});
    REQUIRE(id.ok());
    return *id;
  }

  std::size_t run_due() {
    auto done = engine->run_due(clock.now());
    REQUIRE(done.ok());
    return *done;
  }

  Notification entry(CaseId id) {
    auto outbox = store.outbox(id);
    REQUIRE(outbox.ok());
    REQUIRE(outbox->size() == 1);
    return outbox->front();
  }

  std::vector<std::string> events(CaseId id) {
    auto h = engine->history(id);
    REQUIRE(h.ok());
    std::vector<std::string> out;
    for (const HistoryEvent& e : *h) out.emplace_back(to_string(e.event));
    return out;
  }
};

bool has(const std::vector<std::string>& events, std::string_view event) {
  return std::find(events.begin(), events.end(), event) != events.end();
}

TEST_CASE("a queued notification is delivered by run_due, byte for byte, once",
          "[runtime][delivery]") {
  DeliveryWorld w;
  const CaseId id = w.start();
  CHECK(w.sms->attempts.empty());  // queued with the commit, not sent by it
  CHECK(w.entry(id).status == DeliveryStatus::pending);
  auto due = w.engine->next_due();
  REQUIRE(due.ok());
  CHECK(*due == std::optional<Instant>{w.clock.now()});

  CHECK(w.run_due() == 1);
  REQUIRE(w.sms->attempts.size() == 1);
  const Notification& sent = w.sms->attempts.front();
  CHECK(sent.text == "سلام رضا، پرونده شما ثبت شد.");
  CHECK(sent.to == "+989121234567");
  CHECK(sent.attempts == 0);
  const Notification stored = w.entry(id);
  CHECK(stored.status == DeliveryStatus::sent);
  CHECK(stored.sent_at == std::optional<Instant>{w.clock.now()});
  CHECK(stored.attempts == 1);
  CHECK(stored.segments == 1);  // 28 Persian characters: one UCS-2 segment
  CHECK(has(w.events(id), "notification_sent"));
  // Nothing more to do, now or later.
  CHECK(w.run_due() == 0);
  w.clock.advance(hours{24});
  CHECK(w.run_due() == 0);
  CHECK(w.sms->attempts.size() == 1);
  auto after = w.engine->next_due();
  REQUIRE(after.ok());
  CHECK_FALSE(after->has_value());
}

TEST_CASE("a failing delivery is retried with backoff under the same idempotency key",
          "[runtime][delivery]") {
  DeliveryWorld w{DeliveryPolicy{.max_attempts = 5,
                                 .first_backoff = seconds{10},
                                 .max_backoff = minutes{1}}};
  w.sms->script = {DeliveryOutcome::retry("503 Service Unavailable"),
                   DeliveryOutcome::retry("connection refused"),
                   DeliveryOutcome::retry("timeout")};
  const CaseId id = w.start();
  const Instant queued = w.clock.now();
  CHECK(w.run_due() == 1);
  Notification pending = w.entry(id);
  CHECK(pending.status == DeliveryStatus::pending);
  CHECK(pending.attempts == 1);
  CHECK(pending.last_error == "503 Service Unavailable");
  REQUIRE(pending.next_attempt.has_value());
  // Between half and all of the first backoff (jitter).
  CHECK(*pending.next_attempt >= queued + seconds{5});
  CHECK(*pending.next_attempt <= queued + seconds{10});
  // Not before its time.
  CHECK(w.run_due() == 0);
  auto due = w.engine->next_due();
  REQUIRE(due.ok());
  CHECK(*due == pending.next_attempt);

  // The waits grow: at most 20 s, then 40 s, capped at 1 min.
  std::vector<milliseconds> waits;
  for (int i = 0; i < 3; ++i) {
    const Notification before = w.entry(id);
    w.clock.set(*before.next_attempt);
    CHECK(w.run_due() == 1);
    const Notification now = w.entry(id);
    if (now.status == DeliveryStatus::pending) waits.push_back(*now.next_attempt - w.clock.now());
  }
  REQUIRE(waits.size() == 2);
  CHECK(waits[0] >= seconds{10});
  CHECK(waits[0] <= seconds{20});
  CHECK(waits[1] >= seconds{20});
  CHECK(waits[1] <= seconds{40});
  const Notification sent = w.entry(id);
  CHECK(sent.status == DeliveryStatus::sent);
  CHECK(sent.attempts == 4);
  REQUIRE(w.sms->attempts.size() == 4);
  for (const Notification& attempt : w.sms->attempts) {
    CHECK(attempt.idempotency_key == w.sms->attempts.front().idempotency_key);
  }
  CHECK(w.sms->attempts.back().attempts == 3);  // the channel sees how many came before
}

TEST_CASE("a receiver's Retry-After is honoured when longer than the backoff",
          "[runtime][delivery]") {
  DeliveryWorld w;
  w.sms->script = {DeliveryOutcome::retry("429 Too Many Requests", hours{2})};
  const CaseId id = w.start();
  CHECK(w.run_due() == 1);
  CHECK(*w.entry(id).next_attempt == w.clock.now() + hours{2});
  w.clock.advance(hours{2} - seconds{1});
  CHECK(w.run_due() == 0);
  w.clock.advance(seconds{1});
  CHECK(w.run_due() == 1);
  CHECK(w.entry(id).status == DeliveryStatus::sent);
}

TEST_CASE("a permanent failure, or the last attempt, gives the notification up",
          "[runtime][delivery]") {
  SECTION("a permanent failure at once") {
    DeliveryWorld w;
    w.sms->script = {DeliveryOutcome::failed("400 Bad Request: invalid receptor")};
    const CaseId id = w.start();
    CHECK(w.run_due() == 1);
    const Notification failed = w.entry(id);
    CHECK(failed.status == DeliveryStatus::failed);
    CHECK(failed.last_error == "400 Bad Request: invalid receptor");
    CHECK_FALSE(failed.next_attempt.has_value());
    CHECK(has(w.events(id), "notification_failed"));
    REQUIRE(w.logged.size() == 1);
    CHECK(w.logged[0].event == "notification_failed");
    CHECK_THAT(w.logged[0].message, Catch::Contains("invalid receptor"));
    w.clock.advance(hours{48});
    CHECK(w.run_due() == 0);
    auto report = build_report(*w.engine, {}, w.clock.now());
    REQUIRE(report.ok());
    REQUIRE(report->processes.size() == 1);
    REQUIRE(report->processes[0].failed_notifications.size() == 1);
    CHECK(report->processes[0].failed_notifications[0].channel == "sms");
    CHECK_THAT(report->processes[0].failed_notifications[0].message,
               Catch::Contains("invalid receptor"));
  }
  SECTION("after max_attempts") {
    DeliveryWorld w{DeliveryPolicy{.max_attempts = 2}};
    w.sms->script = {DeliveryOutcome::retry("503"), DeliveryOutcome::retry("503 again")};
    const CaseId id = w.start();
    CHECK(w.run_due() == 1);
    w.clock.set(*w.entry(id).next_attempt);
    CHECK(w.run_due() == 1);
    const Notification failed = w.entry(id);
    CHECK(failed.status == DeliveryStatus::failed);
    CHECK(failed.attempts == 2);
    CHECK(failed.last_error == "503 again (given up after 2 attempts)");
  }
  SECTION("a channel that throws counts as a transient failure") {
    DeliveryWorld w;
    w.sms->throws = true;
    const CaseId id = w.start();
    CHECK(w.run_due() == 1);
    CHECK(w.entry(id).status == DeliveryStatus::pending);
    CHECK_THAT(w.entry(id).last_error, Catch::Contains("panel exploded"));
  }
}

TEST_CASE("a notification for a channel nobody configured waits and says why",
          "[runtime][delivery]") {
  DeliveryWorld w;
  LoadOutcome loaded = load_process(R"(
process: mail
steps:
  - id: hello
    type: user
    assignee: ali
    notify: [{channel: email, to: a@example.com, subject: Hi, body: Hello}]
  - {id: done, type: end}
)",
                                    "mail.yaml");
  REQUIRE(loaded.ok());
  REQUIRE(w.engine->deploy(loaded.process).ok());
  auto id = w.engine->start("mail");
  REQUIRE(id.ok());
  CHECK(w.run_due() == 1);
  const Notification pending = w.entry(*id);
  CHECK(pending.status == DeliveryStatus::pending);
  CHECK_THAT(pending.last_error, Catch::Contains("no channel 'email' is configured (channels: sms)"));
  CHECK(w.sms->attempts.empty());
}

TEST_CASE("without channels the outbox is only kept", "[runtime][delivery]") {
  World w;
  w.deploy(kGreeting);
  const CaseId id = w.start("greet", Value::Object{{"phone", "+989121234567"}, {"name", "x"}});
  auto done = w.engine.run_due(w.clock.now());
  REQUIRE(done.ok());
  CHECK(*done == 0);
  auto outbox = w.store.outbox(id);
  REQUIRE(outbox.ok());
  REQUIRE(outbox->size() == 1);
  CHECK(outbox->front().status == DeliveryStatus::pending);
  auto due = w.engine.next_due();
  REQUIRE(due.ok());
  CHECK_FALSE(due->has_value());
}

// A store whose commits all fail: the change that would queue a notification is rolled back.
class FailingCommits final : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  bool fail = false;
  Status commit(const CaseChange& change) override {
    if (fail) return unavailable("disk full");
    return ForwardingStore::commit(change);
  }
};

TEST_CASE("a change that is rolled back sends nothing", "[runtime][delivery]") {
  MemoryStore inner;
  FailingCommits store{inner};
  ManualClock clock{start_time()};
  MemoryDirectory directory;
  directory.add_user("ali");
  auto sms = std::make_shared<ScriptedChannel>();
  ChannelRegistry channels;
  channels.add("sms", sms);
  Engine engine{store, {.clock = &clock, .directory = &directory, .channels = &channels}};
  LoadOutcome loaded = load_process(kGreeting, "greet.yaml");
  REQUIRE(loaded.ok());
  REQUIRE(engine.deploy(loaded.process).ok());
  store.fail = true;
  auto id = engine.start("greet", {.vars = Value::Object{{"phone", "+98912"}, {"name", "x"}}});
  REQUIRE_FALSE(id.ok());
  store.fail = false;
  auto done = engine.run_due(clock.now());
  REQUIRE(done.ok());
  CHECK(*done == 0);
  CHECK(sms->attempts.empty());
  auto outbox = inner.outbox(kNoId);
  REQUIRE(outbox.ok());
  CHECK(outbox->empty());
}

TEST_CASE("run_due stops after max_items and when stop is requested", "[runtime][delivery]") {
  DeliveryWorld w;
  w.start();
  w.start();
  w.start();
  auto one = w.engine->run_due(w.clock.now(), {.max_items = 1});
  REQUIRE(one.ok());
  CHECK(*one == 1);
  CHECK(w.sms->attempts.size() == 1);
  std::stop_source source;
  source.request_stop();
  auto none = w.engine->run_due(w.clock.now(), {.stop = source.get_token()});
  REQUIRE(none.ok());
  CHECK(*none == 0);
  CHECK(w.run_due() == 2);
}

}  // namespace
}  // namespace crmflow::test
