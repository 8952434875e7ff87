// crmflow::scenario: the reader of one scenario file (internal to read_scenario.cpp and its
// companions read_setup.cpp, read_actions.cpp, read_expectation.cpp).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario_file.hpp"
#include "yaml/fields.hpp"
#include "yaml/node.hpp"

namespace crmflow::scenario {

using yaml::Node;

class Reader {
 public:
  Reader(std::string_view text, std::string file_name, std::vector<Diagnostic>& own,
         std::vector<Diagnostic>& elsewhere);

  // Fills `file` from the document's root; problems go to the lists given to the constructor.
  void read(const Node& root, ScenarioFile& file);

 private:
  // What the reader knows of one scenario's cases while it reads the actions in order.
  struct CaseScope {
    std::map<std::string, std::string, std::less<>> aliases;  // alias -> process id ("" unknown)
    std::optional<std::string> last;                          // the most recent start's alias
  };

  // read_setup.cpp
  void read_processes(const Node& node, ScenarioFile& file);
  std::shared_ptr<const Process> load_in_place(const Node& mapping);
  std::shared_ptr<const Process> load_path(const Node& node, std::string_view owner,
                                           std::string_view field);
  void remember(const std::shared_ptr<const Process>& process);
  void read_calendars(const Node& node, ScenarioFile& file);
  void read_users(const Node& node, ScenarioFile& file);
  std::shared_ptr<const FakeHandler> read_handler(const Node& node, const std::string& owner);

  // read_actions.cpp
  void read_scenarios(const Node& node, ScenarioFile& file);
  // `under_expect_error`: `item` is the map under expect_error, with `code` beside the action.
  std::optional<Action> read_action(const Node& item, CaseScope& cases, bool under_expect_error);
  std::optional<Action> read_expected_error(const Node& value, CaseScope& cases);
  // The value of the action word (`value`, in `item`): the process, step, name, duration, ...
  void read_action_target(const Node& item, const Node& value, Action& action, CaseScope& cases,
                          bool under_expect_error);
  // The process id of the case an action acts on (its `case`, or the last started), "" when it
  // is unknown; nullopt (after reporting it, at the item's `case` or else at `fallback`) when
  // there is no such case.
  std::optional<std::string> case_process(const Node& item, const Node& fallback,
                                          const std::optional<std::string>& alias,
                                          const CaseScope& cases, std::string_view owner);
  // Reports `step` at `at` when the process with that id (every version the file knows) has no
  // such step. An unknown or empty process id checks nothing.
  void check_step(const Node& at, const std::string& step, const std::string& process_id);
  // As check_step, for actions on tasks: a step of a process `process_id` calls (directly or
  // further down) also counts, since its tasks are acted on through the caller.
  void check_task_step(const Node& at, const std::string& step, const std::string& process_id);

  // read_expectation.cpp
  void read_expect_action(const Node& item, const Node& value, Action& action,
                          const CaseScope& cases);
  std::optional<Expectation> read_expectation(const Node& node, const std::string& process_id);
  std::optional<ExpectedTask> read_expected_task(const Node& node, const std::string& process_id);
  std::optional<ExpectedNotification> read_expected_notification(const Node& node);
  std::optional<std::vector<ExpectedEvent>> read_history(const Node& node,
                                                         const std::string& process_id);
  // A list of step ids of the case's process (`any_process`: of any process of the file);
  // `unique`: each at most once.
  std::optional<std::vector<std::string>> read_steps(const Node& node, std::string_view owner,
                                                     std::string_view field,
                                                     const std::string& process_id, bool unique,
                                                     bool any_process = false);

  std::string_view text_;
  std::string file_name_;
  std::filesystem::path folder_;
  yaml::FieldReader fields_;  // reports into `own`
  std::vector<Diagnostic>& elsewhere_;
  std::optional<std::vector<std::string>> calendar_names_;
  // A process of the file could not be loaded: its id is unknown, so `start:` is not checked.
  bool some_process_unknown_ = false;
  // Every step id of every version of each process the file knows (processes and deploys).
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> steps_by_process_;
  std::set<std::string, std::less<>> all_steps_;
  // The processes each process starts through `call` steps (any version).
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> calls_by_process_;
};

}  // namespace crmflow::scenario
