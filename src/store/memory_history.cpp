// NamePool and CaseHistory: the memory store's compact history.
#include "store/memory_history.hpp"

#include <algorithm>

namespace crmflow::store {

const std::string* NamePool::intern(const std::string& name) {
  if (name.empty()) return &empty_;  // most events name no user, many no step
  // A case's events name one step several times in a row (entered, task created, left).
  if (last_ != nullptr && *last_ == name) return last_;
  last_ = &*names_.insert(name).first;
  return last_;
}

void CaseHistory::append(const std::vector<HistoryEvent>& events, NamePool& names) {
  if (events.empty()) return;
  // Exact for the first commits of a case (most cases are short), by half beyond.
  const std::size_t needed = events_.size() + events.size();
  if (needed > events_.capacity()) {
    events_.reserve(std::max(needed, events_.capacity() + events_.capacity() / 2));
  }
  for (const HistoryEvent& e : events) {
    Event stored{.sequence = e.sequence,
                 .at = e.at,
                 .task_id = e.task_id,
                 .step_id = names.intern(e.step_id),
                 .by = names.intern(e.by),
                 .data = e.data,
                 .event = e.event};
    if (events_.empty() || events_.back().sequence <= e.sequence) {
      events_.push_back(std::move(stored));  // the engine's order: at the end
      continue;
    }
    auto later = std::upper_bound(
        events_.begin(), events_.end(), e.sequence,
        [](std::uint64_t sequence, const Event& x) { return sequence < x.sequence; });
    events_.insert(later, std::move(stored));
  }
}

std::vector<HistoryEvent> CaseHistory::events(CaseId case_id) const {
  std::vector<HistoryEvent> out;
  out.reserve(events_.size());
  for (const Event& e : events_) {
    out.push_back(HistoryEvent{.case_id = case_id,
                               .sequence = e.sequence,
                               .at = e.at,
                               .event = e.event,
                               .step_id = *e.step_id,
                               .task_id = e.task_id,
                               .by = *e.by,
                               .data = e.data});
  }
  return out;
}

}  // namespace crmflow::store
