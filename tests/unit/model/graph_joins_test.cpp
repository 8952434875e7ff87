// The rule that a parallel join must be able to fire, on hand-built Definitions: the shapes it
// rejects, and valid shapes it must leave alone.
#include <catch2/catch.hpp>

#include "graph_fixture.hpp"
#include "model/graph_check.hpp"

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

TEST_CASE("a parallel split joined by a parallel join is valid", "[joins]") {
  GraphFixture p;
  p.step("split", T::parallel).to({"a", "b"});
  p.step("a", T::user).to({"join"});
  p.step("b", T::user).to({"join"});
  p.step("join", T::parallel);
  p.step("done", T::end);
  CHECK(check(p).empty());
}

TEST_CASE("the branches of one exclusive gateway cannot feed a parallel join", "[joins]") {
  GraphFixture p;
  p.step("start", T::start);
  p.step("choose", T::exclusive).to({"a", "b"}).with_default();
  p.step("a", T::user).to({"join"});
  p.step("b", T::user).to({"join"});
  p.step("join", T::parallel);
  p.step("done", T::end);
  auto d = check(p);
  REQUIRE(d.size() == 1);
  CHECK(d[0].line == 5);
  CHECK(d[0].column == 3);
  CHECK(contains(d[0].message,
                 "parallel join 'join' can never fire: its incoming flows from 'a' and 'b' are "
                 "reached only through exclusive gateway 'choose' (line 2), which takes one way "
                 "out only"));
}

TEST_CASE("the waits of one event gateway cannot feed a parallel join", "[joins]") {
  GraphFixture p;
  p.step("race", T::event).to({"reply", "timeout"});
  p.step("reply", T::wait).to({"join"});
  p.step("timeout", T::wait).to({"join"});
  p.step("join", T::parallel);
  auto d = check(p);
  REQUIRE(d.size() == 1);
  CHECK(contains(d[0].message, "through event gateway 'race' (line 1)"));
}

TEST_CASE("conditional branches and interrupting boundaries of a task exclude each other",
          "[joins]") {
  GraphFixture branches;
  branches.step("task", T::user).to({"a", "b"}).with_default();
  branches.step("a", T::send).to({"join"});
  branches.step("b", T::send).to({"join"});
  branches.step("join", T::parallel);
  auto d = check(branches);
  REQUIRE(d.size() == 1);
  CHECK(contains(d[0].message, "through step 'task' (line 1)"));

  GraphFixture boundary;
  boundary.step("task", T::user).to({"join"}).on("late");
  boundary.step("late", T::send).to({"join"});
  boundary.step("join", T::parallel);
  d = check(boundary);
  REQUIRE(d.size() == 1);
  CHECK(contains(d[0].message, "from 'task' and 'late'"));
}

TEST_CASE("a non-interrupting boundary starts a branch that may join the step's own", "[joins]") {
  GraphFixture p;
  p.step("task", T::user).to({"join"}).on("remind", false);
  p.step("remind", T::send).to({"join"});
  p.step("join", T::parallel);
  CHECK(check(p).empty());
}

TEST_CASE("an exclusive gateway inside one parallel branch leaves the join alone", "[joins]") {
  GraphFixture p;
  p.step("split", T::parallel).to({"a", "b"});
  p.step("a", T::exclusive).to({"a1", "a2"}).with_default();
  p.step("a1", T::user).to({"merge"});
  p.step("a2", T::user).to({"merge"});
  p.step("merge", T::exclusive).to({"join"});
  p.step("b", T::user).to({"join"});
  p.step("join", T::parallel);
  CHECK(check(p).empty());
}

TEST_CASE("an exclusive gateway in a branch that feeds the join twice is an error", "[joins]") {
  // split -> a -> choose -> {x, y} -> join; split -> b -> join. join needs x, y and b.
  GraphFixture p;
  p.step("split", T::parallel).to({"choose", "b"});
  p.step("choose", T::exclusive).to({"x", "y"}).with_default();
  p.step("x", T::user).to({"join"});
  p.step("y", T::user).to({"join"});
  p.step("b", T::user).to({"join"});
  p.step("join", T::parallel);
  auto d = check(p);
  REQUIRE(d.size() == 1);
  CHECK(contains(d[0].message, "from 'x' and 'y'"));
}

TEST_CASE("a parallel or inclusive split between the gateway and the join makes it valid",
          "[joins]") {
  for (T split : {T::parallel, T::inclusive}) {
    GraphFixture p;
    p.step("choose", T::exclusive).to({"fork", "skip"}).with_default();
    p.step("fork", split).to({"a", "b"});
    p.step("a", T::user).to({"join"});
    p.step("b", T::user).to({"join"});
    p.step("join", T::parallel).to({"done"});
    p.step("skip", T::user);
    p.step("done", T::end);
    CHECK(check(p).empty());
  }
}

