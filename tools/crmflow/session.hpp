// What every command against a store shares (spec/cli.md, "Running flows against a store"): the
// store `--db` names (default `crmflow.db`), the directory of `--users`, an Engine over them on
// the system clock, and the one way results and errors leave the process (plain text, or one JSON
// document with `--json`).
//
//   auto session = Session::open(args);
//   if (!session) return fail(args, session.error());
//   auto id = session->engine().start(...);
//   if (!id) return fail(args, id.error());
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arguments.hpp"
#include "crmflow/calendar.hpp"
#include "crmflow/diagnostic.hpp"
#include "crmflow/directory.hpp"
#include "crmflow/engine.hpp"
#include "crmflow/error.hpp"
#include "crmflow/store.hpp"
#include "crmflow/time.hpp"
#include "crmflow/value.hpp"

namespace crmflow::cli {

// How a command wants its session (additions for commands with special needs).
struct SessionOptions {
  // The moment the engine's clock reads for the whole command (`tick --now`); nullopt: the
  // system clock, read afresh at each use.
  std::optional<Instant> now{};
  // The business calendars, when the command has already read --calendars (deploy reads them
  // before anything else, to check the definitions' calendar names); nullopt: the session reads
  // --calendars itself.
  std::optional<Calendars> calendars{};
};

class Session {
 public:
  // Opens the store of --db, reads --users (a mapping of user names to {groups, email, sms,
  // ...}, bare or under a top-level `users:` key) and --calendars (a calendars file: the
  // engine counts due dates, alarms and timers with `calendar:` in their business time).
  // Without --users every `--by` is accepted (the engine runs with a directory that knows every
  // user named in the call); without --calendars the engine has none, and a case that needs
  // one raises an incident. Errors: the store's; invalid_input naming FILE:LINE:COL for a bad
  // users or calendars file.
  static Result<std::unique_ptr<Session>> open(const Arguments& args);
  // As open(args), with the clock (and calendars) of `options`. Both read --channels (the
  // engine's run_due, hence `tick` and `run`, then delivers the outbox through them) and
  // --handlers (service handlers for `tick` and `run`): invalid_input naming FILE:LINE:COL for
  // a bad file, before the store is opened.
  static Result<std::unique_ptr<Session>> open(const Arguments& args,
                                               const SessionOptions& options);

  Store& store();
  Engine& engine();
  const Directory& directory() const;
  bool json() const;
  // Whether --users gave the directory. Without it every non-empty user name is known and no one
  // is in any group, so a task offered only to groups can be acted on by nobody.
  bool has_users_file() const;
  ~Session();

 private:
  struct Parts;
  explicit Session(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

// The calendars of --calendars FILE (Calendars::load_file), nullopt without the option.
// Errors: invalid_input with the first problem as FILE:LINE:COL: error: MESSAGE, and how many
// more the file has.
Result<std::optional<Calendars>> read_calendars_option(const Arguments& args);

// Prints the refusal (`crmflow: error: CODE: MESSAGE` on stderr, or with --json
// `{"error": {"code", "message"}}` on stderr) and returns exit code 1.
int fail(const Arguments& args, const Error& error);
// Bad usage: `crmflow: usage: MESSAGE` on stderr; returns exit code 2.
int usage(std::string_view message);
// As fail(), printing what a definition file has wrong: each diagnostic as
// `FILE:LINE:COL: error: MESSAGE` on stderr, or with --json one document
// `{"error": {"code", "message", "diagnostics": [{"file", "line", "column", "message"}]}}`
// (line and column 0 for a problem without a place). Returns exit code 1.
int fail_with_diagnostics(const Arguments& args, const Error& error,
                          const std::vector<Diagnostic>& diagnostics);

// The variables of --var NAME=VALUE (each VALUE a YAML 1.2 core scalar; a dotted NAME sets a
// nested field) merged over those of --vars-file F.yaml (an object), as an object, or null when
// neither is given. Conversion to declared types is the engine's (forms, `variables:`).
// Errors: invalid_input naming the --var or FILE:LINE:COL.
Result<Value> read_vars(const Arguments& args);
// One --var as written: the dotted NAME (split at the first `=`) and the VALUE typed as a YAML
// 1.2 core plain scalar (`500000` an integer, `true` a boolean, `2026-02-02`, `a: b` and `[x]`
// text, nothing after the `=` null), or as one single- or double-quoted YAML scalar when VALUE
// starts with a quote (always text: `"0912"`). `text` is VALUE as text (quotes undone).
// Errors: invalid_input for a missing `=`, an empty name or name segment (`a..b`), a quoted
// VALUE that is not exactly one quoted scalar, a number too large for a double.
struct VarAssignment {
  std::string name;
  Value value;
  std::string text;
};
Result<VarAssignment> parse_var(std::string_view text);

// As read_vars, for variables some of which are declared as text (`string` or `text` in the
// process's `variables:` or the task's form): a top-level one among `text_names` written as a
// plain number or boolean (`--var phone=09121234567`, `phone: 0912` in the file) keeps the text
// as written, so that leading zeros survive.
Result<Value> read_vars(const Arguments& args, const std::vector<std::string>& text_names);
// Bad usage in --var (see parse_var): prints it and returns exit code 2; nullopt when every
// --var is well formed. Commands call it before opening the store.
std::optional<int> check_vars_usage(const Arguments& args);

// The top-level variables declared as string or text by the process version a start would run
// (`version` nullopt: the latest), or by the form of a task's step. Empty when the process, the
// version or the task is unknown: the engine's call then refuses with the reason.
std::vector<std::string> declared_text_variables(Session& session, std::string_view process_id,
                                                 std::optional<std::int64_t> version);
std::vector<std::string> declared_text_fields(Session& session, TaskId task);

// A positive id from a positional argument or option value; invalid_input naming `what`.
Result<std::uint64_t> parse_id(std::string_view text, std::string_view what);

// RFC 3339 in UTC, seconds precision unless sub-second: "2026-02-02T10:00:00Z".
std::string rfc3339(Instant at);

// Prints one JSON document (pretty, ends in a newline) on stdout.
void print_json(const Value& document);

}  // namespace crmflow::cli
