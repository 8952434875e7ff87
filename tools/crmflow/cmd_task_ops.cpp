// The worklist operations: crmflow claim | unclaim TASK --by U, delegate TASK --by U --to V,
// reassign TASK --by MANAGER [--to U], and
// complete TASK --by U [--var NAME=VALUE]... [--vars-file F.yaml].
//
// Each prints one line (`task 7: claimed by ali`), or with --json the task as it is afterwards:
// {"task", "case", "step", "status", "assignee"} (assignee null when unassigned).
#include <fmt/core.h>

#include <functional>

#include "commands.hpp"
#include "session.hpp"
#include "store_commands.hpp"

namespace crmflow::cli {
namespace {

// The task id and the acting user every operation needs.
struct Target {
  TaskId task = kNoId;
  std::string by;
};

// nullopt after printing bad usage (the caller exits with kExitUsage).
std::optional<Target> read_target(const Arguments& args) {
  auto task = parse_id(args.positional().front(), "TASK");
  if (!task) {
    usage(task.error().message);
    return std::nullopt;
  }
  auto by = args.get("by");
  if (!by || by->empty()) {
    usage(fmt::format("{} needs --by USER (who acts)", args.command()));
    return std::nullopt;
  }
  return Target{*task, *by};
}

// A refusal of an unassigned task offered to groups: without --users nobody is in any group,
// which the engine's message would not say.
Error explained(Session& session, TaskId id, Error error) {
  if (error.code != ErrorCode::not_authorized || session.has_users_file()) return error;
  auto task = session.engine().task(id);
  if (!task || !task->assignee.empty() || task->candidate_groups.empty()) return error;
  error.message +=
      " (no --users file was given, so nobody is in a group and a task offered to groups "
      "cannot be acted on: pass --users FILE.yaml)";
  return error;
}

// Opens the session, applies `operation`, and reports the task as it is afterwards.
int run_task_operation(const Arguments& args, const Target& target, std::string_view done,
                       const std::function<Status(Session&)>& operation) {
  auto session = Session::open(args);
  if (!session) return fail(args, session.error());
  Session& s = **session;
  if (auto status = operation(s); !status) {
    return fail(args, explained(s, target.task, std::move(status).error()));
  }
  if (!s.json()) {
    fmt::print("task {}: {}\n", target.task, done);
    return kExitOk;
  }
  auto task = s.engine().task(target.task);
  if (!task) return fail(args, task.error());
  print_json(Value::Object{{"task", static_cast<std::int64_t>(task->id)},
                           {"case", static_cast<std::int64_t>(task->case_id)},
                           {"step", task->step_id},
                           {"status", std::string{to_string(task->status)}},
                           {"assignee", task->assignee.empty() ? Value{} : Value{task->assignee}}});
  return kExitOk;
}

}  // namespace

int run_claim(const Arguments& args) {
  const auto target = read_target(args);
  if (!target) return kExitUsage;
  return run_task_operation(args, *target, fmt::format("claimed by {}", target->by),
                            [&](Session& s) { return s.engine().claim(target->task, target->by); });
}

int run_unclaim(const Arguments& args) {
  const auto target = read_target(args);
  if (!target) return kExitUsage;
  return run_task_operation(args, *target, "returned to its candidates", [&](Session& s) {
    return s.engine().unclaim(target->task, target->by);
  });
}

int run_delegate(const Arguments& args) {
  const auto target = read_target(args);
  if (!target) return kExitUsage;
  const auto to = args.get("to");
  if (!to || to->empty()) return usage("delegate needs --to USER (who takes the task)");
  return run_task_operation(
      args, *target, fmt::format("delegated to {} by {}", *to, target->by),
      [&](Session& s) { return s.engine().delegate(target->task, target->by, *to); });
}

int run_reassign(const Arguments& args) {
  const auto target = read_target(args);
  if (!target) return kExitUsage;
  const std::string to = args.get("to").value_or("");
  return run_task_operation(
      args, *target,
      to.empty() ? fmt::format("returned to its candidates by {}", target->by)
                 : fmt::format("reassigned to {} by {}", to, target->by),
      [&](Session& s) { return s.engine().reassign(target->task, {.by = target->by, .to = to}); });
}

int run_complete(const Arguments& args) {
  const auto target = read_target(args);
  if (!target) return kExitUsage;
  if (auto exit = check_vars_usage(args)) return *exit;
  return run_task_operation(
      args, *target, fmt::format("completed by {}", target->by), [&](Session& s) -> Status {
        auto vars = read_vars(args, declared_text_fields(s, target->task));
        if (!vars) return std::move(vars).error();
        return s.engine().complete(target->task, {.by = target->by, .vars = *std::move(vars)});
      });
}

}  // namespace crmflow::cli
