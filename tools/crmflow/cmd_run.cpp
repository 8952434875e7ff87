// crmflow run [--workers N]: stays up, firing what is due as time passes (crmflow::Runner), until
// SIGINT or SIGTERM. The log goes to stderr, one line per event: a start line, one line per pass
// that fired jobs, one per error (the runner goes on), and a stop line; with --json each is one
// JSON object. Exit code 0 after a clean stop; a second signal ends the process at once, which
// loses nothing either (docs/runner.md).
#include <fmt/core.h>

#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>
#include <string>

#include "commands.hpp"
#include "crmflow/json.hpp"
#include "crmflow/runner.hpp"
#include "session.hpp"
#include "store_commands.hpp"

namespace crmflow::cli {
namespace {

constexpr std::size_t kMaxWorkers = 64;
constexpr std::chrono::milliseconds kPollInterval{1000};

// One log line on stderr: `TIME TEXT`, or with --json `{"at": TIME, ...fields}`.
class RunLog {
 public:
  explicit RunLog(bool json) : json_(json) {}

  void line(const std::string& text, Value::Object fields) const {
    const std::string at = rfc3339(SystemClock::instance().now());
    if (json_) {
      Value::Object document{{"at", at}};
      for (auto& [name, value] : fields) document.emplace(name, std::move(value));
      fmt::print(stderr, "{}\n", to_json(Value{std::move(document)}));
    } else {
      fmt::print(stderr, "{} {}\n", at, text);
    }
    std::fflush(stderr);
  }

 private:
  bool json_;
};

std::optional<std::size_t> parse_workers(const std::string& text) {
  std::size_t workers = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, workers);
  if (text.empty() || ec != std::errc{} || ptr != end || workers == 0 || workers > kMaxWorkers) {
    return std::nullopt;
  }
  return workers;
}

}  // namespace

int run_run(const Arguments& args) {
  std::size_t workers = 1;
  if (auto written = args.get("workers")) {
    auto parsed = parse_workers(*written);
    if (!parsed) {
      return usage(
          fmt::format("--workers '{}': write a whole number from 1 to {}", *written, kMaxWorkers));
    }
    workers = *parsed;
  }
  auto session = Session::open(args);
  if (!session) return fail(args, session.error());
  const RunLog log{(*session)->json()};

  RunnerOptions options;
  options.workers = workers;
  // Every new job of a CLI user comes from another process (`crmflow start`, `complete`, ...),
  // which cannot wake this one: look at the database each second (one indexed read).
  options.poll_interval = kPollInterval;
  options.stop_signals = {SIGINT, SIGTERM};
  options.on_pass = [&log](const RunnerPass& pass) {
    std::string text = fmt::format("fired {} job{}", pass.fired, pass.fired == 1 ? "" : "s");
    if (pass.delivered != 0) {
      text += fmt::format(", {} notification{} delivered or retried", pass.delivered,
                          pass.delivered == 1 ? "" : "s");
    }
    log.line(text, {{"fired", static_cast<std::int64_t>(pass.fired)},
                    {"delivered", static_cast<std::int64_t>(pass.delivered)},
                    {"now", rfc3339(pass.now)}});
  };
  options.on_error = [&log](const Error& error) {
    log.line(fmt::format("error: {}: {} (trying again)", to_string(error.code), error.message),
             {{"error", Value::Object{{"code", std::string{to_string(error.code)}},
                                      {"message", error.message}}}});
  };
  // Printed once the signals are handled: from then on SIGTERM stops the runner cleanly.
  options.on_started = [&log, &args, workers] {
    const std::string db = args.get("db").value_or("crmflow.db");
    log.line(fmt::format("running on {} with {} worker{}; stop with Ctrl-C or SIGTERM", db, workers,
                         workers == 1 ? "" : "s"),
             {{"started", db}, {"workers", static_cast<std::int64_t>(workers)}});
  };
  Runner runner{(*session)->engine(), std::move(options)};
  if (auto s = runner.run(); !s) return fail(args, s.error());
  log.line("stopped", {{"stopped", true}});
  return kExitOk;
}

}  // namespace crmflow::cli
