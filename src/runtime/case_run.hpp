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
#include "model/definition.hpp"
#include "runtime/plan.hpp"
#include "store/case_state.hpp"

namespace crmflow::runtime {

// What one engine call brings to a run.
struct RunEnvironment {
  Store& store;
  const Directory& directory;
  Instant now{};
  EngineLimits limits{};
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
  Status complete_task(Task task, const Value& vars, std::string_view by);
  // Records a changed task (claim, unclaim, delegate) with its history event.
  Status update_task(Task task, EventType event, std::string_view by, Value data);
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

  // Moves every moving token until it waits, joins or ends; fires inclusive joins that nothing
  // can reach any more; settles the case status. Errors: the store's only.
  Status run();

  // The change to commit. Call once, after run().
  CaseChange take_change();

  const CaseRecord& record() const { return record_; }
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
  // The racer `winner` fired: withdraws the other waits of its race, if it is in one.
  Status settle_race(TokenId winner);
  // When a timer is due: its `occurrence`-th moment (0-based; only cycles have more than one),
  // nullopt when a cycle has no more. Errors: the incident message.
  Result<std::optional<Instant>> timer_due(const model::Timer& timer, Instant anchor,
                                           std::uint32_t occurrence) const;
  Result<JobId> schedule(JobKind kind, Instant due, const Token& token);
  Result<Value> evaluate_with(const model::ValueSource& source, std::string_view name,
                              const Value& value) const;
  Status apply_set(const model::Step& step);
  Status terminate(ScopeId scope);
  Status withdraw(const Token& token);
  void settle();

  // The outgoing flows a token leaving `step` takes, in `next` order, into flows_.
  // Errors: the incident message (a failing condition, no branch to take).
  Status choose_flows(const model::Step& step);

  // Expressions against the case's variables and `case`.
  Result<Value> evaluate(const model::ValueSource& source) const;
  Result<bool> condition(const expr::Expression& expression) const;
  Result<std::string> render(const expr::Template& text) const;
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

  const ProcessPlan& plan_;
  const model::Definition& def_;
  const RunEnvironment& env_;
  CaseRecord record_;
  CaseState state_;
  CaseChange change_;
  Value case_value_;  // `case` in expressions
  std::vector<Token> stack_;
  std::vector<model::FlowIndex> flows_;
  std::uint32_t moved_ = 0;
  const Task* completing_ = nullptr;  // the task being completed, while its token leaves
};

}  // namespace crmflow::runtime
