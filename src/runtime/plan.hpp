// ProcessPlan: one deployed definition version together with the tables the token machine needs
// that the loader does not build (which step a flow enters at which incoming position, and for
// every inclusive join which steps can still feed each of its incoming flows). Built once per
// deployed version and shared by every call on its cases; immutable.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crmflow/process.hpp"
#include "model/definition.hpp"

namespace crmflow::runtime {

// A set of steps, one bit per StepIndex.
class StepSet {
 public:
  StepSet() = default;
  explicit StepSet(std::size_t steps) : words_((steps + 63) / 64, 0) {}
  void insert(model::StepIndex step) { words_[step / 64] |= std::uint64_t{1} << (step % 64); }
  bool contains(model::StepIndex step) const {
    return ((words_[step / 64] >> (step % 64)) & 1U) != 0;
  }

 private:
  std::vector<std::uint64_t> words_;
};

struct ProcessPlan {
  std::shared_ptr<const Process> process;
  const model::Definition* definition = nullptr;  // process->definition()
  std::int64_t version = 0;
  // Per flow: its position in the `incoming` list of the step it enters.
  std::vector<std::uint32_t> incoming_position;
  // Per step: whether it is a join (a parallel or inclusive step with several incoming flows).
  std::vector<bool> is_join;
  // Per step: for inclusive joins, one StepSet per incoming position: the steps from which a
  // token can still reach that flow without passing through the join. Empty for other steps.
  std::vector<std::vector<StepSet>> feeds;
};

// Builds the plan of one deployed version. REQUIRES: process != nullptr.
std::shared_ptr<const ProcessPlan> make_plan(std::shared_ptr<const Process> process,
                                             std::int64_t version);

}  // namespace crmflow::runtime
