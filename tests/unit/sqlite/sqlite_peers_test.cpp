// Two SqliteStore objects on one file, as two processes would have: row-version conflicts, job
// leases and ids across them, and what a writer sees while another holds the file too long.
#include <SQLiteCpp/Database.h>

#include <algorithm>
#include <barrier>
#include <catch2/catch.hpp>
#include <set>
#include <thread>
#include <vector>

#include "sqlite_fixture.hpp"

namespace crmflow {
namespace {

using test::at;
using test::TempDir;

TEST_CASE("a stale change from a second store is a conflict and writes nothing", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  auto a = test::open_store(path);
  auto b = test::open_store(path);
  REQUIRE(a->commit(test::new_case(1)).ok());

  auto seen_by_b = b->load_case(1);
  REQUIRE(seen_by_b.ok());
  CaseChange from_a = test::update_of(*seen_by_b);
  from_a.record.key = "from a";
  REQUIRE(a->commit(from_a).ok());

  CaseChange from_b = test::update_of(*seen_by_b);  // expects row version 1; it is 2 now
  from_b.record.key = "from b";
  from_b.jobs_added.push_back(test::due_job(7, 1, at(1)));
  from_b.tasks.push_back(test::open_task(3, 1));
  auto refused = b->commit(from_b);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::conflict);
  CHECK_THAT(refused.error().message, Catch::Contains("case 1") && Catch::Contains("changed"));
  CHECK(a->load_case(1)->key == "from a");
  CHECK(a->load_case(1)->row_version == 2);
  CHECK_FALSE(a->next_due_job(at(5))->has_value());
  CHECK(a->load_task(3).error().code == ErrorCode::not_found);
}

TEST_CASE("a new case id taken by another store is a conflict", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  auto a = test::open_store(path);
  auto b = test::open_store(path);
  REQUIRE(a->commit(test::new_case(4)).ok());
  auto twice = b->commit(test::new_case(4));
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().code == ErrorCode::conflict);
  CHECK_THAT(twice.error().message, Catch::Contains("case 4 already exists"));
}

TEST_CASE("a linked case that moved refuses the whole change", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  auto a = test::open_store(path);
  auto b = test::open_store(path);
  REQUIRE(a->commit(test::new_case(1)).ok());
  REQUIRE(a->commit(test::new_case(2)).ok());
  const CaseRecord parent = *b->load_case(1);
  const CaseRecord child = *b->load_case(2);
  REQUIRE(a->commit(test::update_of(child)).ok());  // the child moves on in process a

  CaseChange change = test::update_of(parent);
  change.record.key = "parent changed";
  change.linked.push_back(test::update_of(child));
  auto refused = b->commit(change);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::conflict);
  CHECK_THAT(refused.error().message, Catch::Contains("case 2"));
  CHECK(a->load_case(1)->key.empty());  // the parent, whose version was right, was not written
}

TEST_CASE("a job leased in one store is held in the other until the lease runs out", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  auto a = test::open_store(path);
  auto b = test::open_store(path);
  CaseChange change = test::new_case(1);
  change.jobs_added.push_back(test::due_job(8, 1, at(0)));
  REQUIRE(a->commit(change).ok());

  REQUIRE(a->lease_job(8, at(1), at(6)).ok());
  auto held = b->lease_job(8, at(2), at(7));
  REQUIRE_FALSE(held.ok());
  CHECK(held.error().code == ErrorCode::conflict);
  CHECK_THAT(held.error().message, Catch::Contains("job 8"));
  CHECK_FALSE(b->next_due_job(at(5))->has_value());  // leased past 5
  REQUIRE(b->next_due_job(at(6))->has_value());      // the lease ran out at 6
  REQUIRE(b->lease_job(8, at(6), at(9)).ok());       // a worker that died is taken over
  CHECK((*a->next_due_job(at(9)))->leased_until == at(9));

  CaseChange done = test::update_of(*a->load_case(1));
  done.jobs_removed.push_back(8);
  REQUIRE(a->commit(done).ok());
  auto gone = b->lease_job(8, at(10), at(11));
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().code == ErrorCode::not_found);
}

