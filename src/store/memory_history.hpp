// A case's history as a MemoryStore keeps it: compact, because every case keeps its history
// until the case is removed (retention) or the store is destroyed.
//
// A HistoryEvent is 128 bytes (two std::string, the case id); kept here it is 72: the case id is
// the owner's, and the step id and the user are pointers into a NamePool, which holds each
// distinct name once (step ids and user names are few: those of the deployed definitions and of
// the directory). The vector grows to the exact size of the first commits and by half beyond, so
// a short history wastes no slack.
//
//   NamePool names;
//   CaseHistory history;
//   history.append(change.history, names);
//   std::vector<HistoryEvent> events = history.events(case_id);
//
// Thread safety: none; MemoryStore calls it under its mutex.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "crmflow/history.hpp"

namespace crmflow::store {

// Interned names: each distinct text once, at a stable address for the life of the pool. It never
// shrinks: a removed case leaves its names behind, which is fine for what is put in it (step ids
// and user names, bounded by the definitions and the directory) and would not be for free text.
class NamePool {
 public:
  // The pool's copy of `name` (the same pointer for equal texts).
  const std::string* intern(const std::string& name);

 private:
  std::string empty_;
  const std::string* last_ = nullptr;      // the last name interned
  std::unordered_set<std::string> names_;  // nodes never move: pointers to them stay valid
};

class CaseHistory {
 public:
  // Adds events in sequence order, wherever their sequence numbers put them (the engine's come
  // in order, so each lands at the end).
  void append(const std::vector<HistoryEvent>& events, NamePool& names);

  // The events of case `case_id` (the owner's id) in sequence order.
  std::vector<HistoryEvent> events(CaseId case_id) const;

  std::size_t size() const { return events_.size(); }

 private:
  struct Event {
    std::uint64_t sequence = 0;
    Instant at{};
    TaskId task_id = kNoId;
    const std::string* step_id = nullptr;  // interned; never null
    const std::string* by = nullptr;       // interned; never null
    Value data{};
    EventType event = EventType::case_started;
  };
  std::vector<Event> events_;
};

}  // namespace crmflow::store
