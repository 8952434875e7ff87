// CaseRun: one engine call's work on one case, the token machine.
//
// A run starts from the case as loaded (record + execution state), applies the call (start,
// complete a task, fire a job, retry, cancel...), moves tokens until every one waits, joins or
// ends, settles the case's status, and hands back one CaseChange for Store::commit. It never
// writes to the store itself (it only allocates ids and reads task rows), so a refused or failed
// call leaves nothing behind.
//
// Tokens that are moving live on a stack (`stack_`), tokens that wait live in the state. A step
// that sends tokens down several flows pushes them in reverse order, so that the first branch
// moves as far as it can before the second (spec: "each as far as it can go before the next").
//
// Errors from the methods are the call's errors (a form check, a store failure): the caller
// drops the run. Problems of the process itself (an expression that fails, no branch to take, a
// runaway loop) are not errors of the call: they become incidents in the case.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/directory.hpp"
#include "crmflow/engine.hpp"
#include "crmflow/error.hpp"
#include "crmflow/handler.hpp"
#include "crmflow/store.hpp"
#include "expr/expression.hpp"
#include "expr/template.hpp"
#include "model/definition.hpp"
#include "runtime/bounds.hpp"
#include "runtime/business_time.hpp"
#include "runtime/plan.hpp"
#include "store/case_state.hpp"

namespace crmflow::runtime {

// What one engine call brings to a run.
struct RunEnvironment {
  Store& store;
  const Directory& directory;
  Instant now{};
  EngineLimits limits{};
  // The business calendars processes and steps name (`calendar:`); nullptr: none.
  const Calendars* calendars = nullptr;
  // The plan of `process` for a `call` step: `version`, or the latest deployed when nullopt.
  // Errors: not_found, the store's. Empty: the run cannot start or cancel called cases.
  std::function<Result<std::shared_ptr<const ProcessPlan>>(std::string_view process,
                                                           std::optional<std::int64_t> version)>
      plan_of{};
};

class CaseRun {
 public:
  // A run on `record` (for a new case: its id, process, key, initiator and variables set,
  // state null). `plan` must be the plan of record's process version and outlive the run.
  CaseRun(const ProcessPlan& plan, CaseRecord record, const RunEnvironment& env, bool is_new);

  // Starts the case: case_started, and a token at the first step.
  Status start();
  // Completes an open task of this case (authorisation is the caller's): checks the form,
  // merges the variables, and moves the task's token on. Errors: invalid_input (form).
  // `admin_override`: recorded in the task_completed event ({"admin_override": true}).
  Status complete_task(Task task, const Value& vars, std::string_view by,
                       bool admin_override = false);
  // Records a changed task (claim, unclaim, delegate) with its history event.
  Status update_task(Task task, EventType event, std::string_view by, Value data);
  // Records a delivery attempt of one of this case's outbox entries: `entry` with its delivery
  // fields as they are to be stored, and notification_sent or notification_failed when its
  // status is final ({"channel", "to", "attempts"} and the receipt or the error).
  void record_delivery(Notification entry, std::string_view receipt);
  // Withdraws everything and marks the case cancelled.
  Status cancel(std::string_view reason);
  // Resolves the oldest open incident at `step` and runs the step (or its choice of flow) again.
  // Errors: invalid_state (no incident there), invalid_input (vars not an object).
  Status retry(model::StepIndex step, const Value& vars);

  // A timer job of this case fired: its token leaves the `wait` step. Returns false (and only
  // removes the job) when no token waits for the job any more.
  Result<bool> fire_timer(const JobRecord& job);
  // A boundary timer job of this case fired. Returns false (and only removes the job) when the
  // activity it belongs to has ended.
  Result<bool> fire_boundary_timer(const JobRecord& job);
  // An alarm job of this case fired: notify and/or escalate, and re-arm a repeating alarm.
  // Returns false (and only removes the job) when its task has ended.
  Result<bool> fire_alarm(const JobRecord& job);
  // A message or signal reached the subscription: its variables are merged and the token leaves
  // its `wait` step, or the boundary event fires. Returns false when nothing waits for it any
  // more.
  Result<bool> receive(const Subscription& subscription, const Value& vars);

  // What the handler of a service job is to be called with, or nullopt when there is nothing to
  // call: no token waits for the job any more (the job is only removed), or its `input` failed
  // (an incident is raised). Commit the run in both cases.
  Result<std::optional<JobContext>> service_call(const JobRecord& job);
  // Applies a handler's outcome to the token waiting for `job`: success maps the result into the
  // variables and moves on; a failure schedules the next try (doubling backoff) or, after the
  // step's retries, raises an incident; a business error raises an incident (no boundary yet).
  Result<bool> finish_service(const JobRecord& job, const HandlerResult& outcome);

