// crmflow tasks [--user U] [--group G] [--manager M] [--case ID] [--overdue] [--limit N] [--offset N]: the
// worklist (docs/cli-queries.md), as a table or {"tasks": [...], "pending_notifications": N}.
#include <fmt/core.h>

#include <algorithm>

#include "commands.hpp"
#include "crmflow/clock.hpp"
#include "query_views.hpp"
#include "session.hpp"
#include "store_commands.hpp"

namespace crmflow::cli {
namespace {

std::string plain_due(const Task& task, Instant now) {
  if (!task.due) return "-";
  return rfc3339(*task.due) + (*task.due <= now ? " (overdue)" : "");
}

}  // namespace

int run_tasks(const Arguments& args) {
  TaskQuery query;
  query.user = args.get("user").value_or("");
  query.group = args.get("group").value_or("");
  query.manager = args.get("manager").value_or("");
  if (!query.manager.empty() && (!query.user.empty() || !query.group.empty())) {
    return usage("tasks: --manager is a view of its own: give it without --user and --group");
  }
  if (auto written = args.get("case")) {
    auto id = parse_id(*written, "--case");
    if (!id) return usage(id.error().message);
    query.case_id = *id;
  }
  query.overdue_only = args.has("overdue");
  auto page = read_page(args);
  if (!page) return usage(page.error().message);
  query.limit = page->limit;
  query.offset = page->offset;

  auto session = Session::open(args);
  if (!session) return fail(args, session.error());
  Session& s = **session;
  if (query.case_id != kNoId) {
    // An unknown case is a mistake worth saying, not an empty worklist.
    if (auto found = s.engine().get_case(query.case_id); !found) return fail(args, found.error());
  }
  auto tasks = s.engine().tasks(query);
  if (!tasks) return fail(args, tasks.error());
  // Without --channels nothing delivers notifications: they wait in the outbox (spec/cli.md).
  auto outbox = s.store().outbox(query.case_id);
  if (!outbox) return fail(args, outbox.error());
  const auto pending = static_cast<std::size_t>(
      std::count_if(outbox->begin(), outbox->end(),
                    [](const Notification& n) { return n.status == DeliveryStatus::pending; }));
  // --overdue compares with the engine's clock (the system clock): so does `overdue`.
  const Instant now = SystemClock::instance().now();

  if (s.json()) {
    Value::List list;
    list.reserve(tasks->size());
    for (const Task& t : *tasks) list.push_back(task_to_json(t, now));
    print_json(Value::Object{{"tasks", std::move(list)},
                             {"pending_notifications", static_cast<std::int64_t>(pending)}});
    return kExitOk;
  }
  if (tasks->empty()) {
    fmt::print("no open tasks\n");
  } else {
    Table table{{"TASK", "CASE", "PROCESS", "STEP", "NAME", "FOR", "PRIORITY", "DUE"}};
    for (const Task& t : *tasks) {
      table.add({std::to_string(t.id), std::to_string(t.case_id), t.process_id, t.step_id, t.name,
                 offered_to(t), std::to_string(t.priority), plain_due(t, now)});
    }
    fmt::print("{}", table.text());
  }
  if (pending != 0) {
    fmt::print(
        "{} notification{} pending in the outbox (delivered by `tick` and `run` given --channels; "
        "`crmflow show CASE` lists them)\n",
        pending, pending == 1 ? "" : "s");
  }
  return kExitOk;
}

}  // namespace crmflow::cli
