// A Store that forwards every call to another store. Tests derive from it and override only the
// calls they want to watch or break (a commit that lets another writer in first, a lookup that
// fails), so a new Store method is added here once, not in every such test.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "crmflow/store.hpp"

namespace crmflow::test {

class ForwardingStore : public Store {
 public:
  // `inner` must outlive this store.
  explicit ForwardingStore(Store& inner) : inner_(inner) {}

  Result<std::uint64_t> allocate_id(IdKind kind) override { return inner_.allocate_id(kind); }
  Status add_definition(const DefinitionRecord& r) override { return inner_.add_definition(r); }
  Status add_definition_with_triggers(const DefinitionRecord& r,
                                      const std::vector<JobRecord>& triggers) override {
    return inner_.add_definition_with_triggers(r, triggers);
  }
  Result<std::optional<DefinitionRecord>> latest_definition(std::string_view id) override {
    return inner_.latest_definition(id);
  }
  Result<std::optional<DefinitionRecord>> definition(std::string_view id,
                                                     std::int64_t version) override {
    return inner_.definition(id, version);
  }
  Result<std::vector<DefinitionRecord>> latest_definitions() override {
    return inner_.latest_definitions();
  }
  Result<CaseRecord> load_case(CaseId id) override { return inner_.load_case(id); }
  Result<std::vector<CaseRecord>> find_cases(const CaseQuery& q) override {
    return inner_.find_cases(q);
  }
  Result<Task> load_task(TaskId id) override { return inner_.load_task(id); }
  Result<std::vector<Task>> open_tasks(const TaskFilter& f) override {
    return inner_.open_tasks(f);
  }
  Result<std::optional<JobRecord>> next_due_job(Instant now) override {
    return inner_.next_due_job(now);
  }
  Result<std::optional<Instant>> next_due() override { return inner_.next_due(); }
  Status lease_job(JobId id, Instant now, Instant until) override {
    return inner_.lease_job(id, now, until);
  }
  Result<std::vector<Notification>> outbox(CaseId id) override { return inner_.outbox(id); }
  Result<std::optional<Notification>> next_due_delivery(Instant now) override {
    return inner_.next_due_delivery(now);
  }
  Result<std::optional<Instant>> next_delivery_due() override { return inner_.next_delivery_due(); }
  Status lease_delivery(std::uint64_t id, Instant now, Instant until) override {
    return inner_.lease_delivery(id, now, until);
  }
  Result<std::vector<Subscription>> subscriptions(SubscriptionKind kind, std::string_view name,
                                                  std::string_view key) override {
    return inner_.subscriptions(kind, name, key);
  }
  Result<std::vector<HistoryEvent>> history(CaseId id) override { return inner_.history(id); }
  Status commit(const CaseChange& change) override { return inner_.commit(change); }
  Result<std::vector<CaseId>> ended_cases(Instant ended_before, CaseId after,
                                          std::size_t limit) override {
    return inner_.ended_cases(ended_before, after, limit);
  }
  Status remove_ended_case(CaseId id, Instant ended_before) override {
    return inner_.remove_ended_case(id, ended_before);
  }

 private:
  Store& inner_;
};

}  // namespace crmflow::test
