// Marking a case on a drawing (draw::resolve_marks and the marked dot and Mermaid text): which
// steps are active or passed, and which flows the case took, judged from Case::path's order.
#include <catch2/catch.hpp>

#include "crmflow/process.hpp"
#include "graph_fixture.hpp"
#include "model/draw.hpp"

namespace crmflow::model {
namespace {

using testing::GraphFixture;
using T = StepType;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

FlowIndex flow(const Definition& d, const std::string& from, const std::string& to) {
  for (FlowIndex f = 0; f < d.flows.size(); ++f) {
    if (d.steps[d.flows[f].from].id == from && d.steps[d.flows[f].to].id == to) return f;
  }
  FAIL("no flow " << from << " -> " << to);
  return 0;
}

// The flows marked taken, as "from>to", in flow order.
std::vector<std::string> taken(const Definition& d, const CaseMarks& marks) {
  draw::Marks resolved = draw::resolve_marks(d, &marks);
  REQUIRE(resolved.flows.size() == d.flows.size());
  std::vector<std::string> out;
  for (FlowIndex f = 0; f < d.flows.size(); ++f) {
    if (resolved.flows[f]) {
      out.push_back(d.steps[d.flows[f].from].id + ">" + d.steps[d.flows[f].to].id);
    }
  }
  return out;
}

using Names = std::vector<std::string>;

// start -> submit -> check (X): back to submit when not ok, else done.
Definition review() {
  GraphFixture p;
  p.step("start", T::start);
  p.step("submit", T::user);
  p.step("check", T::exclusive).to({"submit", "done"}).with_default();
  p.step("done", T::end);
  return p.build();
}

// fork (+) -> a, b -> join (+) -> end.
Definition diamond() {
  GraphFixture p;
  p.step("fork", T::parallel).to({"a", "b"});
  p.step("a", T::user).to({"join"});
  p.step("b", T::user).to({"join"});
  p.step("join", T::parallel);
  p.step("end", T::end);
  return p.build();
}

TEST_CASE("marks: a loop's back flow is taken only when the case went back", "[draw][marks]") {
  Definition d = review();
  CHECK(taken(d, {.active = {}, .passed = {"start", "submit", "check", "done"}}) ==
        Names{"start>submit", "submit>check", "check>done"});
  CHECK(
      taken(d, {.active = {}, .passed = {"start", "submit", "check", "submit", "check", "done"}}) ==
      Names{"start>submit", "submit>check", "check>submit", "check>done"});
  // Back at submit now: the back flow brought it there; done is not reached.
  CHECK(taken(d, {.active = {"submit"}, .passed = {"start", "submit", "check"}}) ==
        Names{"start>submit", "submit>check", "check>submit"});
}

TEST_CASE("marks: parallel branches each take their flows; a join counts every arrival",
          "[draw][marks]") {
  Definition d = diamond();
  CHECK(taken(d, {.active = {}, .passed = {"fork", "a", "b", "join", "end"}}) ==
        Names{"fork>a", "fork>b", "a>join", "b>join", "join>end"});
  // a arrived at the join, b still works: the join holds one token.
  CHECK(taken(d, {.active = {"b", "join"}, .passed = {"fork", "a"}}) ==
        Names{"fork>a", "fork>b", "a>join"});
}

TEST_CASE("marks: a skipped branch is not taken although both its ends were reached",
          "[draw][marks]") {
  GraphFixture p;
  p.step("x", T::exclusive).to({"p", "q"}).with_default();
  p.step("p", T::user).to({"q"});
  p.step("q", T::user);
  p.step("end", T::end);
  Definition d = p.build();
  CHECK(taken(d, {.active = {}, .passed = {"x", "p", "q", "end"}}) == Names{"x>p", "p>q", "q>end"});
  CHECK(taken(d, {.active = {}, .passed = {"x", "q", "end"}}) == Names{"x>q", "q>end"});
}

TEST_CASE("marks: a boundary flow is taken when its step and its target were reached",
          "[draw][marks]") {
  GraphFixture p;
  p.step("work", T::user).to({"done"}).on("remind", false).on("escalate", true);
  p.step("remind", T::user).to({"done"});
  p.step("escalate", T::user).to({"done"});
  p.step("done", T::end);
  Definition d = p.build();
  // The non-interrupting reminder fired while work goes on.
  CHECK(taken(d, {.active = {"remind", "work"}, .passed = {}}) == Names{"work>remind"});
  // An interrupted step is not in the path: its boundary flow cannot be told, and is not marked.
  CHECK(taken(d, {.active = {"escalate"}, .passed = {}}).empty());
}

TEST_CASE("marks: unknown ids are ignored; active wins over passed", "[draw][marks]") {
  Definition d = review();
  CaseMarks marks{.active = {"submit", "gone"}, .passed = {"start", "submit", "check", "old"}};
  draw::Marks resolved = draw::resolve_marks(d, &marks);
  CHECK(resolved.steps == std::vector<draw::Mark>{draw::Mark::passed, draw::Mark::active,
                                                  draw::Mark::passed, draw::Mark::none});
  CHECK(resolved.flows[flow(d, "check", "submit")]);
  CHECK_FALSE(resolved.flows[flow(d, "check", "done")]);
}

TEST_CASE("marks: the dot and Mermaid text of a marked loop", "[draw][marks]") {
  Definition d = review();
  CaseMarks marks{.active = {"submit"}, .passed = {"start", "submit", "check"}};
  draw::Marks resolved = draw::resolve_marks(d, &marks);

  std::string dot = draw::draw_dot(d, resolved);
  CHECK(contains(dot,
                 "\"submit\" [shape=box, label=\"submit\\nuser\", fillcolor=\"#ffe082\", "
                 "color=\"#e65100\", style=\"rounded,filled,bold\"];"));
  CHECK(contains(dot,
                 "\"check\" [shape=diamond, label=\"X\", xlabel=\"check\", fillcolor=\"#e0e0e0\", "
                 "style=\"filled\"];"));
  CHECK(contains(dot, "\"check\" -> \"submit\" [color=\"#616161\", penwidth=2];"));
  CHECK(contains(dot, "\"check\" -> \"done\" [label=\"default\"];"));
  CHECK(contains(dot,
                 "\"done\" [shape=circle, width=0.3, fixedsize=true, penwidth=2, label=\"\", "
                 "xlabel=\"done\"];"));

  std::string mermaid = draw::draw_mermaid(d, resolved);
  CHECK(contains(mermaid, "  classDef active fill:#ffe082,stroke:#e65100,stroke-width:2px\n"));
  CHECK(contains(mermaid, "  class submit active\n"));
  CHECK(contains(mermaid, "  class start,check passed\n"));
  // Links in flow order: start>submit 0, submit>check 1, check>submit 2, check>done 3.
  CHECK(contains(mermaid, "  linkStyle 0,1,2 stroke:#616161,stroke-width:3px\n"));
}

TEST_CASE("marks: no case draws exactly the plain picture", "[draw][marks]") {
  Definition d = diamond();
  CHECK_FALSE(draw::resolve_marks(d, nullptr).any());
  std::string dot = draw::draw_dot(d, draw::resolve_marks(d, nullptr));
  CHECK(dot == draw::draw_dot(d, {}));
  CHECK_FALSE(contains(dot, "filled"));
  CHECK_FALSE(contains(dot, "penwidth=2]"));
  std::string mermaid = draw::draw_mermaid(d, {});
  CHECK_FALSE(contains(mermaid, "classDef"));
  CHECK_FALSE(contains(mermaid, "linkStyle"));
  // An empty case (nothing passed, nothing active) still marks: nothing is shaded, no linkStyle.
  CaseMarks none;
  std::string empty = draw::draw_mermaid(d, draw::resolve_marks(d, &none));
  CHECK(contains(empty, "classDef active"));
  CHECK_FALSE(contains(empty, "  class "));
  CHECK_FALSE(contains(empty, "linkStyle"));
}

}  // namespace
}  // namespace crmflow::model