TEST_CASE("an inclusive split into a parallel join is accepted", "[joins]") {
  GraphFixture p;
  p.step("pick", T::inclusive).to({"a", "b"});
  p.step("a", T::user).to({"join"});
  p.step("b", T::user).to({"join"});
  p.step("join", T::parallel);
  CHECK(check(p).empty());
}

TEST_CASE("a gateway two tokens can pass at once does not prove anything", "[joins]") {
  // Both branches of the split reach `choose`: one token may go left, the other right.
  GraphFixture p;
  p.step("split", T::parallel).to({"a", "b"});
  p.step("a", T::user).to({"choose"});
  p.step("b", T::user).to({"choose"});
  p.step("choose", T::exclusive).to({"x", "y"});
  p.step("x", T::user).to({"join"});
  p.step("y", T::user).to({"join"});
  p.step("join", T::parallel);
  CHECK(check(p).empty());
}

TEST_CASE("a split that loops back to the gateway lets two tokens pass it", "[joins]") {
  // choose -> x -> fork -> {join, choose}: the second token may take y.
  GraphFixture p;
  p.step("choose", T::exclusive).to({"x", "y"});
  p.step("x", T::user).to({"fork"});
  p.step("fork", T::parallel).to({"wait-x", "choose"});
  p.step("wait-x", T::user).to({"join"});
  p.step("y", T::user).to({"join"});
  p.step("join", T::parallel);
  CHECK(check(p).empty());
}

TEST_CASE("a loop through the gateway without a split still gives one token", "[joins]") {
  // choose -> retry -> choose is a loop of one token: x and y are never both reached.
  GraphFixture p;
  p.step("choose", T::exclusive).to({"x", "y", "retry"}).with_default();
  p.step("retry", T::user).to({"choose"});
  p.step("x", T::user).to({"join"});
  p.step("y", T::user).to({"join"});
  p.step("join", T::parallel);
  auto d = check(p);
  REQUIRE(d.size() == 1);
  CHECK(contains(d[0].message, "parallel join 'join' can never fire"));
}

TEST_CASE("a non-interrupting cycle timer leading to the gateway lets tokens pass it twice",
          "[joins]") {
  GraphFixture p;
  p.step("task", T::user).to({"done"}).on("choose", false);
  p.step("choose", T::exclusive).to({"x", "y"});
  p.step("x", T::user).to({"join"});
  p.step("y", T::user).to({"join"});
  p.step("join", T::parallel).stop();
  p.step("done", T::end);
  CHECK(check(p).empty());
}

TEST_CASE("a join fed by one gateway's branch and by a token that bypasses it is valid",
          "[joins]") {
  GraphFixture p;
  p.step("split", T::parallel).to({"choose", "other"});
  p.step("choose", T::exclusive).to({"x", "end-early"});
  p.step("x", T::user).to({"join"});
  p.step("other", T::user).to({"join"});
  p.step("join", T::parallel).stop();
  p.step("end-early", T::end);
  CHECK(check(p).empty());
}

TEST_CASE("joins inside a subprocess are checked against gateways of that subprocess", "[joins]") {
  GraphFixture p;
  p.step("split", T::parallel).to({"sub", "b"});
  p.subprocess("sub", [&] {
     p.step("choose", T::exclusive).to({"x", "y"});
     p.step("x", T::user).to({"join"});
     p.step("y", T::user).to({"join"});
     p.step("join", T::parallel);
   }).to({"outer-join"});
  p.step("b", T::user).to({"outer-join"});
  p.step("outer-join", T::parallel);
  auto d = check(p);
  REQUIRE(d.size() == 1);
  CHECK(d[0].line == 6);
  CHECK(contains(d[0].message, "parallel join 'join'"));
}

TEST_CASE("each join is reported once even when several gateways prove it", "[joins]") {
  GraphFixture p;
  p.step("first", T::exclusive).to({"second", "z"});
  p.step("second", T::exclusive).to({"x", "y"});
  p.step("x", T::user).to({"join"});
  p.step("y", T::user).to({"join"});
  p.step("z", T::user).to({"join"});
  p.step("join", T::parallel);
  auto d = check(p);
  REQUIRE(d.size() == 1);
  CHECK(contains(d[0].message, "through exclusive gateway 'first'"));
}

}  // namespace
}  // namespace crmflow::model
