// The stores the conformance suite runs against, each behind a factory that makes a fresh, empty
// one. A new store (PostgreSQL) joins the suite by adding its factories in store_factory.cpp
// (docs/store-conformance.md).
//
//   TEST_CASE("...", "[jobs]") {
//     CRMFLOW_FOR_EACH_STORE(sut);      // the rest runs once per store, failures name it
//     Store& store = sut->store();
//     ... write ...
//     sut->reopen();                    // durable stores: read through a newly opened store
//     ... read through sut->store() ...
//   }
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "crmflow/store.hpp"

namespace crmflow::conformance {

// One store under test, fresh and empty when made.
class StoreUnderTest {
 public:
  virtual ~StoreUnderTest() = default;

  // The store to call. The reference is valid until the next reopen().
  virtual Store& store() = 0;

  // Closes the store and opens it again on the same data, so that what follows reads what a
  // new process would find (durability). Stores that are not reopened ("memory", "sqlite") do
  // nothing: the same tests then check them without a restart.
  virtual void reopen() = 0;

  // A second store object on the same data, as another process (or another engine) would open
  // it: for the tests of concurrent writers. A store that cannot be opened twice returns store().
  // The reference is valid until the next reopen(). May be called from several threads at once.
  virtual Store& peer() = 0;
};

struct StoreFactory {
  std::string name;  // "memory", "sqlite", "sqlite-reopened", ...
  std::function<std::unique_ptr<StoreUnderTest>()> make;
};

// Every store the suite runs against. The environment variable CRMFLOW_CONFORMANCE_STORES (a
// comma-separated list of names) narrows it, e.g. to debug one store.
const std::vector<StoreFactory>& store_factories();

// A fresh store of the factory the running test case is at: with Catch2's GENERATE, each test
// case that calls it runs once per factory. Use it through CRMFLOW_FOR_EACH_STORE.
std::unique_ptr<StoreUnderTest> make_each_store(std::string& name);

}  // namespace crmflow::conformance

// Declares `sut` (std::unique_ptr<StoreUnderTest>) and runs the rest of the test case once for
// every store, naming the store in every failure message.
#define CRMFLOW_FOR_EACH_STORE(sut)                                     \
  std::string sut##_name;                                               \
  const auto sut = ::crmflow::conformance::make_each_store(sut##_name); \
  INFO("store: " << sut##_name)
