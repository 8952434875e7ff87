// crmflow: MemoryStore, the Store kept in memory: for tests, scenarios and hosts that need no
// disk. Case execution state is kept as the C++ object (no serialisation). Everything is lost
// when the object is destroyed.
//
//   crmflow::MemoryStore store;
//   crmflow::Engine engine{store, {.clock = &clock}};
//
// Thread safety: all methods may be called concurrently (one mutex).
#pragma once

#include <memory>

#include "crmflow/store.hpp"

namespace crmflow {

class MemoryStore final : public Store {
 public:
  MemoryStore();
  ~MemoryStore() override;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  Result<std::uint64_t> allocate_id(IdKind kind) override;
  Status add_definition(const DefinitionRecord& record) override;
  Status add_definition_with_triggers(const DefinitionRecord& record,
                                      const std::vector<JobRecord>& triggers) override;
  Result<std::optional<DefinitionRecord>> latest_definition(std::string_view process_id) override;
  Result<std::optional<DefinitionRecord>> definition(std::string_view process_id,
                                                     std::int64_t version) override;
  Result<std::vector<DefinitionRecord>> latest_definitions() override;
  Result<CaseRecord> load_case(CaseId id) override;
  Result<std::vector<CaseRecord>> find_cases(const CaseQuery& query) override;
  Result<Task> load_task(TaskId id) override;
  Result<std::vector<Task>> open_tasks(const TaskFilter& filter) override;
  Result<std::optional<JobRecord>> next_due_job(Instant now) override;
  Result<std::optional<Instant>> next_due() override;
  Status lease_job(JobId id, Instant now, Instant until) override;
  Result<std::vector<Subscription>> subscriptions(SubscriptionKind kind, std::string_view name,
                                                  std::string_view key) override;
  Result<std::vector<HistoryEvent>> history(CaseId id) override;
  Result<std::vector<Notification>> outbox(CaseId case_id) override;
  Result<std::optional<Notification>> next_due_delivery(Instant now) override;
  Result<std::optional<Instant>> next_delivery_due() override;
  Status lease_delivery(std::uint64_t id, Instant now, Instant until) override;
  Status commit(const CaseChange& change) override;
  Result<std::vector<CaseId>> ended_cases(Instant ended_before, CaseId after,
                                          std::size_t limit) override;
  Status remove_ended_case(CaseId id, Instant ended_before) override;

 private:
  struct Tables;
  std::unique_ptr<Tables> tables_;
};

}  // namespace crmflow
