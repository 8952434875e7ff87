// `crmflow report [--process P] [--since DATETIME]` (spec/cli.md; docs/report.md): the library's
// build_report over the store, as text sections or one JSON document.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "crmflow/clock.hpp"
#include "crmflow/report.hpp"
#include "session.hpp"
#include "store_commands.hpp"
#include "time/iso8601.hpp"

namespace crmflow::cli {
namespace {

using std::chrono::milliseconds;

// --since: a datetime (UTC when it has no offset) or a date (its midnight, UTC).
Result<Instant> parse_since(const std::string& text) {
  if (auto at = time::parse_datetime(text, nullptr)) return at->at;
  if (auto day = time::parse_date(text)) return Instant{day->day};
  return invalid_input(fmt::format(
      "--since '{}' is not a datetime: write it as 2026-01-31T09:00:00Z (UTC when the offset is "
      "left out) or as a date, 2026-01-31",
      text));
}

// The two largest units, rounded down: "0s", "250ms", "42s", "5m 30s", "2h 5m", "3d 4h".
std::string human(milliseconds d) {
  std::int64_t ms = d.count();
  if (ms < 0) return "-" + human(milliseconds{-ms});
  if (ms == 0) return "0s";
  if (ms < 1000) return fmt::format("{}ms", ms);
  constexpr std::int64_t kUnits[] = {86'400'000, 3'600'000, 60'000, 1000};
  constexpr std::string_view kNames[] = {"d", "h", "m", "s"};
  std::string out;
  int shown = 0;
  for (std::size_t i = 0; i < 4 && shown < 2; ++i) {
    std::int64_t n = ms / kUnits[i];
    ms %= kUnits[i];
    if (n == 0) {
      if (shown > 0) break;  // "2h" rather than "2h 0m"
      continue;
    }
    out += fmt::format("{}{}{}", shown > 0 ? " " : "", n, kNames[i]);
    ++shown;
  }
  return out;
}

// Seconds as a JSON number: an integer when whole.
Value seconds(milliseconds d) {
  if (d.count() % 1000 == 0) return Value{d.count() / 1000};
  return Value{static_cast<double>(d.count()) / 1000.0};
}

// Characters, not bytes: step ids may be written in any script.
std::size_t width(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string pad(std::string_view text, std::size_t to) {
  std::string out{text};
  for (std::size_t w = width(text); w < to; ++w) out += ' ';
  return out;
}

// "3 (active 1, incident 0, completed 1, terminated 0, cancelled 1)"
std::string counts_text(const StatusCounts& c) {
  return fmt::format("{} (active {}, incident {}, completed {}, terminated {}, cancelled {})",
                     c.total(), c.active, c.incident, c.completed, c.terminated, c.cancelled);
}

Value counts_json(const StatusCounts& c) {
  return Value::Object{{"active", c.active},       {"incident", c.incident},
                       {"completed", c.completed}, {"terminated", c.terminated},
                       {"cancelled", c.cancelled}, {"total", c.total()}};
}

Value id_or_null(std::uint64_t id) { return id == kNoId ? Value{} : Value{id}; }

Value to_json(const Report& r) {
  Value::List processes;
  for (const ProcessReport& p : r.processes) {
    Value::List steps;
    for (const StepReport& s : p.steps) {
      const DurationStats& d = s.durations;
      auto stat = [&](milliseconds v) { return d.count == 0 ? Value{} : seconds(v); };
      steps.emplace_back(Value::Object{{"step", s.step_id},
                                       {"active", s.active},
                                       {"passed", s.passed},
                                       {"open_tasks", s.open_tasks},
                                       {"overdue_tasks", s.overdue_tasks},
                                       {"completed_late", s.completed_late},
                                       {"durations", Value::Object{{"count", d.count},
                                                                   {"median", stat(d.median)},
                                                                   {"p90", stat(d.p90)},
                                                                   {"max", stat(d.max)}}}});
    }
    Value::List breaches;
    for (const SlaBreach& b : p.sla_breaches) {
      breaches.emplace_back(
          Value::Object{{"task", b.task_id},
                        {"case", b.case_id},
                        {"step", b.step_id},
                        {"name", b.name},
                        {"due", rfc3339(b.due)},
                        {"completed", b.completed_at ? Value{rfc3339(*b.completed_at)} : Value{}},
                        {"late", seconds(b.late)}});
    }
    Value::List failed;
    for (const FailedNotification& f : p.failed_notifications) {
      failed.emplace_back(Value::Object{{"case", f.case_id},
                                        {"step", f.step_id},
                                        {"task", id_or_null(f.task_id)},
                                        {"at", rfc3339(f.at)},
                                        {"channel", f.channel},
                                        {"message", f.message}});
    }
    processes.emplace_back(Value::Object{{"process", p.process_id},
                                         {"cases", counts_json(p.cases)},
                                         {"steps", std::move(steps)},
                                         {"sla_breaches", std::move(breaches)},
                                         {"failed_notifications", std::move(failed)}});
  }
  return Value::Object{
      {"now", rfc3339(r.now)},
      {"process", r.query.process_id.empty() ? Value{} : Value{r.query.process_id}},
      {"since", r.query.since ? Value{rfc3339(*r.query.since)} : Value{}},
      {"cases", counts_json(r.cases)},
      {"processes", std::move(processes)}};
}

void print_steps(const ProcessReport& p) {
  const std::vector<std::string_view> header = {"step",   "active", "passed",
                                                "median", "p90",    "overdue"};
  std::vector<std::vector<std::string>> rows;
  for (const StepReport& s : p.steps) {
    const bool timed = s.durations.count > 0;
    rows.push_back({s.step_id, fmt::format("{}", s.active), fmt::format("{}", s.passed),
                    timed ? human(s.durations.median) : "-", timed ? human(s.durations.p90) : "-",
                    fmt::format("{}", s.overdue_tasks)});
  }
  std::vector<std::size_t> widths;
  for (std::string_view h : header) widths.push_back(width(h));
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], width(row[i]));
  }
  auto line = [&](const auto& cells) {
    std::string out = "  ";
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out += "  ";
      out += i + 1 == cells.size() ? std::string{cells[i]} : pad(cells[i], widths[i]);
    }
    fmt::print("{}\n", out);
  };
  line(header);
  for (const auto& row : rows) line(row);
}

