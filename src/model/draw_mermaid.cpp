// The Mermaid flowchart form of a process (docs/validation.md, "crmflow graph").
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <string>
#include <string_view>

#include "model/draw.hpp"

namespace crmflow::model::draw {
namespace {

// Words Mermaid reads as syntax; a step id equal to one (`end` above all) gets a prefix.
constexpr std::array<std::string_view, 12> kReserved = {
    "end",      "graph", "subgraph",  "flowchart", "style",   "class",
    "classdef", "click", "linkstyle", "direction", "default", "call"};

bool reserved(std::string_view id) {
  std::string lower;
  for (char c : id) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::ranges::find(kReserved, lower) != kReserved.end();
}

// Mermaid node ids: ASCII letters, digits and `_` only. Every other byte becomes `_`; an id
// that is reserved, empty or does not start with an ASCII letter gets the prefix `s_`; a clash with
// an earlier id gets `_2`, `_3`, ... Ids are given in document order, so the result is
// deterministic.
std::vector<std::string> mermaid_ids(const Definition& definition) {
  std::vector<std::string> out;
  std::set<std::string, std::less<>> taken;
  for (const Step& step : definition.steps) {
    std::string id;
    for (char c : step.id) {
      auto u = static_cast<unsigned char>(c);
      bool keep = u < 0x80 && (std::isalnum(u) != 0 || c == '_');
      if (keep) {
        id += c;
      } else if ((u & 0xC0) != 0x80) {
        id += '_';  // one `_` per character: UTF-8 continuation bytes add nothing
      }
    }
    if (id.empty() || reserved(id) || std::isalpha(static_cast<unsigned char>(id[0])) == 0) {
      id = "s_" + id;
    }
    std::string unique = id;
    for (int n = 2; taken.count(unique) > 0; ++n) unique = fmt::format("{}_{}", id, n);
    taken.insert(unique);
    out.push_back(std::move(unique));
  }
  return out;
}

// Text inside Mermaid's double quotes: quotes, `#`, `<`, `>` as entity codes, line breaks as
// `<br/>`. UTF-8 passes as it is.
std::string text(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    switch (c) {
      case '"':
        out += "#quot;";
        break;
      case '#':
        out += "#35;";
        break;
      case '<':
        out += "#lt;";
        break;
      case '>':
        out += "#gt;";
        break;
      case '\n':
        out += "<br/>";
        break;
      case '\r':
        break;
      default:
        out += c;
    }
  }
  return out;
}

class MermaidWriter {
 public:
  MermaidWriter(const Definition& definition, const Marks& marks)
      : def_(definition), marks_(marks), ids_(mermaid_ids(definition)) {}

  std::string write() {
    out_ = "flowchart TD\n";
    scope(kNoStep, 1);
    std::vector<std::size_t> taken;
    std::size_t link = 0;
    for (FlowIndex f = 0; f < def_.flows.size(); ++f) {
      const Flow& flow = def_.flows[f];
      if (flow.from >= def_.steps.size() || flow.to >= def_.steps.size()) continue;
      std::string label = flow_label(def_, f);
      std::string arrow = flow.from_boundary ? "-.->" : "-->";
      if (!label.empty()) arrow += fmt::format("|\"{}\"|", text(label));
      out_ += fmt::format("  {} {} {}\n", ids_[flow.from], arrow, ids_[flow.to]);
      if (marks_.any() && marks_.flows[f]) taken.push_back(link);
      ++link;
    }
    if (marks_.any()) write_marks(taken);
    return std::move(out_);
  }

 private:
  bool is_cluster(StepIndex s) const {
    const auto* sub = std::get_if<SubprocessStep>(&def_.steps[s].detail);
    return sub != nullptr && sub->first < def_.steps.size();
  }

  void scope(StepIndex scope_step, int depth) {
    std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
    for (StepIndex s : children_of(def_, scope_step)) {
      if (is_cluster(s)) {
        out_ +=
            fmt::format("{}subgraph {} [\"{}\"]\n", indent, ids_[s], text(caption(def_.steps[s])));
        this->scope(s, depth + 1);
        out_ += indent + "end\n";
      } else {
        out_ += indent + node(s) + "\n";
      }
    }
  }

  std::string node(StepIndex s) const {
    const Step& step = def_.steps[s];
    std::string label = caption(step);
    std::string more = detail(step);
    if (!more.empty()) label += "\n" + more;
    const std::string& id = ids_[s];
    switch (step.type) {
      case StepType::start:
        return fmt::format("{}((\"{}\"))", id, text(label));
      case StepType::end: {
        const auto* end = std::get_if<EndStep>(&step.detail);
        bool strong = end != nullptr && (end->terminate || !end->error.empty());
        return strong ? fmt::format("{}(((\"{}\")))", id, text(label))
                      : fmt::format("{}((\"{}\"))", id, text(label));
      }
      case StepType::exclusive:
      case StepType::parallel:
      case StepType::inclusive:
      case StepType::event:
        return fmt::format("{}{{\"{} {}\"}}", id, gateway_marker(step.type), text(label));
      case StepType::subprocess:
        return fmt::format("{}[[\"{}\"]]", id, text(label));
      default:
        return fmt::format("{}(\"{}\")", id, text(label));
    }
  }

  void write_marks(const std::vector<std::size_t>& taken) {
    out_ += fmt::format("  classDef active fill:#ffe082,stroke:#e65100,stroke-width:2px\n");
    out_ += fmt::format("  classDef passed fill:#e0e0e0,stroke:#9e9e9e\n");
    for (Mark kind : {Mark::active, Mark::passed}) {
      std::vector<std::string> ids;
      for (StepIndex s = 0; s < def_.steps.size(); ++s) {
        if (marks_.steps[s] == kind) ids.push_back(ids_[s]);
      }
      if (!ids.empty()) {
        out_ += fmt::format("  class {} {}\n", fmt::join(ids, ","),
                            kind == Mark::active ? "active" : "passed");
      }
    }
    if (!taken.empty()) {
      out_ +=
          fmt::format("  linkStyle {} stroke:#616161,stroke-width:3px\n", fmt::join(taken, ","));
    }
  }

  const Definition& def_;
  const Marks& marks_;
  std::vector<std::string> ids_;
  std::string out_;
};

}  // namespace

std::string draw_mermaid(const Definition& definition, const Marks& marks) {
  return MermaidWriter{definition, marks}.write();
}

}  // namespace crmflow::model::draw
