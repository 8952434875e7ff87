// crmflow tick [--now DATETIME]: fires every job due up to now (timers, boundary timers, alarms,
// service jobs, triggers), delivers the notifications due when --channels is given, then stops.
#include <fmt/core.h>

#include "commands.hpp"
#include "session.hpp"
#include "store_commands.hpp"
#include "time/iso8601.hpp"

namespace crmflow::cli {

int run_tick(const Arguments& args) {
  SessionOptions options;
  if (auto written = args.get("now")) {
    // Without an offset the text is UTC, like every time the runner prints.
    auto now = time::parse_datetime(*written, nullptr);
    if (!now) {
      return usage(
          fmt::format("--now '{}': {} (write an RFC 3339 time such as "
                      "2026-02-02T10:00:00Z)",
                      *written, now.error().message));
    }
    options.now = now->at;
  } else {
    // One reading of the system clock for the whole tick: jobs that fall due while it runs wait
    // for the next one.
    options.now = SystemClock::instance().now();
  }
  const Instant now = *options.now;
  auto session = Session::open(args, options);
  if (!session) return fail(args, session.error());
  RunDueCounts counts;
  auto done = (*session)->engine().run_due(now, {.counts = &counts});
  if (!done) return fail(args, done.error());
  const bool delivering = args.has("channels");
  if ((*session)->json()) {
    Value out = Value::Object{{"fired", static_cast<std::int64_t>(counts.jobs)},
                              {"now", rfc3339(now)}};
    if (delivering) out.set("deliveries", static_cast<std::int64_t>(counts.deliveries));
    print_json(out);
  } else if (delivering) {
    fmt::print("{} job{} fired, {} notification{} delivered or retried\n", counts.jobs,
               counts.jobs == 1 ? "" : "s", counts.deliveries, counts.deliveries == 1 ? "" : "s");
  } else {
    fmt::print("{} job{} fired\n", counts.jobs, counts.jobs == 1 ? "" : "s");
  }
  return kExitOk;
}

}  // namespace crmflow::cli
