// `next` in all its forms, the implicit next, and the flows they become once every id is known.
#include <fmt/format.h>

#include <algorithm>

#include "model/compile.hpp"
#include "model/fields.hpp"

namespace crmflow::model {

void Compiler::read_next(const YamlNode& node, StepIndex index, const std::string& owner) {
  const StepType type = definition_.steps[index].type;
  PendingNext pending;
  pending.written = true;
  bool ok = true;
  if (is_scalar(node)) {
    auto target = fields_.text(node, owner, "next");
    if (target && !target->empty()) {
      pending.branches.push_back(Branch{*target, where(node), nullptr, false});
    } else {
      if (target) error(node, fmt::format("{}: 'next' must not be empty", owner));
      ok = false;
    }
  } else if (is_list(node)) {
    const auto list = items(node);
    const auto maps =
        std::count_if(list.begin(), list.end(), [](const YamlNode* item) { return is_map(*item); });
    if (list.empty()) {
      error(node, fmt::format("{}: 'next' is an empty list: name at least one step, or remove "
                              "'next' to go on to the following step",
                              owner));
      ok = false;
    } else if (maps == 0) {
      if (!allows_id_list(type)) {
        error(node,
              fmt::format("{}: 'next' may be a list of step ids only on a parallel, "
                          "inclusive or event step; on {} {} step write one id, or "
                          "branches {{to: ID, when: CONDITION}}",
                          owner, type == StepType::exclusive || type == StepType::end ? "an" : "a",
                          step_type_name(type)));
        ok = false;
      }
      for (const YamlNode* item : list) {
        auto target = fields_.text(*item, owner, "next");
        if (target && !target->empty()) {
          pending.branches.push_back(Branch{*target, where(*item), nullptr, false});
        } else {
          ok = false;
        }
      }
    } else if (static_cast<std::size_t>(maps) != list.size()) {
      error(node, fmt::format("{}: 'next' mixes step ids and branches: write either ids or "
                              "branches {{to, when}}, not both",
                              owner));
      ok = false;
    } else {
      if (type == StepType::parallel || type == StepType::event) {
        error(node, fmt::format("{}: a {} step follows all of its 'next' and takes no "
                                "conditions: write a list of step ids",
                                owner, step_type_name(type)));
        ok = false;
      }
      const YamlNode* first_default = nullptr;
      for (const YamlNode* item : list) {
        auto branch = read_branch(*item, owner);
        if (!branch) {
          ok = false;
          continue;
        }
        if (branch->is_default) {
          if (first_default != nullptr) {
            error(*item, fmt::format("{}: 'next' has more than one default branch (the first is "
                                     "at line {}); keep one",
                                     owner, where(*first_default).line));
            ok = false;
          }
          first_default = item;
        }
        pending.branches.push_back(std::move(*branch));
      }
    }
  } else {
    error(node, fmt::format("{}: 'next' must be a step id, a list of step ids, or a list of "
                            "branches {{to: ID, when: CONDITION}}, not a map",
                            owner));
    ok = false;
  }
  for (std::size_t i = 0; i < pending.branches.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (pending.branches[i].target == pending.branches[j].target) {
        error(pending.branches[i].where,
              fmt::format("{}: 'next' names '{}' twice", owner, pending.branches[i].target));
        ok = false;
      }
    }
  }
  if (!ok) graph_broken_ = true;
  pending_next_[index] = std::move(pending);
}

std::optional<Compiler::Branch> Compiler::read_branch(const YamlNode& node,
                                                      const std::string& owner) {
  static constexpr std::string_view kFields[] = {"to", "when", "default"};
  fields_.check_fields(node, owner, kFields);
  const YamlNode* to = fields_.require(node, owner, "to", "name the step this branch goes to");
  if (to == nullptr) return std::nullopt;
  auto target = fields_.text(*to, owner, "to");
  if (!target || target->empty()) return std::nullopt;
  Branch branch{*target, where(*to), nullptr, false};
  const YamlNode* when = get(node, "when");
  if (const YamlNode* is_default = get(node, "default")) {
    auto value = fields_.boolean(*is_default, owner, "default");
    if (!value) return std::nullopt;
    if (*value && when != nullptr) {
      error(*is_default,
            fmt::format("{}: a branch is either the default or has 'when', not both", owner));
      return std::nullopt;
    }
    branch.is_default = *value;
  }
  if (!branch.is_default) {
    if (when == nullptr) {
      error(node, fmt::format("{}: the branch to '{}' needs 'when: CONDITION', or "
                              "'default: true'",
                              owner, branch.target));
      return std::nullopt;
    }
    branch.when = read_expression(*when, owner, "when");
    if (!branch.when) return std::nullopt;
  }
  return branch;
}