  // The case `child` that a `call` step of this case started has ended (completed, terminated,
  // ended by an uncaught business error, or cancelled): the token waiting for it moves on with
  // the output mapped, or the error goes to the step's boundaries, or an incident is raised.
  // Returns false when no token waits for that case any more.
  Result<bool> finish_call(const CaseRecord& child);

  // Moves every moving token until it waits, joins or ends; fires inclusive joins that nothing
  // can reach any more; settles the case status. Errors: the store's only.
  Status run();

  // The change to commit. Call once, after run().
  CaseChange take_change();

  const CaseRecord& record() const { return record_; }
  const RunEnvironment& environment() const { return env_; }
  const CaseState& state() const { return state_; }

 private:
  // Step behaviour.
  Status enter(Token token);
  Status leave(Token token);
  Status arrive_at_join(Token token);
  Status fire_join(std::size_t join);
  bool inclusive_join_ready(const JoinState& join) const;
  bool fire_ready_joins(Status& status);
  Status create_task(Token token, const model::Step& step);
  Status end(Token token, const model::Step& step);
  Status start_wait(Token token, const model::Step& step);
  Status start_service(Token token, const model::Step& step);
  // Arms the boundary events of an activity that has just begun waiting.
  Status start_boundaries(const Token& token, const model::Step& step);
  // Disarms everything an activity's token waits for besides its own job or task: boundary jobs
  // and every subscription of the token.
  void end_activity(const Token& token);
  Status fire_boundary(Token token, std::uint32_t index);
  Status start_race(const Token& token, const model::Step& gateway);
  // Arms the alarms of a task just created.
  Status start_alarms(const Token& token, const model::Step& step, const Task& task);
  // Subprocesses: a scope instance per entry, completed when nothing runs inside any more.
  Status start_subprocess(Token token, const model::Step& step);
  bool complete_finished_scope(Status& status);
  Status withdraw_scope(ScopeId scope);
  // Withdraws every token of `scope` and drops its pending work (stacked tokens, join counts,
  // event races); the scope instance itself stays (withdraw_scope also removes it).
  Status empty_scope(ScopeId scope);
  // A business error thrown by `token` (an `end` with `error`, or a handler whose token was
  // already removed): the nearest matching boundary `error` on the token's step or an enclosing
  // subprocess takes it, withdrawing what lies between. False when nothing catches it.
  // `thrower_completes`: the throwing step is left (path, `step_left`) as the catch begins, as an
  // `end` with `error` is; a service step whose error is caught is withdrawn instead.
  Result<bool> throw_error(const Token& token, std::string_view code,
                           bool thrower_completes = false);
  // Call steps (case_run_call.cpp).
  // The token entering a `call` step: starts the called case (it runs inside this run) and waits.
  Status start_call(Token token, const model::Step& step);
  // Cancels a case this case called (withdrawing its `call` token), in this run's change.
  Status cancel_child(CaseId child);
  // Adds another case's change to this run's change (flattening its own linked changes).
  void link(CaseChange change);