TEST_CASE("ids from two stores on one file increase and never repeat", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  auto a = test::open_store(path);
  auto b = test::open_store(path);
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 20; ++i) {
    ids.push_back(*(i % 3 == 0 ? b : a)->allocate_id(IdKind::job_id));
  }
  for (std::size_t i = 1; i < ids.size(); ++i) CHECK(ids[i] == ids[i - 1] + 1);
}

TEST_CASE("threads sharing one store and a second store never hand out one id twice", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  auto a = test::open_store(path);
  auto b = test::open_store(path);
  std::vector<std::vector<std::uint64_t>> taken(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < taken.size(); ++t) {
    threads.emplace_back([&, t] {
      SqliteStore& store = t % 2 == 0 ? *a : *b;
      for (int i = 0; i < 50; ++i) {
        auto id = store.allocate_id(IdKind::task_id);
        if (id) taken[t].push_back(*id);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<std::uint64_t> all;
  for (const auto& ids : taken) {
    CHECK(ids.size() == 50);
    for (std::size_t i = 1; i < ids.size(); ++i) CHECK(ids[i] > ids[i - 1]);
    all.insert(ids.begin(), ids.end());
  }
  CHECK(all.size() == 200);
  CHECK(*all.rbegin() == 200);
}

TEST_CASE("stores opening a new file at the same moment all create and use it", "[sqlite]") {
  TempDir dir;
  for (int round = 0; round < 10; ++round) {
    const std::string path = dir.file("new-" + std::to_string(round) + ".db");
    constexpr int kOpeners = 4;
    std::barrier start{kOpeners};
    std::vector<std::string> errors(kOpeners);
    std::vector<std::uint64_t> ids(kOpeners);
    std::vector<std::thread> threads;
    for (int t = 0; t < kOpeners; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        auto store = SqliteStore::open(path);
        if (!store) {
          errors[t] = store.error().message;
          return;
        }
        auto id = (*store)->allocate_id(IdKind::case_id);
        if (id) ids[t] = *id;
        if (!id) errors[t] = id.error().message;
      });
    }
    for (std::thread& t : threads) t.join();
    for (const std::string& error : errors) CHECK(error.empty());
    std::sort(ids.begin(), ids.end());
    CHECK(ids == std::vector<std::uint64_t>{1, 2, 3, 4});
  }
}

TEST_CASE("a writer that waits past busy_timeout gets unavailable, not 'database is locked'",
          "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  auto store = test::open_store(path, {.busy_timeout = std::chrono::milliseconds{150}});
  REQUIRE(store->commit(test::new_case(1)).ok());

  auto other = test::raw_connection(path);
  other.exec("BEGIN IMMEDIATE");  // another process holds the write lock
  auto id = store->allocate_id(IdKind::case_id);
  REQUIRE_FALSE(id.ok());
  CHECK(id.error().code == ErrorCode::unavailable);
  CHECK_THAT(id.error().message, Catch::Contains("database '" + path + "' is busy") &&
                                     Catch::Contains("more than 150ms"));
  CHECK_THAT(id.error().message, !Catch::Contains("locked"));

  auto commit = store->commit(test::update_of(*store->load_case(1)));  // reads still work
  REQUIRE_FALSE(commit.ok());
  CHECK(commit.error().code == ErrorCode::unavailable);
  CHECK_THAT(commit.error().message, Catch::Contains("is busy"));
  auto lease = store->lease_job(1, at(0), at(1));
  CHECK(lease.error().code == ErrorCode::unavailable);

  other.exec("COMMIT");
  CHECK(*store->allocate_id(IdKind::case_id) == 1);  // the refused calls took nothing
  CHECK(store->commit(test::update_of(*store->load_case(1))).ok());
}

TEST_CASE("opening waits for a migration in another process and fails past the timeout",
          "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  auto other = test::raw_connection(path);
  other.exec("BEGIN EXCLUSIVE");  // holds even readers off (what a migration in progress does)
  auto store = SqliteStore::open(path, {.busy_timeout = std::chrono::milliseconds{100}});
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().code == ErrorCode::unavailable);
  CHECK_THAT(store.error().message, Catch::Contains("is busy"));
  other.exec("ROLLBACK");
  CHECK(SqliteStore::open(path).ok());
}

}  // namespace
}  // namespace crmflow