void print_text(const Report& r) {
  std::string scope =
      r.query.process_id.empty() ? "all processes" : fmt::format("process {}", r.query.process_id);
  if (r.query.since) scope += fmt::format(", cases started since {}", rfc3339(*r.query.since));
  fmt::print("report at {} ({})\n", rfc3339(r.now), scope);
  fmt::print("cases: {}\n", counts_text(r.cases));
  for (const ProcessReport& p : r.processes) {
    fmt::print("\nprocess {}: cases {}\n", p.process_id, counts_text(p.cases));
    print_steps(p);
    fmt::print("  SLA breaches: {}\n", p.sla_breaches.size());
    for (const SlaBreach& b : p.sla_breaches) {
      std::string state = b.completed_at ? "completed " + rfc3339(*b.completed_at) : "open";
      fmt::print("    task {} ({}) of case {} at {}: due {}, {}, {} late\n", b.task_id, b.name,
                 b.case_id, b.step_id, rfc3339(b.due), state, human(b.late));
    }
    if (!p.failed_notifications.empty()) {
      fmt::print("  failed notifications: {}\n", p.failed_notifications.size());
      for (const FailedNotification& f : p.failed_notifications) {
        fmt::print("    case {} at {}, {}: {}: {}\n", f.case_id, f.step_id, rfc3339(f.at),
                   f.channel, f.message);
      }
    }
  }
}

}  // namespace

int run_report(const Arguments& args) {
  ReportQuery query;
  query.process_id = args.get("process").value_or("");
  if (auto since = args.get("since")) {
    auto at = parse_since(*since);
    if (!at) return usage(at.error().message);
    query.since = *at;
  }
  auto session = Session::open(args);
  if (!session) return fail(args, session.error());
  // Judged at the current second: the report reads "now" in whole seconds like every time it shows.
  const Instant now = std::chrono::floor<std::chrono::seconds>(SystemClock{}.now());
  auto report = build_report((*session)->engine(), query, now);
  if (!report) return fail(args, report.error());
  if ((*session)->json()) {
    print_json(to_json(*report));
  } else {
    print_text(*report);
  }
  return kExitOk;
}

}  // namespace crmflow::cli
