// The Graphviz dot form of a process (docs/validation.md, "crmflow graph").
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "model/draw.hpp"

namespace crmflow::model::draw {
namespace {

constexpr std::string_view kActiveFill = "#ffe082";
constexpr std::string_view kActiveLine = "#e65100";
constexpr std::string_view kPassedFill = "#e0e0e0";
constexpr std::string_view kPassedFlow = "#616161";

// A dot string literal: backslashes, quotes and line breaks escaped; any UTF-8 text passes as it
// is (Persian names need nothing else).
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        break;
      default:
        out += c;
    }
  }
  out += '"';
  return out;
}

class DotWriter {
 public:
  DotWriter(const Definition& definition, const Marks& marks) : def_(definition), marks_(marks) {}

  std::string write() {
    out_ += fmt::format("digraph {} {{\n", quoted(def_.process_id));
    out_ += fmt::format(
        "  graph [label={}, labelloc=t, fontname=\"sans-serif\", compound=true, rankdir=TB];\n",
        quoted(def_.name.empty() ? def_.process_id : def_.name));
    out_ += "  node [fontname=\"sans-serif\", fontsize=11];\n";
    out_ += "  edge [fontname=\"sans-serif\", fontsize=10];\n";
    scope(kNoStep, 1);
    for (FlowIndex f = 0; f < def_.flows.size(); ++f) edge(f);
    out_ += "}\n";
    return std::move(out_);
  }

 private:
  Mark mark(StepIndex s) const { return marks_.any() ? marks_.steps[s] : Mark::none; }

  bool is_cluster(StepIndex s) const {
    const auto* sub = std::get_if<SubprocessStep>(&def_.steps[s].detail);
    return sub != nullptr && sub->first < def_.steps.size();
  }

  // The node that stands for a step in edges: a subprocess drawn as a cluster is entered and
  // left at its first step, the edge clipped at the cluster's border.
  StepIndex anchor(StepIndex s) const {
    while (is_cluster(s)) s = std::get<SubprocessStep>(def_.steps[s].detail).first;
    return s;
  }

  std::string cluster_name(StepIndex s) const { return quoted("cluster_" + def_.steps[s].id); }

  void scope(StepIndex scope_step, int depth) {
    std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
    for (StepIndex s : children_of(def_, scope_step)) {
      if (!is_cluster(s)) {
        out_ += indent + node(s) + "\n";
        continue;
      }
      out_ += fmt::format("{}subgraph {} {{\n", indent, cluster_name(s));
      std::string style = "rounded";
      std::string extra;
      if (mark(s) != Mark::none) {
        style += ",filled";
        extra = fmt::format(", fillcolor=\"{}\"", mark(s) == Mark::active ? "#fff8e1" : "#f5f5f5");
        if (mark(s) == Mark::active)
          extra += fmt::format(", color=\"{}\", penwidth=2", kActiveLine);
      }
      out_ += fmt::format("{}  graph [label={}, style=\"{}\"{}];\n", indent,
                          quoted(caption(def_.steps[s])), style, extra);
      this->scope(s, depth + 1);
      out_ += indent + "}\n";
    }
  }

  std::string node(StepIndex s) const {
    const Step& step = def_.steps[s];
    std::string label = caption(step);
    std::string more = detail(step);
    if (!more.empty()) label += "\n" + more;
    std::string attrs;
    std::string style;
    switch (step.type) {
      // Events are small fixed circles named beside them, so a long name does not balloon them.
      case StepType::start:
        attrs = fmt::format("shape=circle, width=0.3, fixedsize=true, label=\"\", xlabel={}",
                            quoted(label));
        break;
      case StepType::end: {
        const auto* end = std::get_if<EndStep>(&step.detail);
        bool strong = end != nullptr && (end->terminate || !end->error.empty());
        attrs = fmt::format(
            "shape={}, width=0.3, fixedsize=true, penwidth=2, label=\"\", xlabel={}",
            strong ? "doublecircle" : "circle", quoted(label));
        break;
      }
      case StepType::exclusive:
      case StepType::parallel:
      case StepType::inclusive:
      case StepType::event:
        attrs = fmt::format("shape=diamond, label={}, xlabel={}", quoted(gateway_marker(step.type)),
                            quoted(label));
        break;
      case StepType::subprocess:  // one without steps: drawn as a task with a double border
        attrs = fmt::format("shape=box, peripheries=2, label={}", quoted(label));
        style = "rounded";
        break;
      default:
        attrs = fmt::format("shape=box, label={}", quoted(label));
        style = "rounded";
        break;
    }
    switch (mark(s)) {
      case Mark::active:
        style += style.empty() ? "filled,bold" : ",filled,bold";
        attrs += fmt::format(", fillcolor=\"{}\", color=\"{}\"", kActiveFill, kActiveLine);
        break;
      case Mark::passed:
        style += style.empty() ? "filled" : ",filled";
        attrs += fmt::format(", fillcolor=\"{}\"", kPassedFill);
        break;
      case Mark::none:
        break;
    }
    if (!style.empty()) attrs += fmt::format(", style=\"{}\"", style);
    return fmt::format("{} [{}];", quoted(step.id), attrs);
  }

  void edge(FlowIndex f) {
    const Flow& flow = def_.flows[f];
    if (flow.from >= def_.steps.size() || flow.to >= def_.steps.size()) return;
    std::vector<std::string> attrs;
    if (std::string label = flow_label(def_, f); !label.empty()) {
      attrs.push_back("label=" + quoted(label));
    }
    if (flow.from_boundary) attrs.emplace_back("style=dashed");
    if (is_cluster(flow.from)) attrs.push_back("ltail=" + cluster_name(flow.from));
    if (is_cluster(flow.to)) attrs.push_back("lhead=" + cluster_name(flow.to));
    if (marks_.any() && marks_.flows[f]) {
      attrs.push_back(fmt::format("color=\"{}\", penwidth=2", kPassedFlow));
    }
    out_ += fmt::format("  {} -> {}", quoted(def_.steps[anchor(flow.from)].id),
                        quoted(def_.steps[anchor(flow.to)].id));
    if (!attrs.empty()) out_ += fmt::format(" [{}]", fmt::join(attrs, ", "));
    out_ += ";\n";
  }

  const Definition& def_;
  const Marks& marks_;
  std::string out_;
};

}  // namespace

std::string draw_dot(const Definition& definition, const Marks& marks) {
  return DotWriter{definition, marks}.write();
}

}  // namespace crmflow::model::draw
