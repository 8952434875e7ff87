// crmflow start PROCESS [--key K] [--by U] [--version N] [--var NAME=VALUE]... [--vars-file F]
#include <fmt/core.h>

#include <cstdint>
#include <limits>

#include "commands.hpp"
#include "session.hpp"
#include "store_commands.hpp"

namespace crmflow::cli {

int run_start(const Arguments& args) {
  const std::string& process = args.positional().front();
  StartOptions options;
  options.key = args.get("key").value_or("");
  options.by = args.get("by").value_or("");
  if (auto written = args.get("version")) {
    auto version = parse_id(*written, "--version");
    if (!version ||
        *version > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return usage(fmt::format("--version must be a deployed version number (1, 2, ...), not '{}'",
                               *written));
    }
    options.version = static_cast<std::int64_t>(*version);
  }
  if (auto code = check_vars_usage(args)) return *code;

  auto session = Session::open(args);
  if (!session) return fail(args, session.error());
  Session& s = **session;
  // `--by` is checked only against a configured directory (spec/cli.md); the engine itself
  // records the initiator without asking the directory.
  if (!options.by.empty() && s.has_users_file() && !s.directory().has_user(options.by)) {
    return fail(args, not_authorized(
                          fmt::format("start '{}': user '{}' is unknown to the directory (--users)",
                                      process, options.by)));
  }
  auto vars = read_vars(args, declared_text_variables(s, process, options.version));
  if (!vars) return fail(args, vars.error());
  options.vars = *std::move(vars);
  auto id = s.engine().start(process, options);
  if (!id) return fail(args, id.error());
  if (!s.json()) {
    fmt::print("{}\n", *id);
    return kExitOk;
  }
  auto started = s.engine().get_case(*id);
  if (!started) return fail(args, started.error());
  print_json(Value::Object{{"id", static_cast<std::int64_t>(*id)},
                           {"process", started->process_id},
                           {"version", started->version},
                           {"key", started->key}});
  return kExitOk;
}

}  // namespace crmflow::cli
