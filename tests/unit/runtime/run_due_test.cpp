// run_due when a job cannot be fired: the job is set aside (and logged) instead of blocking the
// jobs due after it, and fires once what failed is mended; a store that is unavailable ends the
// call.
#include "forwarding_store.hpp"
#include "world.hpp"

namespace crmflow::test {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

// Loading one case fails with the error given.
class BrokenCase final : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  CaseId broken = kNoId;
  ErrorCode code = ErrorCode::internal;
  Result<CaseRecord> load_case(CaseId id) override {
    if (id == broken) return Error{code, "case " + std::to_string(id) + ": state is corrupt"};
    return ForwardingStore::load_case(id);
  }
};

const char* const kWait = R"(
process: wait
steps:
  - {id: pause, type: wait, timer: PT1H}
  - {id: done, type: end}
)";

struct BrokenWorld {
  MemoryStore inner;
  BrokenCase store{inner};
  ManualClock clock{start_time()};
  std::vector<LogRecord> logged;
  Engine engine{store, {.clock = &clock, .log = [this](const LogRecord& r) { logged.push_back(r); }}};

  BrokenWorld() {
    LoadOutcome loaded = load_process(kWait, "wait.yaml");
    REQUIRE(loaded.ok());
    REQUIRE(engine.deploy(loaded.process).ok());
  }
  CaseId start() {
    auto id = engine.start("wait");
    REQUIRE(id.ok());
    return *id;
  }
  CaseStatus status(CaseId id) {
    auto record = inner.load_case(id);
    REQUIRE(record.ok());
    return record->status;
  }
};

TEST_CASE("a job that cannot be fired does not block those due after it",
          "[runtime][run_due]") {
  BrokenWorld w;
  const CaseId first = w.start();
  const CaseId second = w.start();
  w.store.broken = first;
  w.clock.advance(hours{1});

  auto done = w.engine.run_due(w.clock.now());
  REQUIRE(done.ok());
  CHECK(*done == 2);  // one set aside, one fired
  CHECK(w.status(first) == CaseStatus::active);
  CHECK(w.status(second) == CaseStatus::completed);
  REQUIRE(w.logged.size() == 1);
  CHECK(w.logged[0].level == LogLevel::error);
  CHECK(w.logged[0].event == "job_failed");
  CHECK(w.logged[0].case_id == first);
  CHECK_THAT(w.logged[0].message, Catch::Contains("state is corrupt"));
  CHECK_THAT(w.logged[0].message, Catch::Contains("tried again in 300 s"));

  // Set aside for the job lease: nothing to do until it ends, and next_due says when.
  auto again = w.engine.run_due(w.clock.now());
  REQUIRE(again.ok());
  CHECK(*again == 0);
  auto next = w.engine.next_due();
  REQUIRE(next.ok());
  CHECK(*next == std::optional<Instant>{w.clock.now() + minutes{5}});

  // Mended meanwhile: it fires when the lease ends.
  w.store.broken = kNoId;
  w.clock.advance(minutes{5});
  auto fired = w.engine.run_due(w.clock.now());
  REQUIRE(fired.ok());
  CHECK(*fired == 1);
  CHECK(w.status(first) == CaseStatus::completed);
}

TEST_CASE("a store that is unavailable ends run_due with its error", "[runtime][run_due]") {
  BrokenWorld w;
  const CaseId id = w.start();
  w.store.broken = id;
  w.store.code = ErrorCode::unavailable;
  w.clock.advance(hours{1});
  auto done = w.engine.run_due(w.clock.now());
  REQUIRE_FALSE(done.ok());
  CHECK(done.error().code == ErrorCode::unavailable);
  CHECK(w.logged.empty());
  // Nothing was set aside: it fires as soon as the store answers.
  w.store.broken = kNoId;
  auto fired = w.engine.run_due(w.clock.now());
  REQUIRE(fired.ok());
  CHECK(*fired == 1);
}

}  // namespace
}  // namespace crmflow::test
