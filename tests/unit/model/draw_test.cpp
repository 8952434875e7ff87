// Drawing hand-built Definitions as Graphviz dot and Mermaid text (src/model/draw*.cpp). That
// Graphviz accepts the dot of every example is checked by tests/cli.
#include "model/draw.hpp"

#include <catch2/catch.hpp>

#include "expr/expression.hpp"
#include "graph_fixture.hpp"

namespace crmflow::model {
namespace {

using testing::GraphFixture;
using T = StepType;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A process with one step of each kind the drawing tells apart.
Definition sample() {
  GraphFixture p;
  p.step("start", T::start);
  p.step("reception", T::user).named("Receive the \"phone\"");
  p.step("check", T::exclusive).to({"charge", "sub"}).with_default();
  p.step("charge", T::service).to({"race"}).on("failed", true, BoundaryKind::error);
  p.subprocess("sub",
               [&] {
                 p.step("inner", T::user).named("پذیرش گوشی");
                 p.step("inner-end", T::end);
               })
      .to({"race"})
      .on("remind", false);
  p.step("race", T::event).to({"reply", "timeout"});
  p.step("reply", T::wait).to({"join"});
  p.step("timeout", T::wait).to({"join"});
  p.step("join", T::parallel).to({"end"});
  p.step("remind", T::send).to({"end"});
  p.step("failed", T::end);
  p.step("end", T::end);
  Definition d = p.build();
  d.process_id = "sample";
  d.name = "A \\ sample";
  auto when = expr::Expression::compile("cost > 2000000 and note = \"x\"");
  REQUIRE(when.ok());
  d.flows[d.steps[2].outgoing[0]].when = std::make_shared<expr::Expression>(*when);
  ServiceTask service;
  service.handler = "charge-card";
  d.steps[3].detail = service;
  d.steps[3].boundary[0].error_code = "CARD";
  d.steps[4].boundary[0].timer.duration.days = 3;
  WaitStep message;
  message.kind = WaitStep::Kind::message;
  message.message.name = "customer-reply";
  d.steps[8].detail = message;
  WaitStep timer;
  timer.timer.duration.days = 2;
  d.steps[9].detail = timer;
  d.steps[12].detail = EndStep{.terminate = false, .error = "FAILED"};
  return d;
}

TEST_CASE("dot: one node per step, shaped by its type", "[draw]") {
  std::string dot = draw::draw_dot(sample(), {});
  CHECK(dot.rfind("digraph \"sample\" {\n", 0) == 0);
  CHECK(contains(dot, "graph [label=\"A \\\\ sample\", labelloc=t"));
  CHECK(contains(dot, "\"start\" [shape=circle, width=0.3, fixedsize=true, label=\"\", xlabel=\"start\"];"));
  CHECK(contains(dot,
                 "\"reception\" [shape=box, label=\"Receive the \\\"phone\\\"\\nuser\", "
                 "style=\"rounded\"];"));
  CHECK(contains(dot, "\"check\" [shape=diamond, label=\"X\", xlabel=\"check\"];"));
  CHECK(contains(dot, "\"join\" [shape=diamond, label=\"+\", xlabel=\"join\"];"));
  CHECK(contains(dot, "\"race\" [shape=diamond, label=\"\u25ce\", xlabel=\"race\"];"));
  CHECK(contains(dot, "label=\"charge\\nservice: charge-card\""));
  CHECK(contains(dot, "label=\"reply\\nmessage customer-reply\""));
  CHECK(contains(dot, "label=\"timeout\\ntimer P2D\""));
  CHECK(contains(dot, "\"end\" [shape=circle, width=0.3, fixedsize=true, penwidth=2, label=\"\", "
                      "xlabel=\"end\"];"));
  CHECK(contains(dot,
                 "\"failed\" [shape=doublecircle, width=0.3, fixedsize=true, penwidth=2, "
                      "label=\"\", xlabel=\"failed\\nerror: FAILED\"];"));
  CHECK(dot.substr(dot.size() - 2) == "}\n");
}

TEST_CASE("dot: a subprocess is a cluster, entered and left at its border", "[draw]") {
  std::string dot = draw::draw_dot(sample(), {});
  CHECK(contains(dot,
                 "  subgraph \"cluster_sub\" {\n    graph [label=\"sub\", style=\"rounded\"];\n"
                 "    \"inner\" [shape=box, label=\"پذیرش گوشی\\nuser\", style=\"rounded\"];\n"));
  CHECK(contains(dot, "\"check\" -> \"inner\" [label=\"default\", lhead=\"cluster_sub\"];"));
  CHECK(contains(dot, "\"inner\" -> \"race\" [ltail=\"cluster_sub\"];"));
  CHECK(contains(dot,
                 "\"inner\" -> \"remind\" [label=\"timer P3D, non-interrupting\", "
                 "style=dashed, ltail=\"cluster_sub\"];"));
}

TEST_CASE("dot: flows carry their condition, default and boundary event", "[draw]") {
  std::string dot = draw::draw_dot(sample(), {});
  CHECK(contains(dot, "\"check\" -> \"charge\" [label=\"cost > 2000000 and note = \\\"x\\\"\"];"));
  CHECK(contains(dot, "\"charge\" -> \"failed\" [label=\"error CARD\", style=dashed];"));
  CHECK(contains(dot, "\"race\" -> \"reply\";"));
}

TEST_CASE("drawings are deterministic", "[draw]") {
  Definition d = sample();
  CHECK(draw::draw_dot(d, {}) == draw::draw_dot(d, {}));
  CHECK(draw::draw_mermaid(d, {}) == draw::draw_mermaid(d, {}));
}

TEST_CASE("case marks: active steps highlighted, passed steps and flows shaded", "[draw]") {
  Definition d = sample();
  CaseMarks marks{.active = {"charge", "no-such-step"}, .passed = {"start", "reception", "check"}};
  draw::Marks resolved = draw::resolve_marks(d, &marks);
  REQUIRE(resolved.any());
  CHECK(resolved.steps[3] == draw::Mark::active);
  CHECK(resolved.steps[0] == draw::Mark::passed);
  CHECK(resolved.steps[4] == draw::Mark::none);

  std::string dot = draw::draw_dot(d, resolved);
  CHECK(contains(dot,
                 "\"charge\" [shape=box, label=\"charge\\nservice: charge-card\", "
                 "fillcolor=\"#ffe082\", color=\"#e65100\", style=\"rounded,filled,bold\"];"));
  CHECK(contains(dot,
                 "\"start\" [shape=circle, width=0.3, fixedsize=true, label=\"\", "
                      "xlabel=\"start\", fillcolor=\"#e0e0e0\", "
                 "style=\"filled\"];"));
  CHECK(contains(dot, "\"start\" -> \"reception\" [color=\"#616161\", penwidth=2];"));
  CHECK(contains(dot,
                 "\"check\" -> \"charge\" [label=\"cost > 2000000 and note = \\\"x\\\"\", "
                 "color=\"#616161\", penwidth=2];"));
  // A flow from a passed step to one the case never reached is not shaded.
  CHECK(contains(dot, "\"check\" -> \"inner\" [label=\"default\", lhead=\"cluster_sub\"];"));

  std::string mermaid = draw::draw_mermaid(d, resolved);
  CHECK(contains(mermaid, "  class charge active\n"));
  CHECK(contains(mermaid, "  class start,reception,check passed\n"));
  CHECK(contains(mermaid, "  linkStyle 0,1,2 stroke:#616161,stroke-width:3px\n"));

  CHECK_FALSE(draw::resolve_marks(d, nullptr).any());
}

TEST_CASE("mermaid: a flowchart with sanitised ids and quoted labels", "[draw]") {
  std::string m = draw::draw_mermaid(sample(), {});
  CHECK(m.rfind("flowchart TD\n", 0) == 0);
  CHECK(contains(m, "  start((\"start\"))\n"));
  CHECK(contains(m, "  reception(\"Receive the #quot;phone#quot;<br/>user\")\n"));
  CHECK(contains(m, "  check{\"X check\"}\n"));
  CHECK(contains(m,
                 "  subgraph sub [\"sub\"]\n    inner(\"پذیرش گوشی<br/>user\")\n"
                 "    inner_end((\"inner-end\"))\n  end\n"));
  CHECK(contains(m, "  s_end((\"end\"))\n"));  // `end` is a Mermaid keyword
  CHECK(contains(m, "  failed(((\"failed<br/>error: FAILED\")))\n"));
  CHECK(contains(m, "  check -->|\"cost #gt; 2000000 and note = #quot;x#quot;\"| charge\n"));
  CHECK(contains(m, "  check -->|\"default\"| sub\n"));
  CHECK(contains(m, "  sub -.->|\"timer P3D, non-interrupting\"| remind\n"));
  CHECK(contains(m, "  join --> s_end\n"));
  CHECK_FALSE(contains(m, "classDef"));
}

TEST_CASE("mermaid: ids that clash after sanitising stay distinct", "[draw]") {
  GraphFixture p;
  p.step("a-b", T::user);
  p.step("a_b", T::user);
  p.step("تماس", T::user);
  p.step("پیگیری", T::user);
  p.step("1st", T::end);
  std::string m = draw::draw_mermaid(p.build(), {});
  CHECK(contains(m, "  a_b(\"a-b<br/>user\")\n"));
  CHECK(contains(m, "  a_b_2(\"a_b<br/>user\")\n"));
  CHECK(contains(m, "  s_____(\"تماس<br/>user\")\n"));
  CHECK(contains(m, "  s_______(\"پیگیری<br/>user\")\n"));
  CHECK(contains(m, "  s_1st((\"1st\"))\n"));
  CHECK(contains(m, "  a_b --> a_b_2\n"));
}

}  // namespace
}  // namespace crmflow::model
