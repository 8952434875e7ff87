// The execution state of one case: where its tokens stand, what its joins hold, the steps it has
// left, its open incidents. The runtime reads and changes it; stores keep it (MemoryStore as this
// object, SqliteStore serialised). It refers to the definition only by dense indices
// (model::StepIndex, model::FlowIndex, both std::uint32_t), never by name or pointer, so it stays
// valid across processes and machines for the definition version the case runs.
//
// Tokens and scope instances have ids local to the case, allocated from counters here and never
// reused (so a job or task that names a token can tell a withdrawn token from a live one).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "crmflow/time.hpp"
#include "crmflow/value.hpp"

namespace crmflow {

using TokenId = std::uint32_t;
using ScopeId = std::uint32_t;  // 0: the case's root scope

// What a token is waiting for. `moving` tokens exist only inside one engine call.
enum class WaitKind : std::uint8_t {
  moving,     // about to enter `step` (on the run stack)
  task,       // `ref` is the TaskId of its open task
  job,        // `ref` is the JobId of its timer or service job
  message,    // subscribed to a message
  signal,     // subscribed to a signal
  scope,      // at a subprocess step: `ref` is the ScopeId of the instance running inside
  incident,   // parked at `step` until Engine::retry
  instances,  // at a `for_each` step: its instances run in scopes (MultiInstanceState)
  call,       // at a `call` step: `ref` is the CaseId of the case it started
};

struct Token {
  TokenId id = 0;
  std::uint32_t step = 0;  // model::StepIndex where it stands (or enters, while moving)
  ScopeId scope = 0;
  std::uint32_t via = 0xFFFFFFFFu;  // model::FlowIndex it came by; kNoFlow at the start
  WaitKind wait = WaitKind::moving;
  std::uint64_t ref = 0;      // task or job id, by `wait`
  std::uint32_t attempt = 1;  // service steps: the try being made
};

// Arrivals held by a join step with several incoming flows, per scope instance. `arrived[i]`
// counts tokens that came by the step's i-th incoming flow and wait for a firing.
struct JoinState {
  ScopeId scope = 0;
  std::uint32_t step = 0;
  std::vector<std::uint32_t> arrived;
};

// Where an open incident parks a token, and what to redo on retry.
struct IncidentState {
  enum class Phase : std::uint8_t {
    enter,  // the step failed while running: retry runs it again
    leave,  // choosing the outgoing flow failed: retry chooses again
  };
  TokenId token = 0;
  std::uint32_t step = 0;
  Phase phase = Phase::enter;
  std::string message;
  Instant at{};
};

// A running instance of a subprocess, or one instance of a multi-instance step: its tokens carry
// its id as their scope. An instance scope (`instance`) holds one token, at the multi-instance
// step itself, and the instance's locals (the item under its `as` name, the variables submitted
// with its task); expressions of tokens in it or in scopes nested in it read those first.
struct ScopeInstance {
  ScopeId id = 0;
  ScopeId parent = 0;
  TokenId owner = 0;       // the token waiting at the subprocess (or multi-instance) step
  std::uint32_t step = 0;  // model::StepIndex of the subprocess (or multi-instance) step
  bool instance = false;   // an instance of a multi-instance step
  std::uint32_t item = 0;  // instance: its position in the list of items
  Value locals{};          // instance: an object of its local variables; null otherwise
};

// A multi-instance (`for_each`) step whose instances run. Its token waits at the step
// (WaitKind::instances); each running instance is a scope instance owned by that token.
struct MultiInstanceState {
  TokenId token = 0;            // the token waiting at the step
  std::uint32_t step = 0;       // model::StepIndex
  std::vector<Value> items;     // the list `for_each` gave, evaluated once
  std::uint32_t started = 0;    // instances started so far (in item order)
  std::uint32_t completed = 0;  // instances completed so far
  std::vector<Value> results;   // the `collect` value per item; null until it completes
};

// A token's boundary event that is armed: a timer job, or a message subscription (job 0).
struct BoundaryWait {
  TokenId token = 0;        // the activity's token
  std::uint32_t index = 0;  // into the step's `boundary` list
  std::uint64_t job = 0;    // the boundary_timer job, 0 for a message boundary
  std::uint32_t fired = 0;  // firings so far (cycles)
  Instant anchor{};         // when the activity began: cycles without a start count from it
};

// An alarm of a user task that is armed: its job and how often it has fired.
struct ArmedAlarm {
  TokenId token = 0;        // the task's token
  std::uint32_t index = 0;  // into the step's `alarms`
  std::uint64_t job = 0;
  std::uint32_t fired = 0;
  Instant first{};  // the first firing moment; repetitions add `every` from it
};

// An event gateway whose waits race: the first to fire wins, the others are withdrawn.
struct EventRace {
  std::uint32_t gateway = 0;  // model::StepIndex
  ScopeId scope = 0;
  std::vector<TokenId> racers;
};

struct CaseState {
  std::vector<Token> tokens;               // live tokens, in creation order
  std::vector<JoinState> joins;            // joins holding at least one arrival
  std::vector<IncidentState> incidents;    // open incidents, oldest first
  std::vector<ScopeInstance> scopes;       // running subprocess instances (the root is implicit)
  std::vector<ArmedAlarm> alarms;          // armed alarms of open tasks
  std::vector<BoundaryWait> boundaries;    // armed boundary events of waiting activities
  std::vector<EventRace> races;            // event gateways waiting for their first event
  std::vector<MultiInstanceState> multis;  // multi-instance steps whose instances run
  std::vector<std::uint32_t> path;         // steps left, in order
  // A case started by a `call` step that ended because of a business error nothing inside it
  // caught: the code, for the caller's boundary error events. Empty otherwise.
  std::string error;
  TokenId next_token = 1;
  ScopeId next_scope = 1;
  std::uint64_t history_sequence = 0;  // the last history sequence number used
  std::uint64_t notification_sequence = 0;
};

}  // namespace crmflow
