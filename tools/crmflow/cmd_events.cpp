// What reaches cases from outside: crmflow message NAME [--key K], signal NAME (each with
// [--var NAME=VALUE]... [--vars-file F.yaml]), cancel CASE [--reason TEXT], and
// retry CASE STEP [--var ...].
#include <fmt/format.h>

#include <vector>

#include "commands.hpp"
#include "session.hpp"
#include "store_commands.hpp"

namespace crmflow::cli {
namespace {

// `message 'customer-reply' reached case 3` (cases 3, 7 / no case), or {"reached": [3, 7]}.
int print_reached(const Session& session, std::string_view what, std::string_view name,
                  const std::vector<CaseId>& reached) {
  if (session.json()) {
    Value::List ids;
    for (CaseId id : reached) ids.emplace_back(static_cast<std::int64_t>(id));
    print_json(Value::Object{{"reached", std::move(ids)}});
  } else if (reached.empty()) {
    fmt::print("{} '{}' reached no case\n", what, name);
  } else {
    fmt::print("{} '{}' reached case{} {}\n", what, name, reached.size() == 1 ? "" : "s",
               fmt::join(reached, ", "));
  }
  return kExitOk;
}

// `case 3: cancelled`, or the case as it is afterwards: {"case", "process", "status"}.
int print_case(Session& session, const Arguments& args, CaseId id, std::string_view done) {
  if (!session.json()) {
    fmt::print("case {}: {}\n", id, done);
    return kExitOk;
  }
  auto found = session.engine().get_case(id);
  if (!found) return fail(args, found.error());
  print_json(Value::Object{{"case", static_cast<std::int64_t>(id)},
                           {"process", found->process_id},
                           {"status", std::string{to_string(found->status)}}});
  return kExitOk;
}

}  // namespace

int run_message(const Arguments& args) {
  const std::string& name = args.positional().front();
  if (auto code = check_vars_usage(args)) return *code;
  auto session = Session::open(args);
  if (!session) return fail(args, session.error());
  auto vars = read_vars(args);
  if (!vars) return fail(args, vars.error());
  auto reached = (*session)->engine().correlate(name, args.get("key").value_or(""), *vars);
  if (!reached) return fail(args, reached.error());
  return print_reached(**session, "message", name, *reached);
}

int run_signal(const Arguments& args) {
  const std::string& name = args.positional().front();
  if (auto code = check_vars_usage(args)) return *code;
  auto session = Session::open(args);
  if (!session) return fail(args, session.error());
  auto vars = read_vars(args);
  if (!vars) return fail(args, vars.error());
  auto reached = (*session)->engine().signal(name, *vars);
  if (!reached) return fail(args, reached.error());
  return print_reached(**session, "signal", name, *reached);
}

int run_cancel(const Arguments& args) {
  auto id = parse_id(args.positional().front(), "CASE");
  if (!id) return usage(id.error().message);
  auto session = Session::open(args);
  if (!session) return fail(args, session.error());
  if (auto s = (*session)->engine().cancel(*id, args.get("reason").value_or("")); !s) {
    return fail(args, s.error());
  }
  return print_case(**session, args, *id, "cancelled");
}

int run_retry(const Arguments& args) {
  auto id = parse_id(args.positional().front(), "CASE");
  if (!id) return usage(id.error().message);
  const std::string& step = args.positional()[1];
  if (auto code = check_vars_usage(args)) return *code;
  auto session = Session::open(args);
  if (!session) return fail(args, session.error());
  auto vars = read_vars(args);
  if (!vars) return fail(args, vars.error());
  if (auto s = (*session)->engine().retry(*id, step, *vars); !s) return fail(args, s.error());
  return print_case(**session, args, *id, fmt::format("step '{}' ran again", step));
}

}  // namespace crmflow::cli
