// History: appended by commits, read in sequence order, every event type and its data exact.
#include <catch2/catch.hpp>

#include "records.hpp"
#include "store_factory.hpp"

namespace crmflow::conformance {
namespace {

HistoryEvent event(CaseId case_id, std::uint64_t sequence, EventType type, Value data = {}) {
  HistoryEvent e;
  e.case_id = case_id;
  e.sequence = sequence;
  e.at = at(static_cast<std::int64_t>(sequence));
  e.event = type;
  e.data = std::move(data);
  return e;
}

TEST_CASE("history: of an unknown case is not_found naming it; of a quiet case empty",
          "[history]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  REQUIRE(sut->store().commit(new_case(1)).ok());
  sut->reopen();
  auto quiet = sut->store().history(1);
  REQUIRE(quiet.ok());
  CHECK(quiet->empty());
  auto unknown = sut->store().history(31);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::not_found);
  CHECK_THAT(unknown.error().message, Catch::Contains("31"));
}

TEST_CASE("history: every event type round-trips with its fields, across several commits",
          "[history]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  REQUIRE(sut->store().commit(new_case(1)).ok());
  REQUIRE(sut->store().commit(new_case(2)).ok());
  std::vector<HistoryEvent> written;
  std::uint64_t sequence = 0;
  // One commit per three event types, interleaved with events of another case.
  for (int first = 0; first <= static_cast<int>(EventType::case_cancelled); first += 3) {
    CaseChange c = update_of(*sut->store().load_case(1));
    for (int type = first; type < first + 3 && type <= static_cast<int>(EventType::case_cancelled);
         ++type) {
      HistoryEvent e = event(1, ++sequence, static_cast<EventType>(type));
      e.step_id = type % 2 == 0 ? "" : "بررسی-" + std::to_string(type);
      e.task_id = type % 3 == 0 ? kNoId : 1'000'000'000'000ull + static_cast<std::uint64_t>(type);
      e.by = type % 4 == 0 ? "" : "سارا";
      e.data = type % 5 == 0 ? Value{} : Value::Object{{"n", type}, {"to", "sara"}};
      written.push_back(e);
      c.history.push_back(e);
    }
    REQUIRE(sut->store().commit(c).ok());
    CaseChange other = update_of(*sut->store().load_case(2));
    other.history = {event(2, sequence, EventType::variables_changed)};
    REQUIRE(sut->store().commit(other).ok());
  }
  sut->reopen();
  auto got = sut->store().history(1);
  REQUIRE(got.ok());
  REQUIRE(got->size() == written.size());
  for (std::size_t i = 0; i < written.size(); ++i) check_same((*got)[i], written[i]);
  CHECK(sut->store().history(2)->size() == (written.size() + 2) / 3);
}

TEST_CASE("history: data values of every kind come back exactly", "[history]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  c.history = {event(1, 1, EventType::variables_changed, every_kind_of_value()),
               event(1, 2, EventType::incident_raised,
                     Value::Object{{"message", "step 'charge': خطا در پرداخت"}}),
               event(1, 3, EventType::task_delegated, Value::Object{{"to", ""}}),
               event(1, 4, EventType::case_cancelled, Value::List{})};
  REQUIRE(sut->store().commit(c).ok());
  sut->reopen();
  auto got = sut->store().history(1);
  REQUIRE(got.ok());
  REQUIRE(got->size() == 4);
  for (std::size_t i = 0; i < 4; ++i) check_same((*got)[i], c.history[i]);
}

// The engine lists events in increasing sequence order; a store still may not rely on it.
TEST_CASE("history: read in sequence order, not in the order the events were listed", "[history]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  c.history = {event(1, 2, EventType::step_entered), event(1, 1, EventType::case_started)};
  REQUIRE(sut->store().commit(c).ok());
  CaseChange next = update_of(*sut->store().load_case(1));
  next.history = {event(1, 10, EventType::step_left), event(1, 3, EventType::task_created)};
  REQUIRE(sut->store().commit(next).ok());
  sut->reopen();
  auto got = sut->store().history(1);
  REQUIRE(got.ok());
  std::vector<std::uint64_t> sequences;
  for (const HistoryEvent& e : *got) sequences.push_back(e.sequence);
  CHECK(sequences == std::vector<std::uint64_t>{1, 2, 3, 10});
}

}  // namespace
}  // namespace crmflow::conformance
