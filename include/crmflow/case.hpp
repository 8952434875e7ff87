// crmflow: a case, one run of a process, as the engine reports it.
//
//   crmflow::Result<crmflow::Case> c = engine.get_case(id);
//   if (c && c->status == crmflow::CaseStatus::incident) show(c->incidents.front().message);
//
// These are snapshots: they do not change when the case moves on; ask again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/ids.hpp"
#include "crmflow/time.hpp"
#include "crmflow/value.hpp"

namespace crmflow {

enum class CaseStatus : std::uint8_t {
  active,      // some branch still runs or waits
  completed,   // every branch reached an end
  terminated,  // an `end` with `terminate: true` ended it
  cancelled,   // Engine::cancel ended it
  incident,    // active, with at least one open incident
};

// "active", "completed", "terminated", "cancelled", "incident".
std::string_view to_string(CaseStatus status) noexcept;
// The inverse of to_string; nullopt for any other text.
std::optional<CaseStatus> parse_case_status(std::string_view text) noexcept;
// Whether a case in this status can never move again (completed, terminated, cancelled).
bool is_final(CaseStatus status) noexcept;

// Something went wrong at a step and waits for an operator (Engine::retry).
struct Incident {
  std::string step_id{};
  std::string message{};  // names the step and the error
  Instant at{};
};

struct Case {
  CaseId id = kNoId;
  std::string process_id{};
  std::int64_t version = 0;  // the deployed version the case runs
  std::string key{};         // the business key given at start; may be empty
  CaseStatus status = CaseStatus::active;
  int progress = 0;         // 0..100 (spec: "progress")
  std::string initiator{};  // `by` of start; may be empty
  Instant started_at{};
  std::optional<Instant> ended_at{};
  Value variables{};  // an object
  // Where the case stands, each step id once, sorted: what scenario `expect: active` compares
  // (open tasks, waits, pending service jobs, raced waits of an event gateway, joins holding some
  // but not all of their tokens, steps with an open incident).
  std::vector<std::string> active{};
  // Every step the case has left, in order (spec: scenario `path`).
  std::vector<std::string> path{};
  std::vector<Incident> incidents{};  // the open ones, oldest first
  // The case whose `call` step started this one; kNoId for a case started otherwise.
  CaseId parent = kNoId;
};

// A filter over cases; empty fields match everything. Results are ordered by id.
struct CaseQuery {
  std::string process_id{};
  std::optional<CaseStatus> status{};
  std::string key{};
  std::size_t limit = 0;  // 0: no limit
  std::size_t offset = 0;
};

}  // namespace crmflow
