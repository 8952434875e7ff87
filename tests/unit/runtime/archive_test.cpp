// History retention (Engine::archive): ended cases go to the sink, then leave the store; a sink
// that fails removes nothing; called cases wait for their caller; undelivered notifications keep
// their case.
#include <string>
#include <vector>

#include "crmflow/record_json.hpp"
#include "forwarding_store.hpp"
#include "world.hpp"

namespace crmflow::test {
namespace {

const char* const kIntake = R"yaml(
process: intake
steps:
  - id: reception
    type: user
    candidates: {groups: [reception]}
  - {id: done, type: end}
)yaml";

struct Collected {
  std::vector<ArchivedCase> records;
  ArchiveSink sink() {
    return [this](const ArchivedCase& c) {
      records.push_back(c);
      return Status{};
    };
  }
};

void finish(World& w, CaseId id) { w.complete(id, "reception", "ali"); }

TEST_CASE("archive: ended cases before the cutoff go to the sink, then leave the store",
          "[runtime][retention]") {
  World w;
  w.deploy(kIntake);
  const CaseId old_done = w.start("intake", Value::Object{{"device", "A52"}});
  finish(w, old_done);
  const CaseId old_cancelled = w.start("intake");
  REQUIRE(w.engine.cancel(old_cancelled, "duplicate").ok());
  const CaseId running = w.start("intake");
  w.clock.advance(std::chrono::hours{48});
  const Instant cutoff = w.clock.now();
  const CaseId recent = w.start("intake");
  finish(w, recent);

  Collected out;
  auto outcome = w.engine.archive(ArchiveOptions{.ended_before = cutoff, .sink = out.sink()});
  REQUIRE(outcome.ok());
  CHECK(outcome->archived == 2);
  CHECK(outcome->kept == 0);
  REQUIRE(out.records.size() == 2);
  CHECK(out.records[0].id == old_done);
  CHECK(out.records[1].id == old_cancelled);

  const Value& record = out.records[0].record;
  CHECK(record["format"] == Value{"crmflow.archive/1"});
  CHECK(record["case"]["id"] == Value{static_cast<std::int64_t>(old_done)});
  CHECK(record["case"]["status"] == Value{"completed"});
  CHECK(record["case"]["variables"]["device"] == Value{"A52"});
  CHECK(record["case"]["path"].size() == 2);
  REQUIRE(record["tasks"].size() == 1);
  CHECK(record["tasks"][0]["status"] == Value{"completed"});
  CHECK(record["tasks"][0]["completed_by"] == Value{"ali"});
  CHECK(record["history"].size() == w.store.history(recent)->size());
  CHECK(record["history"][0]["event"] == Value{"case_started"});
  CHECK(out.records[1].record["case"]["status"] == Value{"cancelled"});

  CHECK(w.engine.get_case(old_done).error().code == ErrorCode::not_found);
  CHECK(w.engine.history(old_cancelled).error().code == ErrorCode::not_found);
  CHECK(w.engine.get_case(running).ok());
  CHECK(w.engine.get_case(recent).ok());
  // Nothing more to do: a second run archives nothing.
  auto again = w.engine.archive(ArchiveOptions{.ended_before = cutoff, .sink = out.sink()});
  REQUIRE(again.ok());
  CHECK(again->archived == 0);
  CHECK(out.records.size() == 2);
}

TEST_CASE("archive: a sink that fails removes nothing, and the error names the case",
          "[runtime][retention]") {
  World w;
  w.deploy(kIntake);
  const CaseId first = w.start("intake");
  finish(w, first);
  const CaseId second = w.start("intake");
  finish(w, second);
  w.clock.advance(std::chrono::hours{1});
  int calls = 0;
  auto outcome = w.engine.archive(
      ArchiveOptions{.ended_before = w.clock.now(), .sink = [&](const ArchivedCase& c) -> Status {
                       ++calls;
                       if (c.id == second) return unavailable("the archive disk is full");
                       return {};
                     }});
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code == ErrorCode::unavailable);
  CHECK_THAT(outcome.error().message, Catch::Contains("case " + std::to_string(second)) &&
                                          Catch::Contains("the archive disk is full") &&
                                          Catch::Contains("1 archived"));
  CHECK(calls == 2);
  CHECK(w.engine.get_case(first).error().code == ErrorCode::not_found);
  CHECK(w.engine.get_case(second).ok());
  CHECK(w.engine.history(second)->size() > 2);
}

