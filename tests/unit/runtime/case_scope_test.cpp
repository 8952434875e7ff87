// The `case` value and the multi-instance locals a token reads: built once in
// runtime/case_scope.hpp for both the token machine and Engine::waiting.
#include "runtime/case_scope.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <initializer_list>
#include <utility>
#include <vector>

namespace crmflow::test {
namespace {

using runtime::add_scope_locals;
using runtime::case_value;

Value object(std::initializer_list<std::pair<const char*, Value>> members) {
  Value out = Value::Object{};
  for (const auto& [name, value] : members) out.set(name, value);
  return out;
}

ScopeInstance instance(ScopeId id, ScopeId parent, Value locals) {
  return ScopeInstance{.id = id, .parent = parent, .instance = true, .locals = std::move(locals)};
}

TEST_CASE("case value: id, key, process, initiator and started_at of the record",
          "[runtime][case_scope]") {
  CaseRecord record;
  record.id = 42;
  record.key = "ACME-7";
  record.process_id = "onboarding";
  record.initiator = "reza";
  record.started_at = Instant{std::chrono::seconds{1'700'000'000}};
  const Value kase = case_value(record);
  REQUIRE(kase.size() == 5);
  CHECK(kase["id"].as_integer() == 42);
  CHECK(kase["key"].as_string() == "ACME-7");
  CHECK(kase["process"].as_string() == "onboarding");
  CHECK(kase["initiator"].as_string() == "reza");
  CHECK(kase["started_at"].as_datetime() == DateTime{record.started_at, 0});
}

TEST_CASE("scope locals: inner instances hide outer names; plain subprocess scopes add none",
          "[runtime][case_scope]") {
  // 3 (instance) inside 2 (a subprocess, not an instance) inside 1 (instance) inside the root.
  std::vector<ScopeInstance> scopes;
  scopes.push_back(instance(1, 0, object({{"item", Value{"outer"}}, {"round", Value{1}}})));
  scopes.push_back(ScopeInstance{.id = 2, .parent = 1, .locals = object({{"hidden", Value{1}}})});
  scopes.push_back(instance(3, 2, object({{"item", Value{"inner"}}})));

  Value out = Value::Object{};
  add_scope_locals(scopes, 3, out);
  CHECK(out == object({{"item", Value{"inner"}}, {"round", Value{1}}}));

  Value from_outer = Value::Object{};
  add_scope_locals(scopes, 2, from_outer);
  CHECK(from_outer == object({{"item", Value{"outer"}}, {"round", Value{1}}}));
}

TEST_CASE("scope locals: the root scope and an unknown scope add nothing; names already set stay",
          "[runtime][case_scope]") {
  std::vector<ScopeInstance> scopes;
  scopes.push_back(instance(1, 0, object({{"item", Value{"a"}}})));

  Value root = Value::Object{};
  add_scope_locals(scopes, 0, root);
  CHECK(root.size() == 0);

  Value unknown = Value::Object{};
  add_scope_locals(scopes, 9, unknown);
  CHECK(unknown.size() == 0);

  Value preset = object({{"item", Value{"caller"}}});
  add_scope_locals(scopes, 1, preset);
  CHECK(preset == object({{"item", Value{"caller"}}}));
}

}  // namespace
}  // namespace crmflow::test
