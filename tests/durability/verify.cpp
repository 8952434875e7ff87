// The `verify` mode: after a crash (or a race), is the database whole and does it hold what was
// acknowledged?
//
// The rules, each reported with the case or task it is about:
//   file:        PRAGMA integrity_check is "ok", no foreign key points nowhere, WAL mode (once
//                the store has opened the file);
//   durability:  every acknowledged start is a case with that key; every acknowledged completion
//                is a completed task of that case, completed by the acknowledged user;
//   atomicity:   each case agrees with itself: history sequence numbers are 1..n without gaps and
//                open with case_started; it created exactly the two tasks of the process, and
//                the store holds each with the status its history implies (completed, by the
//                user of its task_completed event, or open); the path has left each completed
//                task's step and no other; a case with both tasks done is completed (ended_at
//                set, `done` set, case_completed its last event, nothing active or open), any
//                other is active at exactly its open tasks (plus the join once one branch
//                arrived) with no `done` yet;
//   no strays:   every task row belongs to the history of a listed case; every open task belongs
//                to an active case;
//   at most one: per writer run (key prefix), at most one change is in the database without an
//                acknowledgement: the call in flight when the process died (none at all with
//                --all-acknowledged).
#include <algorithm>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ack_log.hpp"
#include "driver.hpp"
#include "integrity.hpp"

namespace crmflow::durability {
namespace {

// Ids the store may have allocated past the last committed one (calls killed after allocate_id):
// task ids probed beyond the highest known, to find task rows no case knows.
constexpr TaskId kProbeBeyond = 64;

struct CaseFacts {
  Case snapshot{};
  std::map<TaskId, std::string> created{};    // task -> step, from task_created
  std::map<TaskId, std::string> completed{};  // task -> by, from task_completed
};

class Verifier {
 public:
  Verifier(Engine& engine, const VerifyOptions& options) : engine_(engine), options_(options) {}

  void check_cases();
  void check_stray_tasks();
  void check_acknowledgements(const AckLog& log);
  void violation(std::string text) { violations_.push_back(std::move(text)); }
  const std::vector<std::string>& violations() const { return violations_; }
  void print_summary(std::size_t acked_starts, std::size_t acked_completions) const;

 private:
  void check_case(const Case& snapshot);
  void check_history(CaseFacts& facts, const std::vector<HistoryEvent>& history);
  void check_tasks(const CaseFacts& facts);
  void check_position(const CaseFacts& facts, const std::vector<HistoryEvent>& history);

