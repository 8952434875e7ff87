// The SQL of SqliteStore's reads whose speed matters on large tables, named so that the tests
// can ask SQLite how it runs them (EXPLAIN QUERY PLAN) and fail when an index stops being used.
#pragma once

#include <string>

namespace crmflow::sqlite {

// Filters of find_cases, as bits of `filters`.
inline constexpr unsigned kCaseByProcess = 1;
inline constexpr unsigned kCaseByStatus = 2;
inline constexpr unsigned kCaseByKey = 4;
inline constexpr unsigned kCaseFilterCombinations = 8;
// Parameters :process, :status, :key, :limit, :offset.
const std::string& find_cases_sql(unsigned filters);

// Filters of open_tasks (user and group never together).
inline constexpr unsigned kTaskByCase = 1;
inline constexpr unsigned kTaskByStep = 2;
inline constexpr unsigned kTaskByDue = 4;
inline constexpr unsigned kTaskByUser = 8;
inline constexpr unsigned kTaskByGroup = 16;
inline constexpr unsigned kTaskByAnyGroup = 32;
inline constexpr unsigned kTaskFilterCombinations = 64;
// Parameters :case, :step, :due, :user with :groups (a JSON array), :group, :limit, :offset.
const std::string& open_tasks_sql(unsigned filters);

// ?1: now.
const std::string& next_due_job_sql();
// No parameters. One row: the moment, or NULL when there is no job.
const std::string& next_due_sql();
// ?1: now.
const std::string& next_due_delivery_sql();
// No parameters. One row: the moment, or NULL when nothing is pending.
const std::string& next_delivery_due_sql();
// ?1: name, ?2: key (messages only).
const std::string& message_subscriptions_sql();
const std::string& signal_subscriptions_sql();
// ?1: case id.
const std::string& history_sql();

}  // namespace crmflow::sqlite
