// Several threads (and store objects) writing at once: commits to different cases all land,
// commits racing on one case are decided one way, and no update is ever lost.
#include <atomic>
#include <barrier>
#include <catch2/catch.hpp>
#include <thread>

#include "records.hpp"
#include "store_factory.hpp"

namespace crmflow::conformance {
namespace {

constexpr int kThreads = 4;

// Runs body(i) on kThreads threads and joins them. Catch2 assertions are not thread-safe: the
// bodies only record outcomes; the test checks them afterwards.
template <typename Body>
void on_threads(Body body) {
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) threads.emplace_back(body, i);
  for (std::thread& t : threads) t.join();
}

TEST_CASE("threads: commits to different cases all land", "[threads][commit]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  constexpr int kUpdates = 25;
  std::atomic<int> failures{0};
  on_threads([&](int i) {
    Store& store = i % 2 == 0 ? sut->store() : sut->peer();
    const CaseId id = static_cast<CaseId>(i + 1);
    CaseChange c = new_case(id);
    if (!store.commit(c).ok()) ++failures;
    for (int n = 1; n <= kUpdates; ++n) {
      auto current = store.load_case(id);
      if (!current) {
        ++failures;
        continue;
      }
      CaseChange next = update_of(*current);
      next.record.variables.set("n", n);
      next.tasks = {open_task(static_cast<TaskId>(id * 1000 + n), id)};
      if (!store.commit(next).ok()) ++failures;
    }
  });
  CHECK(failures == 0);
  sut->reopen();
  for (CaseId id = 1; id <= kThreads; ++id) {
    auto r = sut->store().load_case(id);
    REQUIRE(r.ok());
    CHECK(r->row_version == kUpdates + 1);
    CHECK(r->variables["n"].as_integer() == kUpdates);
    CHECK(sut->store().open_tasks({.case_id = id})->size() == kUpdates);
  }
}

TEST_CASE("threads: of commits racing on one case from one version, exactly one wins",
          "[threads][commit]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  REQUIRE(sut->store().commit(new_case(1)).ok());
  constexpr int kRounds = 20;
  std::barrier loaded{kThreads};
  std::barrier committed{kThreads};
  std::atomic<int> wins[kRounds] = {};
  std::atomic<int> conflicts{0};
  std::atomic<int> other_errors{0};
  on_threads([&](int i) {
    Store& store = i % 2 == 0 ? sut->store() : sut->peer();
    for (int round = 0; round < kRounds; ++round) {
      auto current = store.load_case(1);
      loaded.arrive_and_wait();  // every thread holds the same row version
      if (!current) {
        ++other_errors;
      } else {
        CaseChange next = update_of(*current);
        next.record.variables.set("winner", i);
        next.tasks = {open_task(static_cast<TaskId>(round * kThreads + i + 1), 1)};
        Status s = store.commit(next);
        if (s.ok()) {
          ++wins[round];
        } else if (s.error().code == ErrorCode::conflict) {
          ++conflicts;
        } else {
          ++other_errors;
        }
      }
      committed.arrive_and_wait();  // nobody loads the next round before all have committed
    }
  });
  CHECK(other_errors == 0);
  for (int round = 0; round < kRounds; ++round) {
    INFO("round " << round);
    CHECK(wins[round] == 1);
  }
  CHECK(conflicts == kRounds * (kThreads - 1));
  sut->reopen();
  CHECK(sut->store().load_case(1)->row_version == kRounds + 1);
  // Only the winners' tasks were written: one per round.
  CHECK(sut->store().open_tasks({.case_id = 1})->size() == kRounds);
}

TEST_CASE("threads: read-modify-write with retry on conflict loses no update",
          "[threads][commit]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  c.record.variables = Value::Object{{"count", 0}};
  REQUIRE(sut->store().commit(c).ok());
  constexpr int kIncrements = 30;
  std::atomic<int> other_errors{0};
  on_threads([&](int i) {
    Store& store = i % 2 == 0 ? sut->store() : sut->peer();
    for (int n = 0; n < kIncrements;) {
      auto current = store.load_case(1);
      if (!current) {
        ++other_errors;
        return;
      }
      CaseChange next = update_of(*current);
      next.record.variables.set("count", current->variables["count"].as_integer() + 1);
      Status s = store.commit(next);
      if (s.ok()) {
        ++n;
      } else if (s.error().code != ErrorCode::conflict) {
        ++other_errors;
        return;
      }
    }
  });
  CHECK(other_errors == 0);
  sut->reopen();
  auto r = sut->store().load_case(1);
  REQUIRE(r.ok());
  CHECK(r->variables["count"].as_integer() == kThreads * kIncrements);
  CHECK(r->row_version == kThreads * kIncrements + 1);
}

}  // namespace
}  // namespace crmflow::conformance
