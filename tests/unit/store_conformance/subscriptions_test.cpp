// Subscriptions: which waits a message (name and key) or a signal (name) reaches, in order, and
// their removal by token.
#include <catch2/catch.hpp>

#include "records.hpp"
#include "store_factory.hpp"

namespace crmflow::conformance {
namespace {

std::vector<Subscription> waiting(Store& store, SubscriptionKind kind, std::string_view name,
                                  std::string_view key = "") {
  auto found = store.subscriptions(kind, name, key);
  REQUIRE(found.ok());
  return *found;
}

using Where = std::vector<std::tuple<CaseId, std::uint32_t, std::uint32_t>>;

Where where(const std::vector<Subscription>& subs) {
  Where out;
  for (const Subscription& s : subs) out.emplace_back(s.case_id, s.token, s.boundary);
  return out;
}

TEST_CASE("subscriptions: a message reaches waits with its key and waits for any key",
          "[subscriptions]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  c.subscriptions_added = {
      message_wait(1, 1, "reply", "R-1"),
      message_wait(1, 2, "reply", std::nullopt),  // any key
      message_wait(1, 3, "reply", ""),            // the empty key, which is not "any key"
      message_wait(1, 4, "reply", "r-1"),         // keys are compared exactly
      message_wait(1, 5, "Reply", "R-1"),         // and names too
      message_wait(1, 6, "پاسخ", "کلید-۱"),
      signal_wait(1, 7, "reply"),  // a signal of the same name is not a message
  };
  REQUIRE(sut->store().commit(c).ok());
  sut->reopen();
  Store& store = sut->store();
  CHECK(where(waiting(store, SubscriptionKind::message, "reply", "R-1")) ==
        Where{{1, 1, 0}, {1, 2, 0}});
  CHECK(where(waiting(store, SubscriptionKind::message, "reply", "")) ==
        Where{{1, 2, 0}, {1, 3, 0}});
  CHECK(where(waiting(store, SubscriptionKind::message, "reply", "R-2")) == Where{{1, 2, 0}});
  CHECK(where(waiting(store, SubscriptionKind::message, "پاسخ", "کلید-۱")) == Where{{1, 6, 0}});
  CHECK(waiting(store, SubscriptionKind::message, "پاسخ", "کلید-2").empty());
  CHECK(waiting(store, SubscriptionKind::message, "nothing", "R-1").empty());
  // Every field comes back as written.
  auto got = waiting(store, SubscriptionKind::message, "reply", "R-1");
  check_same(got[0], c.subscriptions_added[0]);
  check_same(got[1], c.subscriptions_added[1]);
  check_same(waiting(store, SubscriptionKind::message, "reply", "")[1], c.subscriptions_added[2]);
}

TEST_CASE("subscriptions: a signal reaches every wait for its name, whatever the key",
          "[subscriptions]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange one = new_case(1);
  one.subscriptions_added = {signal_wait(1, 2, "recall"), message_wait(1, 3, "recall", "x")};
  CaseChange two = new_case(2);
  two.subscriptions_added = {signal_wait(2, 1, "recall"), signal_wait(2, 2, "other")};
  REQUIRE(sut->store().commit(one).ok());
  REQUIRE(sut->store().commit(two).ok());
  sut->reopen();
  Store& store = sut->store();
  CHECK(where(waiting(store, SubscriptionKind::signal, "recall")) == Where{{1, 2, 0}, {2, 1, 0}});
  CHECK(where(waiting(store, SubscriptionKind::signal, "recall", "ignored")) ==
        Where{{1, 2, 0}, {2, 1, 0}});
  check_same(waiting(store, SubscriptionKind::signal, "other")[0], two.subscriptions_added[1]);
}

TEST_CASE("subscriptions: ordered by case id, then token, then boundary", "[subscriptions]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  // Committed in scrambled order, the later case first.
  CaseChange two = new_case(2);
  two.subscriptions_added = {message_wait(2, 1, "m", std::nullopt, 2),
                             message_wait(2, 1, "m", std::nullopt, 0)};
  CaseChange ten = new_case(10);  // 10 after 2: ids compare as numbers
  ten.subscriptions_added = {message_wait(10, 1, "m", std::nullopt)};
  CaseChange one = new_case(1);
  one.subscriptions_added = {message_wait(1, 12, "m", "k", 1), message_wait(1, 3, "m", "k"),
                             message_wait(1, 12, "m", std::nullopt, 0),
                             message_wait(1, 3, "m", "k", 10), message_wait(1, 3, "m", "k", 2)};
  REQUIRE(sut->store().commit(two).ok());
  REQUIRE(sut->store().commit(ten).ok());
  REQUIRE(sut->store().commit(one).ok());
  sut->reopen();
  CHECK(where(waiting(sut->store(), SubscriptionKind::message, "m", "k")) == Where{{1, 3, 0},
                                                                                   {1, 3, 2},
                                                                                   {1, 3, 10},
                                                                                   {1, 12, 0},
                                                                                   {1, 12, 1},
                                                                                   {2, 1, 0},
                                                                                   {2, 1, 2},
                                                                                   {10, 1, 0}});
}

TEST_CASE("subscriptions: removing a token removes its own and its boundary waits only",
          "[subscriptions][commit]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange one = new_case(1);
  one.subscriptions_added = {message_wait(1, 1, "m", std::nullopt),      // own wait
                             message_wait(1, 1, "m", std::nullopt, 1),   // boundary 0
                             signal_wait(1, 1, "s"),                     // boundary 1, a signal
                             message_wait(1, 2, "m", std::nullopt, 3)};  // another token
  one.subscriptions_added[2].boundary = 2;
  CaseChange two = new_case(2);
  two.subscriptions_added = {message_wait(2, 1, "m", std::nullopt)};  // same token, other case
  REQUIRE(sut->store().commit(one).ok());
  REQUIRE(sut->store().commit(two).ok());

  CaseChange remove = update_of(*sut->store().load_case(1));
  remove.subscriptions_removed = {1, 99};  // 99: no subscriptions, fine
  REQUIRE(sut->store().commit(remove).ok());
  sut->reopen();
  Store& store = sut->store();
  CHECK(where(waiting(store, SubscriptionKind::message, "m")) == Where{{1, 2, 3}, {2, 1, 0}});
  CHECK(waiting(store, SubscriptionKind::signal, "s").empty());
}

TEST_CASE("subscriptions: within one commit, removals come before additions",
          "[subscriptions][commit]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  // A token that received its message and moved on to wait for the next one, in one call.
  CaseChange c = new_case(1);
  c.subscriptions_added = {message_wait(1, 1, "first", "k")};
  REQUIRE(sut->store().commit(c).ok());
  CaseChange moved = update_of(*sut->store().load_case(1));
  moved.subscriptions_removed = {1};
  moved.subscriptions_added = {message_wait(1, 1, "second", "k")};
  REQUIRE(sut->store().commit(moved).ok());
  sut->reopen();
  CHECK(waiting(sut->store(), SubscriptionKind::message, "first", "k").empty());
  CHECK(where(waiting(sut->store(), SubscriptionKind::message, "second", "k")) == Where{{1, 1, 0}});
}

TEST_CASE("subscriptions: one added again for its (case, token, boundary) replaces it",
          "[subscriptions][commit]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  c.subscriptions_added = {message_wait(1, 1, "first", "k"), message_wait(1, 1, "first", "k", 1)};
  REQUIRE(sut->store().commit(c).ok());
  CaseChange again = update_of(*sut->store().load_case(1));
  again.subscriptions_added = {signal_wait(1, 1, "second")};  // boundary 0 of token 1
  REQUIRE(sut->store().commit(again).ok());
  sut->reopen();
  CHECK(where(waiting(sut->store(), SubscriptionKind::message, "first", "k")) == Where{{1, 1, 1}});
  CHECK(where(waiting(sut->store(), SubscriptionKind::signal, "second")) == Where{{1, 1, 0}});
}

}  // namespace
}  // namespace crmflow::conformance
