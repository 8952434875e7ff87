// Delivery of the outbox: ids the store gives, the delivery state a commit records (sent, failed,
// a retry), the queue next_due_delivery walks ((next_attempt, id), "at once" first), leases
// (conditional, taken over once they run out, ended by the commit that records the outcome)
// and next_delivery_due.
#include <algorithm>
#include <atomic>
#include <barrier>
#include <catch2/catch.hpp>
#include <thread>

#include "records.hpp"
#include "store_factory.hpp"

namespace crmflow::conformance {
namespace {

using std::chrono::milliseconds;
using Ids = std::vector<std::uint64_t>;

std::vector<Notification> entries(Store& store, CaseId case_id) {
  auto out = store.outbox(case_id);
  REQUIRE(out.ok());
  return *out;
}

// Commits `notes` with case `case_id` (a new case when it is not stored yet) and returns the
// entries they became, ids and all.
std::vector<Notification> queue(Store& store, CaseId case_id, std::vector<Notification> notes) {
  auto current = store.load_case(case_id);
  CaseChange change = current ? update_of(*current) : new_case(case_id);
  const std::size_t before = current ? entries(store, case_id).size() : 0;
  change.outbox = std::move(notes);
  REQUIRE(store.commit(change).ok());
  std::vector<Notification> all = entries(store, case_id);
  REQUIRE(all.size() == before + change.outbox.size());
  return {all.begin() + static_cast<std::ptrdiff_t>(before), all.end()};
}

// One SMS of `case_id` queued at `queued_at`, as its outbox entry.
Notification queue_one(Store& store, CaseId case_id, Instant queued_at = at(1)) {
  Notification n = sms(case_id, std::to_string(case_id) + "/" +
                                    std::to_string(queued_at.time_since_epoch().count()));
  n.at = queued_at;
  return queue(store, case_id, {n}).front();
}

// Commits `deliveries` as an update of case `case_id`.
Status record(Store& store, CaseId case_id, std::vector<Notification> deliveries) {
  auto current = store.load_case(case_id);
  REQUIRE(current.ok());
  CaseChange change = update_of(*current);
  change.deliveries = std::move(deliveries);
  return store.commit(change);
}

// The entry as the delivery pass records an attempt that succeeded at `when`, one that failed for
// good, and one that failed and is tried again at `next`.
Notification sent(Notification entry, Instant when) {
  entry.status = DeliveryStatus::sent;
  entry.attempts += 1;
  entry.next_attempt.reset();
  entry.leased_until.reset();
  entry.sent_at = when;
  entry.last_error.clear();
  return entry;
}

Notification failed(Notification entry, std::string error) {
  entry.status = DeliveryStatus::failed;
  entry.attempts += 1;
  entry.next_attempt.reset();
  entry.leased_until.reset();
  entry.last_error = std::move(error);
  return entry;
}

Notification retry(Notification entry, Instant next, std::string error = "HTTP 503") {
  entry.status = DeliveryStatus::pending;
  entry.attempts += 1;
  entry.next_attempt = next;
  entry.leased_until.reset();
  entry.last_error = std::move(error);
  return entry;
}

std::optional<std::uint64_t> next_delivery(Store& store, Instant now) {
  auto next = store.next_due_delivery(now);
  REQUIRE(next.ok());
  if (!next->has_value()) return std::nullopt;
  return (*next)->id;
}

std::optional<Instant> delivery_due(Store& store) {
  auto due = store.next_delivery_due();
  REQUIRE(due.ok());
  return *due;
}

TEST_CASE("delivery: the store gives every entry an id, increasing in queue order", "[delivery]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Store& store = sut->store();
  const auto two = queue(store, 2, {sms(2, "2/1/0"), sms(2, "2/1/1")});
  const auto one = queue(store, 1, {sms(1, "1/1/0")});
  Notification given = sms(2, "2/2/0");
  given.id = 12345;  // not read: the store gives the id
  const auto more = queue(store, 2, {given});
  sut->reopen();
  const Ids in_commit_order = {two[0].id, two[1].id, one[0].id, more[0].id};
  CHECK(in_commit_order[0] != kNoId);
  CHECK(std::is_sorted(in_commit_order.begin(), in_commit_order.end()));
  CHECK(std::adjacent_find(in_commit_order.begin(), in_commit_order.end()) ==
        in_commit_order.end());
  CHECK(more[0].id != 12345);
  // outbox() gives them in (case, queue) order, ids and all, also after a reopen.
  CHECK(ids_of(entries(sut->store(), kNoId)) == Ids{one[0].id, two[0].id, two[1].id, more[0].id});
  CHECK(ids_of(entries(sut->store(), 2)) == Ids{two[0].id, two[1].id, more[0].id});
  // Ids keep increasing after a reopen (a new store object on the same data).
  CHECK(queue(sut->store(), 1, {sms(1, "1/2/0")})[0].id > more[0].id);
}

TEST_CASE("delivery: a queued entry is pending, whatever delivery state it was given",
          "[delivery]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Notification n = sms(1, "1/1/0");
  n.segments = 4'000'000'000u;  // above INT32_MAX
  n.status = DeliveryStatus::sent;
  n.attempts = 3;
  n.next_attempt = at(5);
  n.leased_until = at(6);
  n.sent_at = at(7);
  n.last_error = "not read";
  const Notification got = queue(sut->store(), 1, {n}).front();
  sut->reopen();
  Notification want = n;
  want.id = got.id;
  want.status = DeliveryStatus::pending;
  want.attempts = 0;
  want.next_attempt.reset();
  want.leased_until.reset();
  want.sent_at.reset();
  want.last_error.clear();
  check_entry(entries(sut->store(), 1).at(0), want);
}

TEST_CASE("delivery: every field of an entry round-trips through outbox()", "[delivery]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Notification email = sms(1, "1/3/1");
  email.channel = "email";
  email.to = "reza@example.com";
  email.subject = "پذیرش دستگاه";
  email.text = "سلام\nخط دوم\t\"نقل\"";
  email.at = at(2) + milliseconds{7};
  email.segments = 0;
  const auto queued = queue(sut->store(), 1, {sms(1, "1/3/0"), email});
  // Every delivery field set at once, to values no other entry has: the store keeps what the
  // delivery pass gives it, without judging the combination.
  Notification full = queued[1];
  full.status = DeliveryStatus::failed;
  full.attempts = 4'000'000'000u;
  full.next_attempt = at(90) + milliseconds{7};
  full.leased_until = at(95) + milliseconds{3};
  full.sent_at = at(-60) + milliseconds{1};  // before the case, and to the millisecond
  full.last_error = "خطا: 503 Service Unavailable\n\"retry\"";
  REQUIRE(record(sut->store(), 1, {full}).ok());
  sut->reopen();
  const auto got = entries(sut->store(), 1);
  REQUIRE(got.size() == 2);
  check_entry(got[0], queued[0]);  // untouched
  check_entry(got[1], full);
  check_same(got[1], email);  // the queued fields were not read from the delivery
}

TEST_CASE("delivery: sent, failed and a retry are recorded with the case's commit", "[delivery]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Store& store = sut->store();
  const auto q = queue(store, 1, {sms(1, "1/1/0"), sms(1, "1/1/1"), sms(1, "1/1/2")});
  // The delivery fields given are replaced; the others (text, channel, ...) are not read.
  Notification ok = sent(q[0], at(3) + milliseconds{250});
  ok.text = "not read";
  ok.channel = "not read";
  const Notification refused = failed(q[1], "HTTP 400: invalid receptor");
  const Notification later = retry(q[2], at(10), "connection refused");
  REQUIRE(record(store, 1, {ok, refused, later}).ok());
  sut->reopen();
  auto got = entries(sut->store(), 1);
  REQUIRE(got.size() == 3);
  ok.text = q[0].text;
  ok.channel = q[0].channel;
  check_entry(got[0], ok);
  check_entry(got[1], refused);
  check_entry(got[2], later);
  // Only the retry is still queued, due at its next attempt.
  CHECK_FALSE(next_delivery(sut->store(), at(10) - milliseconds{1}).has_value());
  CHECK(next_delivery(sut->store(), at(10)) == q[2].id);
  CHECK(delivery_due(sut->store()) == at(10));

  // A second retry, then success: each commit replaces the state of the one before.
  Notification again = retry(got[2], at(30), "HTTP 502");
  REQUIRE(record(sut->store(), 1, {again}).ok());
  CHECK(delivery_due(sut->store()) == at(30));
  const Notification done = sent(again, at(30));
  REQUIRE(record(sut->store(), 1, {done}).ok());
  sut->reopen();
  check_entry(entries(sut->store(), 1).at(2), done);
  CHECK(done.attempts == 3);
  CHECK_FALSE(next_delivery(sut->store(), at(1000)).has_value());
  CHECK_FALSE(delivery_due(sut->store()).has_value());
}

TEST_CASE("delivery: an entry of another case, or of none, refuses the commit; nothing written",
          "[delivery][commit]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Store& store = sut->store();
  const Notification mine = queue(store, 1, {sms(1, "1/1/0")}).front();
  const Notification theirs = queue(store, 2, {sms(2, "2/1/0")}).front();

  // A change that writes everything it can, with one bad delivery among good ones.
  auto attempt = [&](const Notification& bad, std::vector<CaseChange> linked) {
    CaseChange change = update_of(*store.load_case(1));
    change.record.variables.set("touched", true);
    change.tasks = {open_task(7, 1)};
    change.jobs_added = {job(7, 1, at(5))};
    change.subscriptions_added = {signal_wait(1, 1, "go")};
    change.history = {
        HistoryEvent{.case_id = 1, .sequence = 1, .at = at(2), .event = EventType::case_started}};
    change.outbox = {sms(1, "1/2/0")};
    change.deliveries = {sent(mine, at(2)), bad};
    change.linked = std::move(linked);
    return store.commit(change);
  };
  auto refused_with = [](const Status& s, std::uint64_t id) {
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == ErrorCode::not_found);
    CHECK_THAT(s.error().message, Catch::Contains("notification " + std::to_string(id)));
  };
  SECTION("an entry of another case") { refused_with(attempt(sent(theirs, at(2)), {}), theirs.id); }
  SECTION("an id that is no entry") {
    Notification unknown = sent(mine, at(2));
    unknown.id = theirs.id + 1000;
    refused_with(attempt(unknown, {}), unknown.id);
  }
  SECTION("in a linked change: an entry of the main case") {
    CaseChange linked = update_of(*store.load_case(2));
    linked.deliveries = {sent(mine, at(2))};
    refused_with(attempt(sent(mine, at(2)), {linked}), mine.id);
  }
  sut->reopen();
  Store& after = sut->store();
  CHECK(after.load_case(1)->row_version == 1);
  CHECK(after.load_case(2)->row_version == 1);
  CHECK(after.load_case(1)->variables.find("touched") == nullptr);
  CHECK(after.open_tasks({.case_id = 1})->empty());
  CHECK_FALSE(after.next_due()->has_value());
  CHECK(after.subscriptions(SubscriptionKind::signal, "go", "")->empty());
  CHECK(after.history(1)->empty());
  check_entry(entries(after, 1).at(0), mine);  // still pending, no new entry
  CHECK(entries(after, 1).size() == 1);
  check_entry(entries(after, 2).at(0), theirs);
}

TEST_CASE("delivery: due in (next_attempt, id) order, at once first; never sent or failed",
          "[delivery]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Store& store = sut->store();
  // In queue order: a and b due at once; c, d, e retries; f sent; g failed; then h, queued at
  // once after the retries were scheduled.
  const auto q = queue(
      store, 1,
      {sms(1, "a"), sms(1, "b"), sms(1, "c"), sms(1, "d"), sms(1, "e"), sms(1, "f"), sms(1, "g")});
  REQUIRE(record(store, 1,
                 {retry(q[2], at(10)), retry(q[3], at(5)), retry(q[4], at(5)), sent(q[5], at(1)),
                  failed(q[6], "HTTP 404")})
              .ok());
  const Notification h = queue(store, 2, {sms(2, "h")}).front();
  sut->reopen();
  Store& s = sut->store();
  // At once means due at any moment, also before the entry was queued.
  CHECK(next_delivery(s, at(-1000)) == q[0].id);
  CHECK(next_delivery(s, at(1000)) == q[0].id);
  auto first = s.next_due_delivery(at(0));
  REQUIRE(first.ok());
  REQUIRE(first->has_value());
  check_entry(**first, q[0]);  // every field, as outbox() gives it

  // Leasing each one in turn shows the whole order: a, b, h (at once, by id), then the retries
  // by (next_attempt, id): d and e (due at 5; d first by id), c (due at 10); none before its
  // moment.
  Ids order;
  auto take = [&](Instant now) {
    const auto id = next_delivery(s, now);
    REQUIRE(id.has_value());
    order.push_back(*id);
    REQUIRE(s.lease_delivery(*id, now, at(500)).ok());
  };
  take(at(4));
  take(at(4));
  take(at(4));
  CHECK_FALSE(next_delivery(s, at(5) - milliseconds{1}).has_value());
  take(at(5));
  take(at(5));
  CHECK_FALSE(next_delivery(s, at(10) - milliseconds{1}).has_value());
  take(at(10));
  CHECK(order == Ids{q[0].id, q[1].id, h.id, q[3].id, q[4].id, q[2].id});
  // f (sent) and g (failed) are never due; every other entry is leased.
  CHECK_FALSE(next_delivery(s, at(499)).has_value());
}

TEST_CASE("delivery: a future retry is not due; the entries behind a leased one are not held up",
          "[delivery][lease]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Store& store = sut->store();
  const auto q = queue(store, 1, {sms(1, "a"), sms(1, "b")});
  REQUIRE(record(store, 1, {retry(q[1], at(10))}).ok());
  CHECK(next_delivery(store, at(9)) == q[0].id);
  REQUIRE(store.lease_delivery(q[0].id, at(9), at(20)).ok());
  CHECK_FALSE(next_delivery(store, at(9)).has_value());  // b is not due yet, a is leased
  CHECK(next_delivery(store, at(10)) == q[1].id);        // b is, though a is still leased
  sut->reopen();
  // At the lease's end a is due again, first, with the lease in its record.
  CHECK(next_delivery(sut->store(), at(20) - milliseconds{1}) == q[1].id);
  auto expired = sut->store().next_due_delivery(at(20));
  REQUIRE(expired.ok());
  REQUIRE(expired->has_value());
  CHECK((*expired)->id == q[0].id);
  CHECK((*expired)->leased_until == at(20));
}

TEST_CASE("delivery: a lease is taken only when free; it runs out at `until`",
          "[delivery][lease]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Store& store = sut->store();
  const auto q = queue(store, 1, {sms(1, "a"), sms(1, "b")});
  const std::uint64_t a = q[0].id;
  REQUIRE(store.lease_delivery(a, at(5), at(8)).ok());
  // Held: refused, whoever asks, even to extend it.
  for (Instant now : {at(5), at(7), at(8) - milliseconds{1}}) {
    auto held = store.lease_delivery(a, now, at(20));
    REQUIRE_FALSE(held.ok());
    CHECK(held.error().code == ErrorCode::conflict);
    CHECK_THAT(held.error().message, Catch::Contains("notification " + std::to_string(a)));
  }
  sut->reopen();
  Store& again = sut->store();
  CHECK(again.lease_delivery(a, at(7), at(20)).error().code == ErrorCode::conflict);  // durable
  CHECK(entries(again, 1).at(0).leased_until == at(8));
  REQUIRE(again.lease_delivery(a, at(8), at(12)).ok());  // taken over once it ran out
  CHECK(again.lease_delivery(a, at(11), at(30)).error().code == ErrorCode::conflict);

  // The commit that records the attempt ends the lease: a retry may be leased at once.
  REQUIRE(record(again, 1, {retry(entries(again, 1).at(0), at(9))}).ok());
  CHECK_FALSE(entries(again, 1).at(0).leased_until.has_value());
  CHECK(again.lease_delivery(a, at(11), at(30)).ok());
}

TEST_CASE("delivery: leasing an entry that is not pending is not_found", "[delivery][lease]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Store& store = sut->store();
  auto missing = [&](std::uint64_t id) {
    auto s = store.lease_delivery(id, at(50), at(60));
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == ErrorCode::not_found);
    CHECK_THAT(s.error().message, Catch::Contains("notification " + std::to_string(id)));
  };
  missing(42);  // an empty outbox
  const auto q = queue(store, 1, {sms(1, "a"), sms(1, "b"), sms(1, "c")});
  REQUIRE(store.lease_delivery(q[0].id, at(1), at(2)).ok());
  REQUIRE(store.lease_delivery(q[1].id, at(1), at(2)).ok());
  REQUIRE(record(store, 1, {sent(q[0], at(1)), failed(q[1], "HTTP 400")}).ok());
  sut->reopen();
  Store& again = sut->store();
  for (const std::uint64_t id : {q[0].id, q[1].id, q[2].id + 1000}) {
    auto s = again.lease_delivery(id, at(50), at(60));
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == ErrorCode::not_found);
    CHECK_THAT(s.error().message, Catch::Contains("notification " + std::to_string(id)));
  }
  CHECK(again.lease_delivery(q[2].id, at(50), at(60)).ok());
  // A refused lease writes nothing.
  CHECK(entries(again, 1).at(0).leased_until == std::nullopt);
  CHECK(entries(again, 1).at(0).status == DeliveryStatus::sent);
}

