// crmflow show CASE: where the case stands (docs/cli-queries.md): its header, what each active
// step waits for and since when (Engine::waiting), its open incidents, and the notifications
// still in the outbox; or, with --json, one case object holding all of that.
#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>

#include "commands.hpp"
#include "crmflow/clock.hpp"
#include "query_views.hpp"
#include "session.hpp"
#include "store_commands.hpp"

namespace crmflow::cli {
namespace {

std::string header(const Case& c) {
  std::string out = fmt::format("case {} ({} v{}", c.id, c.process_id, c.version);
  if (!c.key.empty()) out += fmt::format(", key {}", c.key);
  out += fmt::format("): {}, progress {}%, started {}", to_string(c.status), c.progress,
                     rfc3339(c.started_at));
  if (!c.initiator.empty()) out += fmt::format(" by {}", c.initiator);
  if (c.ended_at) out += fmt::format(", ended {}", rfc3339(*c.ended_at));
  if (c.parent != kNoId) out += fmt::format(", called by case {}", c.parent);
  return out;
}

std::string moment(const std::optional<Instant>& at) {
  return at ? rfc3339(*at) : std::string{"(moment unknown)"};
}

// What one wait is for, in words: "task 12 for group technicians (unclaimed), due ...".
std::string describe(const Waiting& w, const Case& c, Instant now) {
  const std::string boundary = !w.boundary      ? ""
                               : w.interrupting ? "boundary "
                                                : "non-interrupting boundary ";
  switch (w.kind) {
    case WaitingKind::task: {
      std::string out = w.assignee.empty()
                            ? fmt::format("task {} for {} (unclaimed)", w.task,
                                          offered_to(w.candidate_users, w.candidate_groups))
                            : fmt::format("task {} assigned to {}", w.task, w.assignee);
      if (w.due)
        out += fmt::format(", due {}{}", rfc3339(*w.due), *w.due <= now ? " (overdue)" : "");
      return out;
    }
    case WaitingKind::timer:
      return fmt::format("{}timer at {}", boundary, moment(w.due));
    case WaitingKind::message:
      return w.key ? fmt::format("{}message {} key {}", boundary, w.name, *w.key)
                   : fmt::format("{}message {} (any key)", boundary, w.name);
    case WaitingKind::signal:
      return fmt::format("signal {}", w.name);
    case WaitingKind::service:
      return fmt::format("service {}, try {} at {}", w.name, w.attempt, moment(w.due));
    case WaitingKind::call:
      return fmt::format("called case {} (process {})", w.child, w.name);
    case WaitingKind::instances:
      return fmt::format("instances: {} of {} completed", w.completed, w.total);
    case WaitingKind::join:
      return fmt::format("join: {} of {} branches arrived", w.completed, w.total);
    case WaitingKind::incident:
      return fmt::format("an operator: incident below (crmflow retry {} {})", c.id, w.step_id);
  }
  return std::string{to_string(w.kind)};
}

// Left-aligned step ids, padded to the widest of `steps`.
std::string padded(const std::string& step, std::size_t width) {
  return step + std::string(width - display_width(step) + 2, ' ');
}

void print_plain(const Case& c, const std::vector<Waiting>& waiting,
                 const std::vector<Notification>& outbox, Instant now) {
  fmt::print("{}\n", header(c));
  std::size_t width = 0;
  for (const Waiting& w : waiting) width = std::max(width, display_width(w.step_id));
  for (const Incident& i : c.incidents) width = std::max(width, display_width(i.step_id));
  for (const Notification& n : outbox) width = std::max(width, display_width(n.step_id));
  if (waiting.empty()) {
    fmt::print("waiting: nothing\n");
  } else {
    fmt::print("waiting:\n");
    for (const Waiting& w : waiting) {
      fmt::print("  {}{}, since {}\n", padded(w.step_id, width), describe(w, c, now),
                 rfc3339(w.since));
    }
  }
  if (!c.incidents.empty()) {
    fmt::print("incidents:\n");
    for (const Incident& i : c.incidents) {
      fmt::print("  {}{}: {}\n", padded(i.step_id, width), rfc3339(i.at), i.message);
    }
  }
  const auto section = [&](DeliveryStatus status, std::string_view title) {
    bool first = true;
    for (const Notification& n : outbox) {
      if (n.status != status) continue;
      if (first) fmt::print("{}:\n", title);
      first = false;
      const std::string what = n.subject.empty() ? n.text : n.subject;
      std::string state;
      if (status == DeliveryStatus::sent && n.sent_at) {
        state = fmt::format(", sent {}", rfc3339(*n.sent_at));
      } else if (status == DeliveryStatus::failed) {
        state = fmt::format(", failed after {} attempt{} ({})", n.attempts,
                            n.attempts == 1 ? "" : "s", n.last_error);
      } else if (n.attempts > 0) {
        state = fmt::format(", {} attempt{} so far, next {} ({})", n.attempts,
                            n.attempts == 1 ? "" : "s",
                            n.next_attempt ? rfc3339(*n.next_attempt) : "now", n.last_error);
      }
      fmt::print("  {}{} to {}, queued {}{}: {}\n", padded(n.step_id, width), n.channel, n.to,
                 rfc3339(n.at), state, what);
    }
  };
  section(DeliveryStatus::pending,
          "pending notifications (delivered by `tick` and `run` given --channels)");
  section(DeliveryStatus::failed, "failed notifications");
  section(DeliveryStatus::sent, "sent notifications");
}

Value show_json(const Case& c, const std::vector<Waiting>& waiting,
                const std::vector<Notification>& outbox) {
  Value out = case_detail_to_json(c);
  Value::List waits;
  for (const Waiting& w : waiting) waits.push_back(waiting_to_json(w));
  out.set("waiting", std::move(waits));
  Value::List pending;
  Value::List all;
  for (const Notification& n : outbox) {
    if (n.status == DeliveryStatus::pending) pending.push_back(notification_to_json(n));
    all.push_back(notification_to_json(n));
  }
  out.set("pending_notifications", std::move(pending));
  out.set("notifications", std::move(all));
  return out;
}

}  // namespace

int run_show(const Arguments& args) {
  auto id = parse_id(args.positional().front(), "CASE");
  if (!id) return usage(id.error().message);
  auto session = Session::open(args);
  if (!session) return fail(args, session.error());
  Session& s = **session;
  auto found = s.engine().get_case(*id);
  if (!found) return fail(args, found.error());
  auto waiting = s.engine().waiting(*id);
  if (!waiting) return fail(args, waiting.error());
  auto outbox = s.store().outbox(*id);
  if (!outbox) return fail(args, outbox.error());
  if (s.json()) {
    print_json(show_json(*found, *waiting, *outbox));
  } else {
    print_plain(*found, *waiting, *outbox, SystemClock::instance().now());
  }
  return kExitOk;
}

}  // namespace crmflow::cli
