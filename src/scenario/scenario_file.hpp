// crmflow::scenario: a scenario file (spec/scenario-format.md) as the reader hands it to the
// runner: every field typed and checked, every process loaded and validated, every path resolved
// against the file's folder. Nothing here is a YAML node any more; each action and expectation
// item keeps only its place in the file, for messages.
//
//   std::vector<Diagnostic> problems;
//   std::optional<scenario::ScenarioFile> file = scenario::read_scenario_file(path, problems);
//   if (!file) for (const auto& d : problems) std::cerr << d.format() << '\n';
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crmflow/calendar.hpp"
#include "crmflow/error.hpp"
#include "crmflow/handler.hpp"
#include "crmflow/process.hpp"
#include "crmflow/time.hpp"
#include "crmflow/value.hpp"
#include "yaml/diagnostic.hpp"

namespace crmflow::scenario {

using yaml::Mark;

// The business calendars of the file (in place, or the calendars file it names), read and
// checked: what the engine counts business time with.
struct Calendars {
  std::string file;  // the calendars file as resolved, "" when written in place
  crmflow::Calendars calendars;
  Mark at;
};

// One entry of `users`: the directory the engine sees during a run.
struct User {
  std::string name;
  std::vector<std::string> groups;
  std::map<std::string, std::string> addresses;  // channel -> address (sms, email, ...)
  std::vector<std::string> manages;              // the groups whose tasks they manage
};

// A fake service handler: `{returns: MAP}`, `{error: CODE}` (a business error), or
// `{fail: N, error: MESSAGE, then: HANDLER}` (N technical failures per job, then HANDLER).
struct FakeHandler {
  enum class Kind : std::uint8_t { returns, business_error, fail_then };
  Kind kind = Kind::returns;
  Value result = Value::Object{};  // returns: the handler's result
  std::string error;               // business_error: the code; fail_then: the failure message
  std::int64_t failures = 0;       // fail_then: how many technical failures first
  std::shared_ptr<const FakeHandler> then;  // fail_then: what happens after (never null)
};

enum class ActionKind : std::uint8_t {
  start,
  complete,
  claim,
  unclaim,
  delegate,
  reassign,  // docs/scenarios.md: a manager gives the task to another user (or back to its group)
  message,
  signal,
  advance,
  at,
  cancel,
  retry,
  deploy,
  restart,  // docs/scenarios.md: a new engine over the same store (reopened from disk for sqlite)
  expect,
  expect_error,  // only as the word in the file: an Action keeps the inner kind and expected_error
};

// "start", "complete", ... as written in files.
std::string_view action_name(ActionKind kind);

// The statuses a case can have, as written in `status:` and `cases:`.
inline constexpr std::string_view kCaseStatuses[] = {"active", "completed", "terminated",
                                                     "cancelled", "incident"};

struct ExpectedTask {
  std::optional<std::string> step;
  std::optional<std::optional<std::string>> assignee;  // set to nullopt inside: unassigned
  std::optional<std::vector<std::string>> groups;      // candidate groups, order ignored
  std::optional<std::vector<std::string>> users;       // candidate users, order ignored
  std::optional<DateTime> due;
  std::optional<std::int64_t> priority;
  Mark at;
};

struct ExpectedWorklist {
  std::string user;
  bool manager = false;  // `manager: U`: U's manager's view (docs/scenarios.md), not `user: U`
  std::vector<std::string> steps;  // a step once per task, order ignored
};

struct ExpectedNotification {
  std::optional<std::string> channel;
  std::optional<std::string> to;
  std::optional<std::string> contains;  // a part of the text (or an e-mail's body)
  std::optional<std::string> text;      // the whole text (or body)
  std::optional<std::string> subject;
  Mark at;
};

struct ExpectedIncident {
  std::optional<std::string> step;
  std::optional<std::string> contains;
};

struct ExpectedCases {
  std::optional<std::string> process;  // any process when absent
  std::optional<std::string> status;   // any status when absent
  std::int64_t count = 0;
};

struct ExpectedEvent {
  std::string event;
  std::optional<std::string> step;
};

// One `expect:`; every field is optional and only the given ones are checked.
struct Expectation {
  std::optional<std::string> status;
  std::optional<std::vector<std::string>> active;
  std::optional<std::vector<ExpectedTask>> tasks;
  std::optional<ExpectedWorklist> worklist;
  std::optional<Value::Object> vars;  // null: the variable is absent
  std::optional<std::vector<std::string>> path;
  std::optional<std::int64_t> progress;
  std::optional<std::vector<ExpectedNotification>> sent;
  std::optional<std::int64_t> sent_count;
  std::optional<ExpectedIncident> incident;
  std::optional<ExpectedCases> cases;
  std::optional<std::vector<ExpectedEvent>> history;
};

// One item of `do`. Which fields mean something depends on `kind` (the table of the spec);
// the reader has refused every field the kind does not take.
struct Action {
  ActionKind kind = ActionKind::expect;
  Mark at;             // the item's first character
  std::string target;  // start: process; complete/claim/unclaim/delegate/retry: step;
                       // message/signal: name; deploy: the file as resolved
  std::optional<std::string> key;
  std::optional<Value> vars;  // always an object
  std::optional<std::string> by;
  std::optional<std::string> alias;         // start: `as` (the reader fills in "case")
  std::optional<std::int64_t> version;      // start
  std::optional<std::string> case_alias;    // `case`: the case acted on or checked
  std::optional<std::int64_t> task;         // `task: N`, 1-based
  std::optional<std::string> to;            // delegate, reassign
  std::optional<std::string> reason;        // cancel
  Duration advance;                         // advance
  DateTime moment;                          // at
  std::shared_ptr<const Process> deployed;  // deploy: the loaded definition
  std::optional<Expectation> expect;        // expect
  std::optional<ErrorCode> expected_error;  // set when the action was written under expect_error
};

struct Scenario {
  std::string name;
  Mark at;
  std::vector<Action> actions;
};

// A whole file, read without a problem.
struct ScenarioFile {
  std::string file;                                       // as given to the reader
  std::vector<std::shared_ptr<const Process>> processes;  // in the order written
  std::optional<Calendars> calendars;
  DateTime clock;           // 2026-01-01T00:00:00Z unless `clock:` says otherwise
  bool sqlite = false;      // `store: sqlite`
  std::vector<User> users;  // in the order written
  std::map<std::string, std::shared_ptr<const FakeHandler>> handlers;
  // Handlers written in the `--handlers` form (`{type: http | command, ...}`; docs/scenarios.md):
  // real programs and web hooks, called as the runner would call them.
  std::map<std::string, Handler> external_handlers;
  std::vector<Scenario> scenarios;
};

}  // namespace crmflow::scenario
