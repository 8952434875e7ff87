// crmflow cases [--process P] [--status S] [--key K] [--limit N] [--offset N]: the cases in id
// order (docs/cli-queries.md), as a table or {"cases": [...]}.
#include <fmt/core.h>
#include <fmt/format.h>

#include "commands.hpp"
#include "query_views.hpp"
#include "session.hpp"
#include "store_commands.hpp"

namespace crmflow::cli {

int run_cases(const Arguments& args) {
  CaseQuery query;
  query.process_id = args.get("process").value_or("");
  query.key = args.get("key").value_or("");
  if (auto written = args.get("status")) {
    query.status = parse_case_status(*written);
    if (!query.status) {
      return usage(fmt::format(
          "--status must be one of active, incident, completed, terminated, cancelled, not '{}'",
          *written));
    }
  }
  auto page = read_page(args);
  if (!page) return usage(page.error().message);
  query.limit = page->limit;
  query.offset = page->offset;

  auto session = Session::open(args);
  if (!session) return fail(args, session.error());
  Session& s = **session;
  auto cases = s.engine().cases(query);
  if (!cases) return fail(args, cases.error());

  if (s.json()) {
    Value::List list;
    list.reserve(cases->size());
    for (const Case& c : *cases) list.push_back(case_to_json(c));
    print_json(Value::Object{{"cases", std::move(list)}});
    return kExitOk;
  }
  if (cases->empty()) {
    fmt::print("no cases\n");
    return kExitOk;
  }
  Table table{
      {"CASE", "PROCESS", "VERSION", "KEY", "STATUS", "PROGRESS", "STARTED", "ENDED", "ACTIVE"}};
  for (const Case& c : *cases) {
    table.add({std::to_string(c.id), c.process_id, fmt::format("v{}", c.version),
               c.key.empty() ? "-" : c.key, std::string{to_string(c.status)},
               fmt::format("{}%", c.progress), rfc3339(c.started_at),
               c.ended_at ? rfc3339(*c.ended_at) : "-",
               c.active.empty() ? "-" : fmt::format("{}", fmt::join(c.active, ", "))});
  }
  fmt::print("{}", table.text());
  return kExitOk;
}

}  // namespace crmflow::cli