  // Multi-instance steps (case_run_multi.cpp).
  // The token entering a `for_each` step: evaluates the list, parks, starts the instances.
  Status start_multi(Token token, const model::Step& step);
  // Starts the next instance of the activity whose token is `owner`: its scope, and its token
  // (returned, for the caller to push).
  Token start_instance(const Token& owner);
  // An instance's token leaves the step: collect its value, then complete_when, the next
  // sequential instance, or the end of the activity.
  Status finish_instance(const Token& token);
  // Ends the activity: withdraws the instances still running, assigns `collect.into`, and moves
  // its token on.
  Status finish_multi(TokenId owner);
  // Withdraws every running instance of the activity and drops its state.
  Status withdraw_instances(TokenId owner);
  // Ends the activity with an incident at its step (retry runs it again from its list).
  Status fail_multi(TokenId owner, std::string message);
  // The instance scope `token` runs in as a multi-instance step's instance, else null.
  ScopeInstance* instance_scope(const Token& token);
  // The innermost instance scope `scope` is (or is nested in), else null.
  ScopeInstance* enclosing_instance(ScopeId scope);
  // Expressions from now on read the locals of `scope` and the instances it is nested in.
  void use_scope(ScopeId scope);
  // Where variables a token's step produces go: its enclosing instance's locals, else the case.
  Value& variables_for(const Token& token);
  // The racer `winner` fired: withdraws the other waits of its race, if it is in one.
  Status settle_race(TokenId winner);
  // When a timer is due: its `occurrence`-th moment (0-based; only cycles have more than one),
  // nullopt when a cycle has no more. Errors: the incident message.
  // A timer counts business time only when it names its own `calendar:`. Errors: the incident
  // message (an expression that fails, a calendar the engine does not have).
  Result<std::optional<Instant>> timer_due(const model::Timer& timer, Instant anchor,
                                           std::uint32_t occurrence) const;
  // How a task's `due` and its alarm durations are counted: the business time of the process
  // calendar, else plain time. Errors: not_found when the process names a calendar the engine
  // does not have (the caller raises an incident at its step).
  const Result<TimeBasis>& task_time() const { return task_time_; }
  Result<JobId> schedule(JobKind kind, Instant due, const Token& token);
  Result<Value> evaluate_with(const model::ValueSource& source, std::string_view name,
                              const Value& value) const;
  // Takes a finished activity's `result` (a handler's, or a called case's variables) into the
  // token's variables: each `output` assignment with the result readable as `result`, or without
  // `output` the result's fields merged; records `variables_changed`. Returns the incident
  // message of the first assignment that fails (the ones before it stay assigned).
  std::optional<std::string> apply_output(
      const Token& token, const model::Step& step,
      const std::optional<std::vector<model::Assignment>>& output, const Value& result);
  Status apply_set(const model::Step& step);
  // The bounds (EngineLimits) on a message's or signal's variables once merged: invalid_input
  // naming the event and the case.
  Status check_received(const Subscription& subscription, const Value& vars) const;
  Status terminate(ScopeId scope);
  Status withdraw(const Token& token);
  void settle();

  // The outgoing flows a token leaving `step` takes, in `next` order, into flows_.
  // Errors: the incident message (a failing condition, no branch to take).
  Status choose_flows(const model::Step& step);

  // Expressions against the case's variables and `case`.
  Result<Value> evaluate(const model::ValueSource& source) const;
  Result<bool> condition(const expr::Expression& expression) const;
  // `gaps` (when given) receives the parts that rendered empty: a null value or a missing path.
  Result<std::string> render(const expr::Template& text,
                             std::vector<expr::TemplateGap>* gaps = nullptr) const;
  expr::Context context() const;

  void park(Token token);
  Token* find_token(TokenId id);
  Token* find_task_token(TaskId task);
  void remove_token(TokenId id);
  void raise_incident(Token token, IncidentState::Phase phase, std::string message);
  void merge_variables(const Value& vars, model::StepIndex step, TaskId task, std::string_view by);
  void event(EventType type, model::StepIndex step = model::kNoStep, TaskId task = kNoId,
             std::string_view by = {}, Value data = {});
  void left(const Token& token);
  // Queues the step's `notify` entries for `on` (task: the step's task, for assignee/candidates).
  void notify(const model::Step& step, model::NotifyOn on, const Task* task);
  void queue_notification(const model::Step& step, const model::Notification& entry,
                          const Task* task);
  // While alive, expressions read `task` as the given task (nothing when it is null).
  class TaskInSight {
   public:
    TaskInSight(CaseRun& run, const Task* task);
    ~TaskInSight();
    TaskInSight(const TaskInSight&) = delete;
    TaskInSight& operator=(const TaskInSight&) = delete;

   private:
    CaseRun& run_;
    Value saved_;
    bool bound_ = false;
  };

  const ProcessPlan& plan_;
  const model::Definition& def_;
  const RunEnvironment& env_;
  // The process calendar's zone: dates without a zone are read in it, format_date writes in it,
  // and plain time moves days on its wall clock. nullptr (UTC) without a calendar.
  const date::time_zone* zone_;
  Result<TimeBasis> task_time_;
  CaseRecord record_;
  CaseState state_;
  CaseChange change_;
  // `case` in expressions, built by LazyCaseScope when an expression first reads it.
  mutable std::optional<Value> case_value_;
  std::vector<Token> stack_;
  std::vector<model::FlowIndex> flows_;
  std::uint32_t moved_ = 0;
  const Task* completing_ = nullptr;  // the task being completed, while its token leaves
  std::uint32_t call_depth_ = 0;      // how many callers run this run inside theirs
  ScopeId scope_ = 0;                 // the scope whose locals expressions read (use_scope)
  Value locals_ = Value::Object{};    // the merged locals of scope_, inner names first
  VariablesSize variables_size_;      // of record_.variables, as `set` and outputs write them
};

}  // namespace crmflow::runtime
