// CaseHistory and NamePool (src/store/memory_history.hpp): the memory store's compact history
// gives back exactly the events it was given, in sequence order.
#include "store/memory_history.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

namespace crmflow::store {
namespace {

HistoryEvent event(std::uint64_t sequence, EventType type, std::string step, std::string by) {
  HistoryEvent e;
  e.case_id = 99;  // not kept: the owner's id comes back
  e.sequence = sequence;
  e.at = Instant{std::chrono::milliseconds{1'767'225'600'000 + static_cast<long>(sequence)}};
  e.event = type;
  e.step_id = std::move(step);
  e.by = std::move(by);
  return e;
}

TEST_CASE("NamePool: one copy per distinct name, at a stable address", "[store]") {
  NamePool pool;
  const std::string* a = pool.intern("review");
  std::vector<const std::string*> many;
  for (int i = 0; i < 1000; ++i) many.push_back(pool.intern("step-" + std::to_string(i)));
  CHECK(pool.intern("review") == a);
  CHECK(*a == "review");
  CHECK(*many[500] == "step-500");
  CHECK(pool.intern("") != a);
}

TEST_CASE("CaseHistory: events come back whole, in sequence order", "[store]") {
  NamePool pool;
  CaseHistory history;
  HistoryEvent created = event(3, EventType::task_created, "review", "");
  created.task_id = 5;
  created.data = Value{{"due", Date{std::chrono::year{2026} / 2 / 3}}};
  history.append({event(1, EventType::case_started, "", "ali"),
                  event(2, EventType::step_entered, "review", ""), created},
                 pool);
  // A later commit, listed out of order, with one event that belongs between earlier ones.
  history.append({event(6, EventType::case_completed, "", ""),
                  event(5, EventType::task_completed, "review", "sara"),
                  event(4, EventType::variables_changed, "", "sara")},
                 pool);
  const std::vector<HistoryEvent> got = history.events(17);
  REQUIRE(got.size() == 6);
  for (std::size_t i = 0; i < got.size(); ++i) {
    CHECK(got[i].sequence == i + 1);
    CHECK(got[i].case_id == 17);
  }
  CHECK(got[0].by == "ali");
  CHECK(got[0].step_id.empty());
  CHECK(got[2].event == EventType::task_created);
  CHECK(got[2].step_id == "review");
  CHECK(got[2].task_id == 5);
  CHECK(got[2].data == created.data);
  CHECK(got[2].at == created.at);
  CHECK(got[4].by == "sara");
  CHECK(got[4].event == EventType::task_completed);
  CHECK(history.size() == 6);
}

}  // namespace
}  // namespace crmflow::store