std::optional<StepIndex> Compiler::resolve_target(const Branch& branch, StepIndex from,
                                                  const std::string& owner,
                                                  std::string_view field) {
  const auto found = definition_.step_ids.find(branch.target);
  if (found == definition_.step_ids.end()) {
    std::vector<std::string_view> ids;
    ids.reserve(definition_.step_ids.size());
    for (const Step& step : definition_.steps) {
      if (!step.id.empty()) ids.push_back(step.id);
    }
    error(branch.where, fmt::format("{}: '{}' names no step '{}'{}", owner, field, branch.target,
                                    did_you_mean(branch.target, ids)));
    graph_broken_ = true;
    return std::nullopt;
  }
  const StepIndex to = found->second;
  const StepIndex from_scope = definition_.steps[from].scope;
  const StepIndex to_scope = definition_.steps[to].scope;
  if (from_scope != to_scope) {
    auto place = [&](StepIndex scope) {
      return scope == kNoStep ? std::string{"at the top level"}
                              : fmt::format("inside subprocess '{}'", definition_.steps[scope].id);
    };
    error(branch.where,
          fmt::format("{}: '{}' goes to '{}', which is {} while this step is {}; "
                      "a flow cannot enter or leave a subprocess",
                      owner, field, branch.target, place(to_scope), place(from_scope)));
    graph_broken_ = true;
    return std::nullopt;
  }
  return to;
}

FlowIndex Compiler::add_flow(StepIndex from, StepIndex to, const Branch& branch,
                             bool from_boundary) {
  const auto index = static_cast<FlowIndex>(definition_.flows.size());
  Flow flow;
  flow.from = from;
  flow.to = to;
  flow.when = branch.when;
  flow.is_default = branch.is_default;
  flow.from_boundary = from_boundary;
  flow.where = branch.where;
  definition_.flows.push_back(std::move(flow));
  if (!from_boundary) definition_.steps[from].outgoing.push_back(index);
  definition_.steps[to].incoming.push_back(index);
  return index;
}

void Compiler::resolve_flows() {
  std::vector<std::vector<const PendingBoundary*>> boundaries(definition_.steps.size());
  for (const PendingBoundary& pending : pending_boundaries_) {
    boundaries[pending.step].push_back(&pending);
  }
  for (StepIndex i = 0; i < definition_.steps.size(); ++i) {
    const Step& step = definition_.steps[i];
    const std::string owner = step.id.empty() ? fmt::format("the step at line {}", step.where.line)
                                              : fmt::format("step '{}'", step.id);
    const PendingNext& pending = pending_next_[i];
    if (pending.written) {
      for (const Branch& branch : pending.branches) {
        if (auto to = resolve_target(branch, i, owner, "next")) add_flow(i, *to, branch, false);
      }
    } else if (step.type != StepType::end) {
      // The implicit next: the following step of the same list; after the last, the branch ends.
      const std::vector<StepIndex>& list = lists_[list_of_[i]];
      const std::size_t position = position_in_list_[i];
      if (position + 1 < list.size()) {
        add_flow(i, list[position + 1], Branch{{}, step.where, nullptr, false}, false);
      }
    }
    for (const PendingBoundary* pending_boundary : boundaries[i]) {
      if (auto to = resolve_target(pending_boundary->target, i, owner, "boundary next")) {
        const FlowIndex flow = add_flow(i, *to, pending_boundary->target, true);
        definition_.steps[i].boundary[pending_boundary->boundary].flow = flow;
      }
    }
  }
}

}  // namespace crmflow::model
