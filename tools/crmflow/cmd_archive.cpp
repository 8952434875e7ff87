// crmflow archive (--ended-before DATETIME | --older-than DURATION) --to FILE.jsonl [--limit N]:
// history retention (docs/retention.md). Every case that ended before the cutoff is appended to
// FILE.jsonl as one JSON line, flushed to disk, and only then removed from the store.
#include <fmt/core.h>

#include <optional>
#include <string>

#include "commands.hpp"
#include "query_views.hpp"
#include "session.hpp"
#include "store_commands.hpp"
#include "time/arithmetic.hpp"
#include "time/iso8601.hpp"

namespace crmflow::cli {
namespace {

// --ended-before: a datetime (UTC when it has no offset) or a date (its midnight, UTC).
Result<Instant> parse_cutoff(const std::string& text) {
  if (auto at = time::parse_datetime(text, nullptr)) return at->at;
  if (auto day = time::parse_date(text)) return Instant{day->day};
  return invalid_input(fmt::format(
      "--ended-before '{}' is not a datetime: write it as 2026-01-31T09:00:00Z (UTC when the "
      "offset is left out) or as a date, 2026-01-31",
      text));
}

// --older-than: a positive ISO 8601 duration counted back from now.
Result<Instant> parse_age(const std::string& text, Instant now) {
  auto age = time::parse_duration(text);
  if (!age) {
    return invalid_input(fmt::format("--older-than '{}': {} (write a duration such as P90D)", text,
                                     age.error().message));
  }
  auto back = time::negate(*age);
  if (!back) return invalid_input(fmt::format("--older-than '{}': {}", text, back.error().message));
  auto cutoff = time::add(now, *back, nullptr);
  if (!cutoff) {
    return invalid_input(fmt::format("--older-than '{}': {}", text, cutoff.error().message));
  }
  if (*cutoff >= now) {
    return invalid_input(
        fmt::format("--older-than '{}': give a positive duration such as P90D", text));
  }
  return *cutoff;
}

}  // namespace

int run_archive(const Arguments& args) {
  const auto ended_before = args.get("ended-before");
  const auto older_than = args.get("older-than");
  if (ended_before.has_value() == older_than.has_value()) {
    return usage("archive: give either --ended-before DATETIME or --older-than DURATION");
  }
  const auto to = args.get("to");
  if (!to || to->empty()) {
    return usage("archive: give --to FILE.jsonl, where the cases go before they are removed");
  }
  auto page = read_page(args);
  if (!page) return usage(page.error().message);
  const Instant now = SystemClock::instance().now();
  auto cutoff = ended_before ? parse_cutoff(*ended_before) : parse_age(*older_than, now);
  if (!cutoff) return usage(cutoff.error().message);

  auto session = Session::open(args);
  if (!session) return fail(args, session.error());
  auto sink = jsonl_archive_sink(*to);
  if (!sink) return fail(args, sink.error());
  auto outcome = (*session)->engine().archive(
      ArchiveOptions{.ended_before = *cutoff, .max_cases = page->limit, .sink = *sink});
  if (!outcome) return fail(args, outcome.error());
  if ((*session)->json()) {
    print_json(Value::Object{{"archived", static_cast<std::int64_t>(outcome->archived)},
                             {"kept", static_cast<std::int64_t>(outcome->kept)},
                             {"ended_before", rfc3339(*cutoff)},
                             {"to", *to}});
  } else {
    fmt::print("{} case{} archived to {}", outcome->archived, outcome->archived == 1 ? "" : "s",
               *to);
    if (outcome->kept > 0) {
      fmt::print(" ({} kept for now: called by a running case, or notifications to deliver)",
                 outcome->kept);
    }
    fmt::print("\n");
  }
  return kExitOk;
}

}  // namespace crmflow::cli
