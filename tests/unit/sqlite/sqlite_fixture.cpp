#include "sqlite_fixture.hpp"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <system_error>

namespace crmflow::test {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "crmflow-sqlite-XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::file(const std::string& name) const { return (path_ / name).string(); }

std::unique_ptr<SqliteStore> open_store(const std::string& path, SqliteOptions options) {
  auto store = SqliteStore::open(path, options);
  INFO((store ? std::string{} : store.error().message));
  REQUIRE(store.ok());
  return std::move(*store);
}

std::shared_ptr<const CaseState> sample_state() {
  auto state = std::make_shared<CaseState>();
  state->tokens.push_back(
      {.id = 3, .step = 4, .scope = 0, .via = 2, .wait = WaitKind::task, .ref = 77, .attempt = 1});
  state->joins.push_back({.scope = 0, .step = 9, .arrived = {1, 0, 2}});
  state->incidents.push_back({.token = 3,
                              .step = 4,
                              .phase = IncidentState::Phase::leave,
                              .message = "step 'check': no flow matched",
                              .at = at(5)});
  state->path = {0, 1, 2};
  state->next_token = 4;
  state->history_sequence = 12;
  return state;
}

CaseChange new_case(CaseId id) {
  CaseChange change = conformance::new_case(id);
  change.record.state = sample_state();
  return change;
}

Task open_task(TaskId id, CaseId case_id) {
  Task task = conformance::open_task(id, case_id);
  task.step_id = "check";
  task.name = "Check the device";
  return task;
}

JobRecord due_job(JobId id, CaseId case_id, Instant due) {
  return conformance::job(id, case_id, due, JobKind::service);
}

SQLite::Database raw_connection(const std::string& path) {
  return SQLite::Database{path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 2000};
}

}  // namespace crmflow::test
