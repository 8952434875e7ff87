// crmflow history CASE: every event of the case in order (docs/cli-queries.md), as a table or
// {"events": [...]}.
#include <fmt/core.h>

#include "commands.hpp"
#include "crmflow/json.hpp"
#include "query_views.hpp"
#include "session.hpp"
#include "store_commands.hpp"

namespace crmflow::cli {

int run_history(const Arguments& args) {
  auto id = parse_id(args.positional().front(), "CASE");
  if (!id) return usage(id.error().message);
  auto session = Session::open(args);
  if (!session) return fail(args, session.error());
  Session& s = **session;
  auto events = s.engine().history(*id);
  if (!events) return fail(args, events.error());

  if (s.json()) {
    Value::List list;
    list.reserve(events->size());
    for (const HistoryEvent& e : *events) list.push_back(event_to_json(e));
    print_json(Value::Object{{"events", std::move(list)}});
    return kExitOk;
  }
  Table table{{"AT", "EVENT", "STEP", "TASK", "BY", "DATA"}};
  for (const HistoryEvent& e : *events) {
    table.add({rfc3339(e.at), std::string{to_string(e.event)}, e.step_id.empty() ? "-" : e.step_id,
               e.task_id == kNoId ? "-" : std::to_string(e.task_id), e.by.empty() ? "-" : e.by,
               e.data.is_null() ? "" : to_json(e.data)});
  }
  fmt::print("{}", table.text());
  return kExitOk;
}

}  // namespace crmflow::cli