TEST_CASE("delivery: workers racing for one entry: exactly one lease", "[delivery][lease]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  constexpr int kThreads = 4;
  constexpr int kRounds = 10;
  std::vector<Notification> notes;
  for (int i = 0; i < kRounds; ++i) notes.push_back(sms(1, "1/1/" + std::to_string(i)));
  const auto q = queue(sut->store(), 1, notes);
  std::barrier ready{kThreads};
  std::atomic<int> wins[kRounds] = {};
  std::atomic<int> conflicts{0};
  std::atomic<int> other_errors{0};
  // Catch2 assertions are not thread-safe: the threads only count outcomes.
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store& store = t % 2 == 0 ? sut->store() : sut->peer();
      for (int round = 0; round < kRounds; ++round) {
        ready.arrive_and_wait();  // all ask for the same entry at once
        Status s = store.lease_delivery(q[static_cast<std::size_t>(round)].id, at(1), at(2));
        if (s.ok()) {
          ++wins[round];
        } else if (s.error().code == ErrorCode::conflict) {
          ++conflicts;
        } else {
          ++other_errors;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  CHECK(other_errors == 0);
  for (int round = 0; round < kRounds; ++round) {
    INFO("round " << round);
    CHECK(wins[round] == 1);
  }
  CHECK(conflicts == kRounds * (kThreads - 1));
}

TEST_CASE("delivery: next_delivery_due: queue moment, next attempt, or lease end when later",
          "[delivery]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CHECK_FALSE(delivery_due(sut->store()).has_value());
  const Notification a = queue_one(sut->store(), 1, at(7));
  sut->reopen();
  CHECK(delivery_due(sut->store()) == at(7));  // at once: its queue moment
  // Queue moments need not follow the ids (two engines, two clocks): the earliest counts.
  const Notification b = queue_one(sut->store(), 2, at(2));
  CHECK(delivery_due(sut->store()) == at(2));
  Store& store = sut->store();
  // A lease counts when it ends later: b until 9, then a until 8.
  REQUIRE(store.lease_delivery(b.id, at(3), at(9)).ok());
  CHECK(delivery_due(store) == at(7));
  REQUIRE(store.lease_delivery(a.id, at(3), at(8)).ok());
  sut->reopen();
  CHECK(delivery_due(sut->store()) == at(8));
  REQUIRE(record(sut->store(), 1, {sent(a, at(4))}).ok());
  CHECK(delivery_due(sut->store()) == at(9));
  // A retry: its next attempt (the commit ended the lease).
  REQUIRE(record(sut->store(), 2, {retry(b, at(30))}).ok());
  CHECK(delivery_due(sut->store()) == at(30));
  // An entry queued later at once, with an earlier queue moment than the retry, comes first;
  // leased past the retry, it no longer does.
  const Notification c = queue_one(sut->store(), 3, at(20));
  CHECK(delivery_due(sut->store()) == at(20));
  REQUIRE(sut->store().lease_delivery(c.id, at(20), at(50)).ok());
  CHECK(delivery_due(sut->store()) == at(30));
  // A lease that ends before the next attempt does not move it; one that ends after does.
  Notification stale = retry(b, at(30));
  stale.leased_until = at(25);
  REQUIRE(record(sut->store(), 2, {stale}).ok());
  CHECK(delivery_due(sut->store()) == at(30));
  REQUIRE(sut->store().lease_delivery(b.id, at(30), at(60)).ok());
  sut->reopen();
  CHECK(delivery_due(sut->store()) == at(50));
  // Sent and failed entries never count.
  REQUIRE(record(sut->store(), 2, {failed(b, "given up")}).ok());
  CHECK(delivery_due(sut->store()) == at(50));
  REQUIRE(record(sut->store(), 3, {sent(c, at(21))}).ok());
  CHECK_FALSE(delivery_due(sut->store()).has_value());
}

TEST_CASE("delivery: of many retries, the earliest counts, also behind leased ones", "[delivery]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Store& store = sut->store();
  std::vector<Notification> notes;
  for (int i = 0; i < 20; ++i) notes.push_back(sms(1, "1/1/" + std::to_string(i)));
  const auto q = queue(store, 1, notes);
  std::vector<Notification> retries;
  for (int i = 0; i < 20; ++i) {
    retries.push_back(retry(q[static_cast<std::size_t>(i)], at(100 - i)));  // last one first
  }
  REQUIRE(record(store, 1, retries).ok());
  CHECK(delivery_due(store) == at(81));
  // The earliest ones leased far ahead: the first free one counts, unless a lease ends sooner.
  for (int i = 19; i >= 15; --i) {
    REQUIRE(store.lease_delivery(q[static_cast<std::size_t>(i)].id, at(0), at(200)).ok());
  }
  CHECK(delivery_due(store) == at(86));
  REQUIRE(store.lease_delivery(q[14].id, at(0), at(87)).ok());
  sut->reopen();
  CHECK(delivery_due(sut->store()) == at(87));
  CHECK_FALSE(next_delivery(sut->store(), at(87) - milliseconds{1}).has_value());
  // At 87 both are due: the one whose lease ran out has the earlier attempt.
  CHECK(next_delivery(sut->store(), at(87)) == q[14].id);
}

}  // namespace
}  // namespace crmflow::conformance
