// One scenario on a fresh engine: setting it up, applying each action, firing what is due.
#include "scenario/scenario_run.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "crmflow/json.hpp"
#include "time/arithmetic.hpp"
#include "time/iso8601.hpp"

namespace crmflow::scenario {
namespace {

// More firings than this within one action means jobs keep falling due at once (a timer cycle
// of zero length, a retry without backoff): the scenario fails instead of spinning for ever.
constexpr int kMaxFiringsPerAction = 100'000;

HandlerResult fake_result(const FakeHandler& handler, std::int64_t attempt) {
  switch (handler.kind) {
    case FakeHandler::Kind::returns:
      return HandlerResult::ok(handler.result);
    case FakeHandler::Kind::business_error:
      return HandlerResult::error(handler.error);
    case FakeHandler::Kind::fail_then:
      if (attempt <= handler.failures) return HandlerResult::failure(handler.error);
      return fake_result(*handler.then, attempt - handler.failures);
  }
  return HandlerResult::failure("unknown fake handler");
}

// "complete reception", "advance PT2H", "expect": how an action is named in failures.
std::string describe(const Action& action) {
  std::string out{action_name(action.kind)};
  switch (action.kind) {
    case ActionKind::advance:
      return out + " " + time::format_duration(action.advance);
    case ActionKind::at:
      return out + " " + time::format_datetime(action.moment);
    case ActionKind::expect:
    case ActionKind::expect_error:
    case ActionKind::cancel:
    case ActionKind::restart:
      return out;
    default:
      return out + " " + action.target;
  }
}

}  // namespace

std::string refused_text(const Error& error) {
  return fmt::format("refused with {}: {}", to_string(error.code), error.message);
}

ScenarioRun::ScenarioRun(const ScenarioFile& file) : file_(file), clock_(file.clock.at) {
  for (const User& user : file.users) {
    std::map<std::string, std::string, std::less<>> addresses(user.addresses.begin(),
                                                              user.addresses.end());
    directory_.add_user(user.name, user.groups, std::move(addresses));
    directory_.set_managed_groups(user.name, user.manages);
  }
  auto store = ScratchStore::open(file.sqlite);
  if (!store) {
    store_error_ = store.error();
    return;
  }
  store_ = std::move(*store);
  start_engine();
}

void ScenarioRun::start_engine() {
  const ScenarioFile& file = file_;
  EngineOptions options;
  options.clock = &clock_;
  options.directory = &directory_;
  options.notifier = &notifier_;
  if (file.calendars) options.calendars = &file.calendars->calendars;
  engine_ = std::make_unique<Engine>(store_->store(), options);
  for (const auto& [name, handler] : file.handlers) {
    engine_->handlers().add(name, [handler = handler](const JobContext& job) {
      return fake_result(*handler, job.attempt);
    });
  }
  for (const auto& [name, handler] : file.external_handlers) engine_->handlers().add(name, handler);
}

ScenarioRun::Outcome ScenarioRun::restart() {
  // Nothing of the old engine survives but the store (and the scenario's fakes: the clock, the
  // directory, the channels, which stand for the world outside the engine).
  engine_.reset();
  if (Status reopened = store_->reopen(); !reopened) {
    return {
        {},
        fmt::format("the scenario's store could not be reopened: {}", reopened.error().message)};
  }
  start_engine();
  return {};
}

ScenarioRun::Outcome ScenarioRun::setup() {
  if (store_ == nullptr) {
    return {{}, fmt::format("the scenario's store could not be opened: {}",
                            store_error_.message)};
  }
  for (const auto& process : file_.processes) {
    Result<Deployment> deployed = engine_->deploy(process);
    if (!deployed) {
      return {{},
              fmt::format("deploying process '{}' was {}", process->id(),
                          refused_text(deployed.error()))};
    }
  }
  return {};
}

std::string ScenarioRun::run(const Scenario& scenario) {
  try {
    if (Outcome ready = setup(); !ready.failure.empty()) return ready.failure;
    if (std::string fired = fire_until(clock_.now()); !fired.empty()) return fired;
    for (const Action& action : scenario.actions) {
      std::string failure;
      if (action.expected_error) {
        const std::string before = snapshot();
        Outcome outcome = apply(action);
        if (!outcome.failure.empty()) {
          failure = outcome.failure;
        } else if (outcome.status.ok()) {
          failure = fmt::format("expected it to be refused with {}, but it was done",
                                to_string(*action.expected_error));
        } else if (outcome.status.error().code != *action.expected_error) {
          failure =
              fmt::format("expected it to be refused with {}, but it was {}",
                          to_string(*action.expected_error), refused_text(outcome.status.error()));
        } else if (snapshot() != before) {
          failure =
              "it was refused as expected, but it changed the cases, tasks or "
              "notifications: a refused call must change nothing";
        }
      } else {
        Outcome outcome = apply(action);
        failure = !outcome.failure.empty() ? outcome.failure
                  : !outcome.status.ok()   ? refused_text(outcome.status.error())
                                           : std::string{};
      }
      if (failure.empty()) failure = fire_until(clock_.now());
      if (!failure.empty()) {
        return fmt::format("line {}: {}{}: {}", action.at.line,
                           action.expected_error ? "expect_error " : "", describe(action), failure);
      }
    }
    return {};
  } catch (const std::exception& e) {
    return std::string{"internal error (please report it): "} + e.what();
  }
}

Result<CaseId> ScenarioRun::case_of(const Action& action) const {
  const std::optional<std::string>& alias = action.case_alias ? action.case_alias : last_;
  if (!alias) return not_found("no case has been started yet");
  const auto found = cases_.find(*alias);
  if (found == cases_.end()) {
    return not_found(fmt::format("no case '{}': its 'start' was refused", *alias));
  }
  return found->second;
}

ScenarioRun::Outcome ScenarioRun::apply(const Action& action) {
  const Value vars = action.vars.value_or(Value{});
  switch (action.kind) {
    case ActionKind::start: {
      StartOptions options{.key = action.key.value_or(""),
                           .by = action.by.value_or(""),
                           .vars = vars,
                           .version = action.version};
      Result<CaseId> id = engine_->start(action.target, options);
      if (!id) return {id.error(), {}};
      cases_[*action.alias] = *id;
      last_ = *action.alias;
      return {};
    }
    case ActionKind::complete:
    case ActionKind::claim:
    case ActionKind::unclaim:
    case ActionKind::delegate:
    case ActionKind::reassign:
      return act_on_task(action);
    case ActionKind::message: {
      auto reached = engine_->correlate(action.target, action.key.value_or(""), vars);
      return {reached.status(), {}};
    }
    case ActionKind::signal:
      return {engine_->signal(action.target, vars).status(), {}};
    case ActionKind::advance: {
      Result<Instant> until = time::add(clock_.now(), action.advance, nullptr);
      if (!until) return {{}, until.error().message};
      return {{}, fire_until(*until)};
    }
    case ActionKind::at:
      if (action.moment.at < clock_.now()) {
        return {
            {},
            fmt::format("{} is before the clock ({}): time never goes back",
                        time::format_datetime(action.moment), time::format_instant(clock_.now()))};
      }
      return {{}, fire_until(action.moment.at)};
    case ActionKind::cancel: {
      Result<CaseId> id = case_of(action);
      if (!id) return {id.error(), {}};
      return {engine_->cancel(*id, action.reason.value_or("")), {}};
    }
    case ActionKind::retry: {
      Result<CaseId> id = case_of(action);
      if (!id) return {id.error(), {}};
      return {engine_->retry(*id, action.target, vars), {}};
    }
    case ActionKind::deploy:
      return {engine_->deploy(action.deployed).status(), {}};
    case ActionKind::restart:
      return restart();
    case ActionKind::expect:
      return {{}, check(action)};
    case ActionKind::expect_error:
      break;  // the reader gives the inner action with expected_error set
  }
  return {{}, "internal error: an action of unknown kind"};
}

Result<std::optional<CaseId>> ScenarioRun::called_case_with_task(CaseId caller,
                                                                  const std::string& step) {
  Result<std::vector<Case>> all = engine_->cases();
  if (!all) return std::move(all).error();
  // Breadth first through the calls, nearest callee first; ids increase with start order.
  std::vector<CaseId> frontier{caller};
  while (!frontier.empty()) {
    std::vector<CaseId> next;
    for (const Case& c : *all) {
      if (std::find(frontier.begin(), frontier.end(), c.parent) == frontier.end()) continue;
      if (c.id == caller) continue;
      TaskQuery query;
      query.case_id = c.id;
      query.step_id = step;
      query.limit = 1;
      Result<std::vector<Task>> open = engine_->tasks(query);
      if (!open) return std::move(open).error();
      if (!open->empty()) return std::optional<CaseId>{c.id};
      next.push_back(c.id);
    }
    frontier = std::move(next);
  }
  return std::optional<CaseId>{};
}

ScenarioRun::Outcome ScenarioRun::act_on_task(const Action& action) {
  Result<CaseId> id = case_of(action);
  if (!id) return {id.error(), {}};
  TaskQuery query;
  query.case_id = *id;
  query.step_id = action.target;
  Result<std::vector<Task>> open = engine_->tasks(query);
  if (!open) return {open.error(), {}};
  if (open->empty()) {
    // Not in the case itself: the tasks of the cases its `call` steps started count as its own
    // (docs/scenarios.md, "Called cases").
    Result<std::optional<CaseId>> callee = called_case_with_task(*id, action.target);
    if (!callee) return {callee.error(), {}};
    if (*callee) {
      query.case_id = **callee;
      open = engine_->tasks(query);
      if (!open) return {open.error(), {}};
    }
  }
  std::vector<Task> tasks = *std::move(open);
  std::sort(tasks.begin(), tasks.end(), [](const Task& a, const Task& b) {
    return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
  });
  if (tasks.empty()) {
    return {not_found(fmt::format("step '{}' has no open task", action.target)), {}};
  }
  const Task* task = nullptr;
  if (action.task) {
    if (static_cast<std::size_t>(*action.task) > tasks.size()) {
      return {not_found(fmt::format("step '{}' has {} open task(s): there is no task {}",
                                    action.target, tasks.size(), *action.task)),
              {}};
    }
    task = &tasks[static_cast<std::size_t>(*action.task) - 1];
  } else {
    // With several open tasks, only those the acting user may work on count.
    std::vector<const Task*> mine;
    if (action.by && tasks.size() > 1) {
      TaskQuery visible_query = query;
      visible_query.user = *action.by;
      Result<std::vector<Task>> visible = engine_->tasks(visible_query);
      if (!visible) return {visible.error(), {}};
      for (const Task& t : tasks) {
        if (std::any_of(visible->begin(), visible->end(),
                        [&](const Task& v) { return v.id == t.id; })) {
          mine.push_back(&t);
        }
      }
    }
    if (mine.size() == 1) {
      task = mine.front();
    } else if (tasks.size() == 1) {
      task = &tasks.front();
    } else {
      std::string list;
      for (std::size_t i = 0; i < tasks.size(); ++i) {
        list += fmt::format(
            "{}task {} ({})", i > 0 ? ", " : "", i + 1,
            tasks[i].assignee.empty() ? "unassigned" : "assigned to " + tasks[i].assignee);
      }
      return {{},
              fmt::format("step '{}' has {} open tasks: {}; say which with 'task: N'",
                          action.target, tasks.size(), list)};
    }
  }
  const std::string by = action.by.value_or("");
  if (action.kind == ActionKind::claim) return {engine_->claim(task->id, by), {}};
  if (action.kind == ActionKind::unclaim) return {engine_->unclaim(task->id, by), {}};
  if (action.kind == ActionKind::delegate) {
    return {engine_->delegate(task->id, by, action.to.value_or("")), {}};
  }
  if (action.kind == ActionKind::reassign) {
    return {engine_->reassign(task->id, {.by = by, .to = action.to.value_or("")}), {}};
  }
  CompleteOptions options;
  options.by = by;
  options.vars = action.vars.value_or(Value{});
  return {engine_->complete(task->id, options), {}};
}

std::string ScenarioRun::fire_until(Instant until) {
  for (int firings = 0;; ++firings) {
    if (firings == kMaxFiringsPerAction) {
      return fmt::format(
          "jobs keep falling due at {} (fired {} times): a timer or retry that "
          "never waits?",
          time::format_instant(clock_.now()), kMaxFiringsPerAction);
    }
    Result<std::optional<Instant>> next = engine_->next_due();
    if (!next) return "firing due jobs: " + refused_text(next.error());
    if (!*next || **next > until) break;
    if (**next > clock_.now()) clock_.set(**next);
    Result<std::size_t> fired = engine_->run_due(clock_.now());
    if (!fired) return "firing due jobs: " + refused_text(fired.error());
    if (*fired == 0) break;  // due but not fireable now (leased): nothing more to do here
  }
  if (until > clock_.now()) clock_.set(until);
  return {};
}

std::string ScenarioRun::snapshot() {
  std::string out;
  if (Result<std::vector<Case>> cases = engine_->cases(); cases) {
    for (const Case& c : *cases) {
      out += fmt::format("case {} {} v{} {} {} [{}] [{}] {}\n", c.id, to_string(c.status),
                         c.version, c.progress, to_json(c.variables), fmt::join(c.active, ","),
                         fmt::join(c.path, ","), c.incidents.size());
      if (Result<std::vector<HistoryEvent>> events = engine_->history(c.id); events) {
        out += fmt::format("history {}\n", events->size());
      }
    }
  }
  if (Result<std::vector<Task>> tasks = engine_->tasks(); tasks) {
    for (const Task& t : *tasks) out += fmt::format("task {} {} {}\n", t.id, t.step_id, t.assignee);
  }
  out += fmt::format("sent {}\n", notifier_.notifications().size());
  return out;
}

}  // namespace crmflow::scenario
