// The Engine's deploy, start and queries.
#include "crmflow/engine.hpp"

#include <fmt/format.h>

#include "runtime/bounds.hpp"
#include "runtime/business_time.hpp"
#include "runtime/engine_impl.hpp"
#include "runtime/triggers.hpp"
#include "runtime/variables.hpp"

namespace crmflow {

namespace runtime {

namespace {

// Records on the case_started event which trigger occurrence started the case.
void mark_triggered(CaseChange& change, const EngineCore::TriggerFiring& firing) {
  for (HistoryEvent& event : change.history) {
    if (event.event != EventType::case_started) continue;
    Value::Object data = event.data.is_object() ? event.data.as_object() : Value::Object{};
    data["trigger"] = std::string{trigger_name(firing.kind)};
    data["occurrence"] = static_cast<std::int64_t>(firing.job->occurrence);
    event.data = std::move(data);
    break;
  }
  change.jobs_removed.push_back(firing.job->id);
  if (firing.next) change.jobs_added.push_back(*firing.next);
}

}  // namespace

Result<CaseId> EngineCore::start_case(const ProcessPlan& plan, const StartOptions& options,
                                      const TriggerFiring* firing) {
  // A trigger's case starts with the clock at the occurrence's due moment (spec: Time).
  const Instant at = firing != nullptr ? firing->job->due : now();
  const std::string where = fmt::format("start of process '{}'", plan.process->id());
  // The depth first: nothing walks a value nested beyond the bound.
  if (auto problem = check_depth(options.vars, options_.limits, where)) {
    return invalid_input(std::move(*problem));
  }
  const EngineLimits& limits = options_.limits;
  auto vars = runtime::check_start_variables(
      *plan.definition, options.vars, at,
      runtime::calendar_zone(options_.calendars, plan.definition->calendar), eval_limits(limits));
  if (!vars) return std::move(vars).error();
  if (auto problem = check_variables_size(*vars, limits, where)) {
    return invalid_input(std::move(*problem));
  }
  auto id = store_.allocate_id(IdKind::case_id);
  if (!id) return std::move(id).error();
  CaseRecord record;
  record.id = *id;
  record.process_id = plan.process->id();
  record.version = plan.version;
  record.key = options.key;
  record.initiator = options.by;
  record.started_at = at;
  record.variables = std::move(*vars);
  const RunEnvironment env = environment(at);
  CaseRun run{plan, std::move(record), env, /*is_new=*/true};
  if (auto s = run.start(); !s) return std::move(s).error();
  if (auto s = run.run(); !s) return std::move(s).error();
  CaseChange change = run.take_change();
  if (firing != nullptr) mark_triggered(change, *firing);
  if (auto s = commit_change(std::move(change), env, nullptr); !s) return std::move(s).error();
  return *id;
}

}  // namespace runtime

Engine::Engine(Store& store, EngineOptions options)
    : store_(store), options_(options), impl_(nullptr) {
  if (options_.clock == nullptr) options_.clock = &SystemClock::instance();
  impl_ = std::make_unique<runtime::EngineCore>(store_, options_);
}

Engine::~Engine() = default;

Result<Deployment> Engine::deploy(std::shared_ptr<const Process> process) {
  if (process == nullptr) return invalid_input("deploy: no process given (load it first)");
  // Every calendar the definition names must be the engine's (when it was given calendars).
  if (auto s = runtime::check_calendars(process->definition(), options_.calendars); !s) {
    return std::move(s).error();
  }
  // The cases its cycle and cron triggers start get no variables: they must pass its checks.
  if (auto s = runtime::check_scheduled_start(process->definition(), options_.clock->now()); !s) {
    return std::move(s).error();
  }
  // Another engine (another process sharing the database) may deploy between this call's read of
  // the latest version and its write: the store refuses the second write of one version
  // (conflict), and looking again sees that deploy: the same content is then "unchanged".
  return runtime::rerun_lost_races([&](bool& raced) -> Result<Deployment> {
    const std::string& id = process->id();
    auto latest = store_.latest_definition(id);
    if (!latest) return std::move(latest).error();
    std::int64_t version = 0;
    if (const auto declared = process->declared_version()) {
      auto existing = store_.definition(id, *declared);
      if (!existing) return std::move(existing).error();
      if (existing->has_value()) {
        if ((*existing)->content_hash == process->content_hash()) {
          return Deployment{id, *declared, false};
        }
        return conflict(
            fmt::format("process '{}' version {} is already deployed with other "
                        "content; give the new content another `version`",
                        id, *declared));
      }
      if (latest->has_value() && (*latest)->version > *declared) {
        return conflict(
            fmt::format("process '{}': version {} is older than the latest deployed "
                        "version {}; give a higher `version`",
                        id, *declared, (*latest)->version));
      }
      version = *declared;
    } else {
      if (latest->has_value() && (*latest)->content_hash == process->content_hash()) {
        return Deployment{id, (*latest)->version, false};
      }
      version = latest->has_value() ? (*latest)->version + 1 : 1;
    }
    DefinitionRecord record;
    record.process_id = id;
    record.version = version;
    record.content_hash = process->content_hash();
    record.canonical = process->definition().canonical;
    record.deployed_at = options_.clock->now();
    record.process = process;
    // The new version is the latest (an older one is refused above): its schedule replaces
    // every earlier version's, in the same transaction as the definition.
    auto triggers =
        runtime::arm_triggers(process->definition(), version, record.deployed_at, store_);
    if (!triggers) return std::move(triggers).error();
    if (auto s = store_.add_definition_with_triggers(record, *triggers); !s) {
      raced = s.error().code == ErrorCode::conflict;
      return std::move(s).error();
    }
    impl_->remember(runtime::make_plan(std::move(process), version));
    return Deployment{id, version, true};
  });
}

Result<CaseId> Engine::start(std::string_view process_id, const StartOptions& options) {
  std::int64_t version = 0;
  if (options.version) {
    version = *options.version;
  } else {
    auto latest = store_.latest_definition(process_id);
    if (!latest) return std::move(latest).error();
    if (!latest->has_value()) {
      return not_found(fmt::format("no process '{}' is deployed; deploy it first", process_id));
    }
    version = (*latest)->version;
  }
  auto plan = impl_->plan(process_id, version);
  if (!plan) return std::move(plan).error();
  return impl_->start_case(**plan, options);
}

Result<Case> Engine::get_case(CaseId id) {
  auto loaded = impl_->load(id);
  if (!loaded) return std::move(loaded).error();
  return runtime::case_view(loaded->record, *loaded->plan);
}

Result<std::vector<Case>> Engine::cases(const CaseQuery& query) {
  auto records = store_.find_cases(query);
  if (!records) return std::move(records).error();
  std::vector<Case> out;
  out.reserve(records->size());
  for (const CaseRecord& record : *records) {
    auto plan = impl_->plan(record.process_id, record.version);
    if (!plan) return std::move(plan).error();
    out.push_back(runtime::case_view(record, **plan));
  }
  return out;
}

Result<Task> Engine::task(TaskId id) { return store_.load_task(id); }

Result<std::vector<Task>> Engine::tasks(const TaskQuery& query) {
  TaskFilter filter;
  filter.case_id = query.case_id;
  filter.step_id = query.step_id;
  filter.user = query.user;
  if (!query.user.empty()) filter.groups = impl_->directory().groups_of(query.user);
  filter.group = query.group;
  if (query.user.empty() && query.group.empty() && !query.manager.empty()) {
    filter.any_group = impl_->directory().managed_groups(query.manager);
    if (filter.any_group.empty()) return std::vector<Task>{};
  }
  if (query.overdue_only) filter.due_at_or_before = impl_->now();
  filter.limit = query.limit;
  filter.offset = query.offset;
  return store_.open_tasks(filter);
}

Result<std::vector<HistoryEvent>> Engine::history(CaseId id) { return store_.history(id); }

}  // namespace crmflow
