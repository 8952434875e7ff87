// Builds Definitions by hand for the graph and drawing tests, the way the loader would: steps in
// document order (subprocess steps right after their subprocess), `next` resolved to flows, a
// step without `next` flowing to the following step of its list (an `end` never does).
//
//   GraphFixture p;
//   p.step("a", StepType::start);
//   p.step("g", StepType::exclusive).next({"x", "y"});
//   p.step("x", StepType::user).next({"done"});
//   p.step("y", StepType::user);
//   p.step("done", StepType::end);
//   Definition d = p.build();   // step i stands at line i+1, column 3
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/definition.hpp"

namespace crmflow::model::testing {

class GraphFixture {
 public:
  struct BoundarySpec {
    std::string to;
    bool interrupting = true;
    BoundaryKind kind = BoundaryKind::timer;
  };
  struct StepSpec {
    std::string id;
    StepType type = StepType::user;
    std::vector<std::string> next;
    bool explicit_next = false;
    bool default_last = false;  // the last `next` is the default branch
    std::vector<BoundarySpec> boundary;
    std::string name;
    StepIndex scope = kNoStep;

    StepSpec& to(std::vector<std::string> ids) {
      next = std::move(ids);
      explicit_next = true;
      return *this;
    }
    // `next` absent at the end of its list: the branch ends.
    StepSpec& stop() { return to({}); }
    StepSpec& with_default() {
      default_last = true;
      return *this;
    }
    StepSpec& on(std::string target, bool interrupting = true,
                 BoundaryKind kind = BoundaryKind::timer) {
      boundary.push_back({std::move(target), interrupting, kind});
      return *this;
    }
    StepSpec& named(std::string text) {
      name = std::move(text);
      return *this;
    }
  };

  StepSpec& step(std::string id, StepType type) {
    StepSpec spec;
    spec.id = std::move(id);
    spec.type = type;
    spec.scope = scope_;
    specs_.push_back(std::move(spec));
    return specs_.back();
  }

  // A subprocess whose steps are the ones `body` adds.
  StepSpec& subprocess(std::string id, const std::function<void()>& body) {
    auto index = static_cast<StepIndex>(specs_.size());
    step(std::move(id), StepType::subprocess);
    StepIndex outer = scope_;
    scope_ = index;
    body();
    scope_ = outer;
    return specs_[index];
  }

  Definition build() const {
    Definition d;
    d.process_id = "test";
    d.name = "Test";
    d.source_file = "test.yaml";
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      Step s;
      s.id = specs_[i].id;
      s.name = specs_[i].name.empty() ? s.id : specs_[i].name;
      s.type = specs_[i].type;
      s.scope = specs_[i].scope;
      s.where = {static_cast<std::uint32_t>(i + 1), 3};
      if (s.type == StepType::subprocess) s.detail = SubprocessStep{};
      if (s.type == StepType::end) s.detail = EndStep{};
      d.step_ids.emplace(s.id, static_cast<StepIndex>(i));
      d.steps.push_back(std::move(s));
    }
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      const StepSpec& spec = specs_[i];
      auto from = static_cast<StepIndex>(i);
      if (spec.scope != kNoStep) {
        auto& sub = std::get<SubprocessStep>(d.steps[spec.scope].detail);
        if (sub.first == kNoStep) sub.first = from;
        sub.children.push_back(from);
      } else if (d.first == kNoStep) {
        d.first = from;
      }
      std::vector<std::string> next = spec.next;
      if (!spec.explicit_next && spec.type != StepType::end) {
        if (auto following = following_in_list(i)) next.push_back(specs_[*following].id);
      }
      for (std::size_t k = 0; k < next.size(); ++k) {
        bool is_default = spec.default_last && k + 1 == next.size();
        add_flow(d, from, lookup(d, next[k]), is_default, false, static_cast<std::uint32_t>(k));
      }
      for (const BoundarySpec& b : spec.boundary) {
        Boundary boundary;
        boundary.kind = b.kind;
        boundary.interrupting = b.interrupting;
        boundary.flow = add_flow(d, from, lookup(d, b.to), false, true, 20);
        boundary.where = {from + 1, 20};
        d.steps[from].boundary.push_back(boundary);
      }
    }
    return d;
  }

 private:
  std::optional<std::size_t> following_in_list(std::size_t i) const {
    for (std::size_t j = i + 1; j < specs_.size(); ++j) {
      if (specs_[j].scope == specs_[i].scope) return j;
      if (!nested_in(specs_[j].scope, specs_[i].scope)) return std::nullopt;
    }
    return std::nullopt;
  }
  // Whether the subprocess `scope` lies inside `outer` (at any depth).
  bool nested_in(StepIndex scope, StepIndex outer) const {
    for (StepIndex s = scope; s != kNoStep; s = specs_[s].scope) {
      if (specs_[s].scope == outer) return true;
    }
    return false;
  }
  static StepIndex lookup(const Definition& d, const std::string& id) {
    auto it = d.step_ids.find(id);
    if (it == d.step_ids.end()) throw std::logic_error("fixture: unknown step " + id);
    return it->second;
  }
  static FlowIndex add_flow(Definition& d, StepIndex from, StepIndex to, bool is_default,
                            bool boundary, std::uint32_t k) {
    auto index = static_cast<FlowIndex>(d.flows.size());
    Flow flow;
    flow.from = from;
    flow.to = to;
    flow.is_default = is_default;
    flow.from_boundary = boundary;
    flow.where = {from + 1, 10 + k};
    d.flows.push_back(flow);
    if (!boundary) d.steps[from].outgoing.push_back(index);
    d.steps[to].incoming.push_back(index);
    return index;
  }

  std::vector<StepSpec> specs_;
  StepIndex scope_ = kNoStep;
};

}  // namespace crmflow::model::testing
