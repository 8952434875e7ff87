// The notification outbox: written with the commit that caused it, read per case or for all,
// in queue order (case id, then the order within the case).
#include <catch2/catch.hpp>

#include "records.hpp"
#include "store_factory.hpp"

namespace crmflow::conformance {
namespace {

Notification note(CaseId case_id, std::string key) {
  Notification n;
  n.case_id = case_id;
  n.step_id = "notify";
  n.channel = "sms";
  n.to = "+989121234567";
  n.text = "رضا، گوشی A52 شما پذیرش شد.";
  n.idempotency_key = std::move(key);
  n.at = at(1);
  return n;
}

std::vector<std::string> keys(Store& store, CaseId case_id) {
  auto out = store.outbox(case_id);
  REQUIRE(out.ok());
  std::vector<std::string> k;
  for (const Notification& n : *out) k.push_back(n.idempotency_key);
  return k;
}

using Keys = std::vector<std::string>;

TEST_CASE("outbox: every field round-trips", "[outbox]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  Notification sms = note(1, "1/3/0");
  sms.segments = 2;
  Notification email = note(1, "1/3/1");
  email.channel = "email";
  email.to = "reza@example.com";
  email.subject = "پذیرش دستگاه";
  email.text = "سلام\nخط دوم\t\"نقل\"";
  email.at = at(2) + std::chrono::milliseconds{7};
  Notification bare = note(1, "1/4/0");
  bare.step_id = "";
  bare.to = "";
  bare.text = "";
  c.outbox = {sms, email, bare};
  REQUIRE(sut->store().commit(c).ok());
  sut->reopen();
  auto got = sut->store().outbox(1);
  REQUIRE(got.ok());
  REQUIRE(got->size() == 3);
  check_same((*got)[0], sms);
  check_same((*got)[1], email);
  check_same((*got)[2], bare);
}

TEST_CASE("outbox: ordered by case id, then by queue order within the case", "[outbox]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Store& store = sut->store();
  CaseChange two = new_case(2);
  two.outbox = {note(2, "2/1/0"), note(2, "2/1/1")};
  REQUIRE(store.commit(two).ok());
  CaseChange one = new_case(1);
  one.outbox = {note(1, "1/1/0")};
  REQUIRE(store.commit(one).ok());
  CaseChange ten = new_case(10);
  ten.outbox = {note(10, "10/1/0")};
  REQUIRE(store.commit(ten).ok());
  CaseChange more = update_of(*store.load_case(2));
  // Queue order is the order of commits and within one the order listed, not the key's text.
  more.outbox = {note(2, "2/9/0"), note(2, "2/2/0")};
  REQUIRE(store.commit(more).ok());
  CaseChange quiet = new_case(3);  // a case without notifications
  REQUIRE(store.commit(quiet).ok());
  sut->reopen();
  CHECK(keys(sut->store(), kNoId) == Keys{"1/1/0", "2/1/0", "2/1/1", "2/9/0", "2/2/0", "10/1/0"});
  CHECK(keys(sut->store(), 2) == Keys{"2/1/0", "2/1/1", "2/9/0", "2/2/0"});
  CHECK(keys(sut->store(), 10) == Keys{"10/1/0"});
  CHECK(keys(sut->store(), 3).empty());
  CHECK(keys(sut->store(), 404).empty());  // no such case: nothing queued for it either
}

TEST_CASE("outbox: a refused commit queues nothing", "[outbox][commit]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  REQUIRE(sut->store().commit(c).ok());
  CaseChange stale = update_of(*sut->store().load_case(1));
  stale.expected_row_version = 7;
  stale.outbox = {note(1, "1/1/0")};
  REQUIRE_FALSE(sut->store().commit(stale).ok());
  sut->reopen();
  CHECK(keys(sut->store(), kNoId).empty());
  CHECK(keys(sut->store(), 1).empty());
}

}  // namespace
}  // namespace crmflow::conformance
