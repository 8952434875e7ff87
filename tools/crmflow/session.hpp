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

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "arguments.hpp"
#include "crmflow/directory.hpp"
#include "crmflow/engine.hpp"
#include "crmflow/error.hpp"
#include "crmflow/store.hpp"
#include "crmflow/time.hpp"
#include "crmflow/value.hpp"

namespace crmflow::cli {

class Session {
 public:
  // Opens the store of --db and reads --users (a mapping of user names to {groups, email, sms,
  // ...}, bare or under a top-level `users:` key). Without --users every `--by` is accepted
  // (the engine runs with a directory that knows every user named in the call).
  // Errors: the store's; invalid_input naming FILE:LINE:COL for a bad users file.
  static Result<std::unique_ptr<Session>> open(const Arguments& args);

  Store& store();
  Engine& engine();
  const Directory& directory() const;
  bool json() const;
  ~Session();

 private:
  struct Parts;
  explicit Session(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

// Prints the refusal (`crmflow: error: CODE: MESSAGE` on stderr, or with --json
// `{"error": {"code", "message"}}` on stderr) and returns exit code 1.
int fail(const Arguments& args, const Error& error);
// Bad usage: `crmflow: usage: MESSAGE` on stderr; returns exit code 2.
int usage(std::string_view message);

// The variables of --var NAME=VALUE (each VALUE a YAML 1.2 core scalar; a dotted NAME sets a
// nested field) merged over those of --vars-file F.yaml (an object), as an object, or null when
// neither is given. Conversion to declared types is the engine's (forms, `variables:`).
// Errors: invalid_input naming the --var or FILE:LINE:COL.
Result<Value> read_vars(const Arguments& args);

// A positive id from a positional argument or option value; invalid_input naming `what`.
Result<std::uint64_t> parse_id(std::string_view text, std::string_view what);

// RFC 3339 in UTC, seconds precision unless sub-second: "2026-02-02T10:00:00Z".
std::string rfc3339(Instant at);

// Prints one JSON document (pretty, ends in a newline) on stdout.
void print_json(const Value& document);

}  // namespace crmflow::cli
