// check_graph on hand-built Definitions: reachability, ends, closed cycles, event gateways,
// flows across a subprocess's border. Parallel joins are in graph_joins_test.cpp.
#include "model/graph_check.hpp"

#include <catch2/catch.hpp>

#include "graph_fixture.hpp"

namespace crmflow::model {
namespace {

using testing::GraphFixture;
using T = StepType;

std::vector<Diagnostic> check(const GraphFixture& fixture) {
  std::vector<Diagnostic> out;
  check_graph(fixture.build(), out);
  return out;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("a straight line and a line without end step are valid", "[graph]") {
  GraphFixture p;
  p.step("a", T::start);
  p.step("b", T::user);
  p.step("c", T::service);
  CHECK(check(p).empty());
}

TEST_CASE("the spec's example shape is valid", "[graph]") {
  GraphFixture p;
  p.step("reception", T::user);
  p.step("diagnose", T::user);
  p.step("needs-approval", T::exclusive).to({"ask-customer", "repair"}).with_default();
  p.step("ask-customer", T::send);
  p.step("wait-reply", T::event).to({"customer-replied", "no-reply"});
  p.step("customer-replied", T::wait).to({"repair", "return-unrepaired"}).with_default();
  p.step("no-reply", T::wait).to({"return-unrepaired"});
  p.step("repair", T::user).on("apologise", false);
  p.step("deliver", T::user).to({"done"});
  p.step("apologise", T::send).to({"apology-sent"});
  p.step("apology-sent", T::end);
  p.step("return-unrepaired", T::user).to({"done"});
  p.step("done", T::end);
  CHECK(check(p).empty());
}

TEST_CASE("a step no flow leads to is reported at its place", "[graph]") {
  GraphFixture p;
  p.step("a", T::user).to({"c"});
  p.step("b", T::user);
  p.step("c", T::end);
  auto d = check(p);
  REQUIRE(d.size() == 1);
  CHECK(d[0].file == "test.yaml");
  CHECK(d[0].line == 2);
  CHECK(d[0].column == 3);
  CHECK(contains(d[0].message, "step 'b' cannot be reached from the first step 'a'"));
}

TEST_CASE("a step reached only through a boundary event is reachable", "[graph]") {
  GraphFixture p;
  p.step("a", T::user).to({"done"}).on("late");
  p.step("late", T::send).to({"done"});
  p.step("done", T::end);
  CHECK(check(p).empty());
}

TEST_CASE("steps inside a subprocess are reached from its first step", "[graph]") {
  GraphFixture p;
  p.step("a", T::user);
  p.subprocess("sub", [&] {
    p.step("in1", T::user).to({"in3"});
    p.step("in2", T::user);
    p.step("in3", T::end);
  });
  p.step("z", T::end);
  auto d = check(p);
  REQUIRE(d.size() == 1);
  CHECK(d[0].line == 4);
  CHECK(contains(d[0].message,
                 "step 'in2' cannot be reached from 'in1', the first step of "
                 "subprocess 'sub'"));
}

TEST_CASE("an unreachable subprocess is reported once, not each step inside", "[graph]") {
  GraphFixture p;
  p.step("a", T::user).to({"z"});
  p.subprocess("sub", [&] {
     p.step("in1", T::user);
     p.step("in2", T::user);
   }).to({"z"});
  p.step("z", T::end);
  auto d = check(p);
  REQUIRE(d.size() == 1);
  CHECK(contains(d[0].message, "step 'sub' cannot be reached"));
}

TEST_CASE("a nested subprocess is valid", "[graph]") {
  GraphFixture p;
  p.step("a", T::user);
  p.subprocess("outer", [&] {
     p.step("o1", T::user);
     p.subprocess("inner", [&] {
       p.step("i1", T::user);
       p.step("i2", T::end);
     });
     p.step("o2", T::user);
   }).on("cancelled");
  p.step("z", T::end);
  p.step("cancelled", T::end);
  CHECK(check(p).empty());
}

TEST_CASE("a loop with an exit is valid", "[graph]") {
  GraphFixture p;
  p.step("a", T::user);
  p.step("check", T::exclusive).to({"fix", "done"}).with_default();
  p.step("fix", T::user).to({"a"});
  p.step("done", T::end);
  CHECK(check(p).empty());
}

TEST_CASE("a loop whose only exit is a boundary event is valid", "[graph]") {
  GraphFixture p;
  p.step("a", T::user).to({"b"}).on("out");
  p.step("b", T::user).to({"a"});
  p.step("out", T::end);
  CHECK(check(p).empty());
}

TEST_CASE("a cycle that no flow leaves is reported once, at its first step", "[graph]") {
  GraphFixture p;
  p.step("start", T::start);
  p.step("b", T::user);
  p.step("c", T::user);
  p.step("d", T::exclusive).to({"b", "c"});
  auto d = check(p);
  REQUIRE(d.size() == 2);
  // The cycle, at 'b' (line 2), and the step that leads only into it.
  CHECK(d[0].line == 1);
  CHECK(contains(d[0].message,
                 "no end can be reached from step 'start': every path from it runs "
                 "into the cycle of 'b', 'c', 'd', which no flow leaves"));
  CHECK(d[1].line == 2);
  CHECK(contains(d[1].message, "steps 'b', 'c', 'd' form a cycle that no flow leaves"));
}

TEST_CASE("a step that flows only to itself is a cycle", "[graph]") {
  GraphFixture p;
  p.step("a", T::user).to({"a"});
  auto d = check(p);
  REQUIRE(d.size() == 1);
  CHECK(contains(d[0].message, "step 'a' leads only back to itself"));
}

TEST_CASE("two separate closed cycles are each reported", "[graph]") {
  GraphFixture p;
  p.step("g", T::exclusive).to({"a", "c"});
  p.step("a", T::user).to({"b"});
  p.step("b", T::user).to({"a"});
  p.step("c", T::user).to({"c"});
  auto d = check(p);
  REQUIRE(d.size() == 3);
  CHECK(contains(d[0].message, "no end can be reached from step 'g'"));
  CHECK(contains(d[0].message, "cycle of 'a', 'b'"));
  CHECK(contains(d[1].message, "steps 'a', 'b' form a cycle"));
  CHECK(contains(d[2].message, "step 'c' leads only back to itself"));
}

TEST_CASE("a cycle inside a subprocess is checked within the subprocess", "[graph]") {
  GraphFixture p;
  p.subprocess("sub", [&] {
    p.step("x", T::user);
    p.step("y", T::user).to({"x"});
  });
  p.step("z", T::end);
  auto d = check(p);
  REQUIRE(d.size() == 1);
  CHECK(d[0].line == 2);
  CHECK(contains(d[0].message, "steps 'x', 'y' form a cycle"));
}

TEST_CASE("a long cycle lists eight steps and counts the rest", "[graph]") {
  GraphFixture p;
  for (int i = 0; i < 10; ++i) p.step("s" + std::to_string(i), T::user);
  p.step("back", T::set).to({"s0"});
  auto d = check(p);
  REQUIRE(d.size() == 1);
  CHECK(contains(d[0].message, "'s7' and 3 more form a cycle"));
}

TEST_CASE("an event gateway leads only to wait steps", "[graph]") {
  GraphFixture p;
  p.step("race", T::event).to({"reply", "call"});
  p.step("reply", T::wait).to({"done"});
  p.step("call", T::user).to({"done"});
  p.step("done", T::end);
  auto d = check(p);
  REQUIRE(d.size() == 1);
  CHECK(d[0].line == 1);
  CHECK(d[0].column == 11);  // the second `next` entry
  CHECK(contains(d[0].message,
                 "event gateway 'race' leads to 'call', a user step: an event gateway may only "
                 "lead to wait steps"));
}

TEST_CASE("an event gateway with one wait step is accepted; with none it is not", "[graph]") {
  GraphFixture one;
  one.step("race", T::event).to({"w"});
  one.step("w", T::wait);
  CHECK(check(one).empty());

  GraphFixture none;
  none.step("a", T::user);
  none.step("race", T::event);
  auto d = check(none);
  REQUIRE(d.size() == 1);
  CHECK(d[0].line == 2);
  CHECK(contains(d[0].message, "event gateway 'race' has no next"));
}

TEST_CASE("a flow may not leave or enter a subprocess", "[graph]") {
  GraphFixture p;
  p.step("a", T::user).to({"in2", "sub"});
  p.subprocess("sub", [&] {
    p.step("in1", T::user).to({"z"});
    p.step("in2", T::end);
  });
  p.step("z", T::end);
  auto d = check(p);
  REQUIRE(d.size() == 3);
  CHECK(d[0].line == 1);
  CHECK(d[0].column == 10);
  CHECK(contains(d[0].message,
                 "step 'a' cannot lead to 'in2' inside subprocess 'sub': a flow "
                 "cannot enter a subprocess; lead to 'sub' itself"));
  CHECK(d[1].line == 3);
  CHECK(contains(d[1].message, "step 'in1' inside subprocess 'sub' cannot lead to 'z' outside it"));
  // in2 is reached only through the refused flow.
  CHECK(d[2].line == 4);
  CHECK(contains(d[2].message, "step 'in2' cannot be reached from 'in1'"));
}

TEST_CASE("a boundary flow of a subprocess stays in the subprocess's scope", "[graph]") {
  GraphFixture p;
  p.subprocess("sub", [&] {
     p.step("in1", T::user);
     p.step("in2", T::end);
   }).on("in2");
  auto d = check(p);
  REQUIRE(d.size() == 1);
  CHECK(contains(d[0].message, "a boundary event of step 'sub' cannot lead to 'in2'"));
}

TEST_CASE("every problem is reported, in file order", "[graph]") {
  GraphFixture p;
  p.step("a", T::user).to({"z"});
  p.step("lost", T::user).to({"lost"});
  p.step("race", T::event).to({"z"});
  p.step("z", T::end);
  auto d = check(p);
  REQUIRE(d.size() == 4);
  CHECK(d[0].line == 2);
  CHECK(d[1].line == 2);
  CHECK(d[2].line == 3);
  CHECK(d[3].line == 3);
  CHECK(contains(d[0].message + d[1].message, "cannot be reached"));
  CHECK(contains(d[0].message + d[1].message, "leads only back to itself"));
}

TEST_CASE("an empty definition has no graph problem", "[graph]") {
  std::vector<Diagnostic> out;
  check_graph(Definition{}, out);
  CHECK(out.empty());
}

}  // namespace
}  // namespace crmflow::model