TEST_CASE("archive: max_cases bounds one call; no sink is invalid_input", "[runtime][retention]") {
  World w;
  w.deploy(kIntake);
  for (int i = 0; i < 3; ++i) finish(w, w.start("intake"));
  w.clock.advance(std::chrono::hours{1});
  Collected out;
  auto some = w.engine.archive(
      ArchiveOptions{.ended_before = w.clock.now(), .max_cases = 2, .sink = out.sink()});
  REQUIRE(some.ok());
  CHECK(some->archived == 2);
  CHECK(w.engine.cases()->size() == 1);
  auto none = w.engine.archive(ArchiveOptions{.ended_before = w.clock.now()});
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::invalid_input);
  CHECK(w.engine.cases()->size() == 1);
}

TEST_CASE("archive: a called case waits until its caller has ended", "[runtime][retention]") {
  World w;
  w.deploy(kIntake);
  w.deploy(R"yaml(
process: order
steps:
  - {id: check, type: call, process: intake}
  - {id: review, type: user, candidates: {groups: [reception]}}
  - {id: done, type: end}
)yaml");
  const CaseId parent = w.start("order");
  CaseId child = kNoId;
  for (const Case& c : *w.engine.cases(CaseQuery{.process_id = "intake"})) child = c.id;
  REQUIRE(child != kNoId);
  finish(w, child);
  REQUIRE(w.status(child) == CaseStatus::completed);
  w.clock.advance(std::chrono::hours{1});
  Collected out;
  auto first = w.engine.archive(ArchiveOptions{.ended_before = w.clock.now(), .sink = out.sink()});
  REQUIRE(first.ok());
  CHECK(first->archived == 0);
  CHECK(first->kept == 1);
  CHECK(w.engine.get_case(child).ok());

  w.complete(parent, "review", "ali");
  w.clock.advance(std::chrono::hours{1});
  auto second = w.engine.archive(ArchiveOptions{.ended_before = w.clock.now(), .sink = out.sink()});
  REQUIRE(second.ok());
  CHECK(second->archived == 2);
  REQUIRE(out.records.size() == 2);
  CHECK(out.records[0].record["case"]["parent"] == Value{});
  CHECK(out.records[1].record["case"]["parent"] == Value{static_cast<std::int64_t>(parent)});
}

TEST_CASE("archive: a case with notifications still to deliver stays", "[runtime][retention]") {
  World w;
  w.deploy(R"yaml(
process: tell
steps:
  - {id: send, type: send, notify: [{channel: sms, to: "+989120000001", text: "ready"}]}
  - {id: done, type: end}
)yaml");
  const CaseId id = w.start("tell");
  REQUIRE(w.status(id) == CaseStatus::completed);
  w.clock.advance(std::chrono::hours{1});
  Collected out;
  auto outcome =
      w.engine.archive(ArchiveOptions{.ended_before = w.clock.now(), .sink = out.sink()});
  REQUIRE(outcome.ok());
  CHECK(outcome->archived == 0);
  CHECK(outcome->kept == 1);
  CHECK(out.records.empty());
  CHECK(w.store.outbox(id)->size() == 1);
}

// A store whose definitions of process `broken` no longer load (as a record read from disk
// whose canonical text a newer release cannot read).
class UnloadableDefinitions final : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Result<std::optional<DefinitionRecord>> definition(std::string_view id,
                                                     std::int64_t version) override {
    auto found = ForwardingStore::definition(id, version);
    if (found && found->has_value() && id == "broken") {
      (*found)->process = nullptr;
      (*found)->canonical = "process: [";
    }
    return found;
  }
};

TEST_CASE("archive: a case whose definition no longer loads stays, reported; the rest go",
          "[runtime][retention]") {
  World w;
  w.deploy("process: broken\nsteps:\n  - {id: done, type: end}\n");
  w.deploy("process: fine\nsteps:\n  - {id: done, type: end}\n");
  const CaseId broken = w.start("broken");
  const CaseId fine = w.start("fine");
  w.clock.advance(std::chrono::hours{1});
  UnloadableDefinitions store{w.store};
  std::vector<LogRecord> log;
  Engine engine{store, EngineOptions{.clock = &w.clock,
                                     .log = [&](const LogRecord& r) { log.push_back(r); }}};
  Collected out;
  auto outcome = engine.archive(ArchiveOptions{.ended_before = w.clock.now(), .sink = out.sink()});
  REQUIRE(outcome.ok());
  CHECK(outcome->archived == 1);
  CHECK(outcome->kept == 1);
  REQUIRE(out.records.size() == 1);
  CHECK(out.records[0].id == fine);
  CHECK(w.store.load_case(broken).ok());
  REQUIRE(log.size() == 1);
  CHECK(log[0].event == "archive_skipped");
  CHECK(log[0].case_id == broken);
  CHECK_THAT(log[0].message, Catch::Contains("case " + std::to_string(broken)));
}

}  // namespace
}  // namespace crmflow::test