  Engine& engine_;
  const VerifyOptions& options_;
  std::map<CaseId, CaseFacts> cases_;
  std::map<TaskId, CaseId> task_owner_;
  std::size_t history_events_ = 0;
  std::size_t unacknowledged_ = 0;
  std::vector<std::string> violations_;
};

std::string case_name(const Case& c) {
  return "case " + std::to_string(c.id) + " (key " + c.key + ")";
}

void Verifier::check_cases() {
  auto all = engine_.cases({});
  if (!all) return violation("listing the cases: " + to_string(all.error()));
  for (const Case& c : *all) check_case(c);
}

void Verifier::check_case(const Case& snapshot) {
  const std::string name = case_name(snapshot);
  if (snapshot.process_id != kProcessId) {
    return violation(name + " runs process '" + snapshot.process_id + "', expected '" +
                     std::string{kProcessId} + "'");
  }
  auto history = engine_.history(snapshot.id);
  if (!history) return violation(name + ": reading its history: " + to_string(history.error()));
  history_events_ += history->size();
  CaseFacts& facts = cases_[snapshot.id];
  facts.snapshot = snapshot;
  check_history(facts, *history);
  check_tasks(facts);
  check_position(facts, *history);
}

void Verifier::check_history(CaseFacts& facts, const std::vector<HistoryEvent>& history) {
  const std::string name = case_name(facts.snapshot);
  if (history.empty() || history.front().event != EventType::case_started) {
    violation(name + ": history does not open with case_started");
  }
  for (std::size_t i = 0; i < history.size(); ++i) {
    const HistoryEvent& e = history[i];
    if (e.sequence != i + 1) {
      violation(name + ": history event " + std::to_string(i + 1) + " has sequence " +
                std::to_string(e.sequence) + " (sequence numbers must be 1..n without gaps)");
      break;
    }
    if (e.case_id != facts.snapshot.id) {
      violation(name + ": history event " + std::to_string(e.sequence) + " names case " +
                std::to_string(e.case_id));
    }
    if (e.event == EventType::task_created && !facts.created.emplace(e.task_id, e.step_id).second) {
      violation(name + ": task " + std::to_string(e.task_id) + " created twice");
    }
    if (e.event == EventType::task_completed) {
      if (!facts.created.contains(e.task_id)) {
        violation(name + ": task " + std::to_string(e.task_id) + " completed before created");
      }
      if (!facts.completed.emplace(e.task_id, e.by).second) {
        violation(name + ": task " + std::to_string(e.task_id) +
                  " has two task_completed events (completed twice)");
      }
    }
  }
  std::multiset<std::string> steps;
  for (const auto& [task, step] : facts.created) steps.insert(step);
  if (steps != std::multiset<std::string>{std::string{kFirstStep}, std::string{kSecondStep}}) {
    violation(name + ": created " + std::to_string(facts.created.size()) +
              " tasks; expected one at " + std::string{kFirstStep} + " and one at " +
              std::string{kSecondStep});
  }
}

void Verifier::check_tasks(const CaseFacts& facts) {
  const std::string name = case_name(facts.snapshot);
  for (const auto& [id, step] : facts.created) {
    task_owner_[id] = facts.snapshot.id;
    const std::string task_name = name + ", task " + std::to_string(id) + " at " + step;
    auto task = engine_.task(id);
    if (!task) {
      violation(task_name + ": in the history but not in the store: " + to_string(task.error()));
      continue;
    }
    if (task->case_id != facts.snapshot.id || task->step_id != step) {
      violation(task_name + ": the store says case " + std::to_string(task->case_id) + ", step " +
                task->step_id);
    }
    const auto done = facts.completed.find(id);
    if (done == facts.completed.end()) {
      if (task->status != TaskStatus::open) {
        violation(task_name + ": no task_completed event but the task is " +
                  std::string{to_string(task->status)});
      }
      continue;
    }
    if (task->status != TaskStatus::completed || task->completed_by != done->second ||
        !task->ended_at) {
      violation(task_name + ": task_completed by '" + done->second + "' in the history but the " +
                "task is " + std::string{to_string(task->status)} + ", completed_by '" +
                task->completed_by + "'" + (task->ended_at ? "" : ", without ended_at"));
    }
  }
}

void Verifier::check_position(const CaseFacts& facts, const std::vector<HistoryEvent>& history) {
  const Case& c = facts.snapshot;
  const std::string name = case_name(c);
  std::set<std::string> open_steps;
  std::set<TaskId> open_ids;
  for (const auto& [id, step] : facts.created) {
    if (!facts.completed.contains(id)) {
      open_steps.insert(step);
      open_ids.insert(id);
    }
  }
  for (const auto& [id, step] : facts.created) {
    const bool left = std::ranges::count(c.path, step) > 0;
    if (left != facts.completed.contains(id)) {
      violation(name + ": path " + (left ? "has" : "has not") + " left " + step + " but its task " +
                std::to_string(id) + " is " + (left ? "not completed" : "completed"));
    }
  }
  auto open = engine_.tasks({.case_id = c.id});
  if (!open) return violation(name + ": listing its open tasks: " + to_string(open.error()));
  std::set<TaskId> listed;
  for (const Task& t : *open) listed.insert(t.id);
  if (listed != open_ids) {
    violation(name + ": the worklist shows " + std::to_string(listed.size()) +
              " open tasks, its history " + std::to_string(open_ids.size()));
  }

  const long ends = std::ranges::count(history, EventType::case_completed, &HistoryEvent::event);
  const Value* done = c.variables.find(kDoneVariable);
  if (facts.completed.size() == 2) {
    if (c.status != CaseStatus::completed || !c.ended_at || ends != 1 ||
        history.back().event != EventType::case_completed || !c.active.empty() || done == nullptr ||
        !(*done == Value{true})) {
      violation(name + ": both tasks completed but the case is " +
                std::string{to_string(c.status)} + (c.ended_at ? "" : ", without ended_at") +
                ", with " + std::to_string(ends) + " case_completed events (must be the last)" +
                ", " + std::to_string(c.active.size()) + " active steps, `done` " +
                (done != nullptr ? "set" : "missing"));
    }
    return;
  }
  std::vector<std::string> expected(open_steps.begin(), open_steps.end());
  if (facts.completed.size() == 1) expected.emplace_back(kJoinStep);
  std::ranges::sort(expected);
  if (c.status != CaseStatus::active || c.ended_at || ends != 0 || done != nullptr ||
      c.active != expected) {
    std::string active;
    for (const std::string& step : c.active) active += " " + step;
    violation(name + ": " + std::to_string(facts.completed.size()) + " of 2 tasks completed " +
              "but the case is " + std::string{to_string(c.status)} +
              (c.ended_at ? ", with ended_at" : "") + ", " + std::to_string(ends) +
              " case_completed events, `done` " + (done != nullptr ? "set" : "missing") +
              ", active at [" + active + " ]");
  }
  if (options_.all_completed) violation(name + ": not completed (--all-completed)");
}

void Verifier::check_stray_tasks() {
  const TaskId highest = task_owner_.empty() ? 0 : task_owner_.rbegin()->first;
  for (TaskId id = 1; id <= highest + kProbeBeyond; ++id) {
    auto task = engine_.task(id);
    if (!task) {
      if (task.error().code != ErrorCode::not_found) {
        violation("task " + std::to_string(id) + ": reading it: " + to_string(task.error()));
      }
      continue;
    }
    if (!task_owner_.contains(id)) {
      violation("task " + std::to_string(id) + " of case " + std::to_string(task->case_id) +
                " is in the store but in no case's history (half-applied commit)");
    }
  }
  auto open = engine_.tasks({});
  if (!open) return violation("listing the open tasks: " + to_string(open.error()));
  for (const Task& t : *open) {
    const auto owner = cases_.find(t.case_id);
    if (owner == cases_.end() || owner->second.snapshot.status != CaseStatus::active) {
      violation("open task " + std::to_string(t.id) + " belongs to case " +
                std::to_string(t.case_id) + ", which is not an active case");
    }
  }
}

void Verifier::check_acknowledgements(const AckLog& log) {
  for (const std::string& problem : log.problems) violation(problem);
  std::map<std::string, std::vector<std::string>> unacknowledged;  // run -> changes
  std::map<std::string, CaseId> key_of_case;
  for (const auto& [id, facts] : cases_) {
    const std::string& key = facts.snapshot.key;
    const auto ack = log.started.find(key);
    const bool start_acked = ack != log.started.end() && ack->second == id;
    if (!start_acked) unacknowledged[run_of(key)].push_back("the start of " + key);
    for (const auto& [task, by] : facts.completed) {
      const auto done = log.completed.find(task);
      if (done == log.completed.end()) {
        unacknowledged[run_of(key)].push_back("the completion of task " + std::to_string(task) +
                                              " of " + key);
      }
    }
  }
  for (const auto& [key, id] : log.started) {
    const auto found = cases_.find(id);
    if (found == cases_.end()) {
      violation("acknowledged start of " + key + " as case " + std::to_string(id) +
                " is lost: no such case after reopening");
    } else if (found->second.snapshot.key != key) {
      violation("acknowledged start of " + key + " as case " + std::to_string(id) +
                ", but that case has key " + found->second.snapshot.key);
    }
  }
  for (const auto& [task, ack] : log.completed) {
    const auto found = cases_.find(ack.case_id);
    const auto done = found == cases_.end() ? std::map<TaskId, std::string>::const_iterator{}
                                            : found->second.completed.find(task);
    if (found == cases_.end() || done == found->second.completed.end()) {
      violation("acknowledged completion of task " + std::to_string(task) + " (case " +
                std::to_string(ack.case_id) + ", by " + ack.by +
                ") is lost: the task is not completed after reopening");
    } else if (done->second != ack.by) {
      violation("task " + std::to_string(task) + " acknowledged as completed by " + ack.by +
                " but its history says " + done->second);
    }
  }
  const std::size_t allowed = options_.all_acknowledged ? 0 : 1;
  for (const auto& [run, changes] : unacknowledged) {
    unacknowledged_ += changes.size();
    if (changes.size() <= allowed) continue;
    std::string list;
    for (const std::string& change : changes) list += "; " + change;
    violation("run " + run + ": " + std::to_string(changes.size()) +
              " changes are in the database without an acknowledgement, at most " +
              std::to_string(allowed) + " may be (the call in flight)" + list);
  }
}

void Verifier::print_summary(std::size_t acked_starts, std::size_t acked_completions) const {
  std::size_t completed_cases = 0;
  std::size_t completed_tasks = 0;
  for (const auto& [id, facts] : cases_) {
    completed_cases += facts.snapshot.status == CaseStatus::completed ? 1 : 0;
    completed_tasks += facts.completed.size();
  }
  std::cout << "verified " << options_.path << ": integrity ok; " << cases_.size() << " cases ("
            << completed_cases << " completed), " << task_owner_.size() << " tasks ("
            << completed_tasks << " completed), " << history_events_ << " history events; "
            << acked_starts << " acknowledged starts and " << acked_completions
            << " acknowledged completions all present; " << unacknowledged_
            << " unacknowledged changes (calls in flight)\n";
}

}  // namespace

int run_verify(const VerifyOptions& options) {
  const AckLog log = read_ack_log(options.ack_log);
  std::vector<std::string> file_problems = check_file_integrity(options.path);
  if (!file_problems.empty()) {
    for (const std::string& problem : file_problems) std::cout << "VIOLATION " << problem << '\n';
    return 1;
  }
  auto harness = Harness::open(options.path, {}, {.must_exist = true});
  if (!harness) {
    std::cout << "VIOLATION reopening " << options.path << ": " << to_string(harness.error())
              << '\n';
    return 1;
  }
  Verifier verifier((*harness)->engine(), options);
  for (std::string& problem : check_journal_mode(options.path)) verifier.violation(problem);
  verifier.check_cases();
  verifier.check_stray_tasks();
  verifier.check_acknowledgements(log);
  if (!verifier.violations().empty()) {
    for (const std::string& v : verifier.violations()) std::cout << "VIOLATION " << v << '\n';
    std::cout << verifier.violations().size() << " violations in " << options.path << '\n';
    return 1;
  }
  verifier.print_summary(log.started.size(), log.completed.size());
  return 0;
}

}  // namespace crmflow::durability
