// A fresh engine on a MemoryStore with a manual clock, a directory and a recording notifier, and
// helpers that read like scenario expectations. Processes are written inline as YAML.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "crmflow/clock.hpp"
#include "crmflow/directory.hpp"
#include "crmflow/engine.hpp"
#include "crmflow/memory_store.hpp"
#include "crmflow/notification.hpp"
#include "crmflow/process.hpp"

namespace crmflow::test {

// 2026-01-01T00:00:00Z
inline Instant start_time() { return Instant{std::chrono::milliseconds{1'767'225'600'000}}; }

struct World {
  MemoryStore store;
  ManualClock clock{start_time()};
  MemoryDirectory directory;
  RecordingNotifier sent;
  Engine engine{store, EngineOptions{.clock = &clock, .directory = &directory, .notifier = &sent}};

  World() {
    directory.add_user("ali", {"reception"}, {{"sms", "+989120000001"}});
    directory.add_user("sara", {"technicians"});
    directory.add_user("omid", {"technicians", "supervisors"});
  }

  // Loads and deploys a process written in YAML; the test fails on any diagnostic.
  Deployment deploy(const std::string& yaml) {
    LoadOutcome outcome = load_process(yaml, "test.yaml");
    std::string messages;
    for (const Diagnostic& d : outcome.diagnostics) messages += d.format() + "\n";
    INFO(messages);
    REQUIRE(outcome.ok());
    auto deployed = engine.deploy(outcome.process);
    REQUIRE(deployed.ok());
    return *deployed;
  }

  CaseId start(const std::string& process, Value vars = {}, std::string by = {}) {
    auto id = engine.start(
        process, StartOptions{.key = "K-1", .by = std::move(by), .vars = std::move(vars)});
    INFO((id.ok() ? std::string{} : to_string(id.error())));
    REQUIRE(id.ok());
    return *id;
  }

  Case get(CaseId id) {
    auto c = engine.get_case(id);
    REQUIRE(c.ok());
    return *c;
  }

  std::vector<std::string> active(CaseId id) { return get(id).active; }
  std::vector<std::string> path(CaseId id) { return get(id).path; }
  CaseStatus status(CaseId id) { return get(id).status; }

  std::vector<Task> open_tasks(CaseId id) {
    auto found = engine.tasks(TaskQuery{.case_id = id});
    REQUIRE(found.ok());
    return *found;
  }

  // The one open task of `step` in the case.
  Task task_at(CaseId id, const std::string& step) {
    std::vector<Task> found;
    for (Task& t : open_tasks(id)) {
      if (t.step_id == step) found.push_back(std::move(t));
    }
    INFO("open tasks at " << step);
    REQUIRE(found.size() == 1);
    return found.front();
  }

  void complete(CaseId id, const std::string& step, const std::string& by, Value vars = {}) {
    auto done = engine.complete(task_at(id, step).id, CompleteOptions{.by = by, .vars = vars});
    INFO((done.ok() ? std::string{} : to_string(done.error())));
    REQUIRE(done.ok());
  }

  // "event:step" for every history event, in order.
  std::vector<std::string> events(CaseId id) {
    auto h = engine.history(id);
    REQUIRE(h.ok());
    std::vector<std::string> out;
    for (const HistoryEvent& e : *h) {
      out.push_back(std::string{to_string(e.event)} + (e.step_id.empty() ? "" : ":" + e.step_id));
    }
    return out;
  }
};

using Steps = std::vector<std::string>;

inline Steps sorted(Steps steps) {
  std::sort(steps.begin(), steps.end());
  return steps;
}

}  // namespace crmflow::test
