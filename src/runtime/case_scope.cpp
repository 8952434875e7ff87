#include "runtime/case_scope.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace crmflow::runtime {

Value case_value(const CaseRecord& record) {
  Value::Object kase;
  kase.emplace("id", static_cast<std::int64_t>(record.id));
  kase.emplace("key", record.key);
  kase.emplace("process", record.process_id);
  kase.emplace("initiator", record.initiator);
  kase.emplace("started_at", DateTime{record.started_at, 0});
  return Value{std::move(kase)};
}

void add_scope_locals(const std::vector<ScopeInstance>& scopes, ScopeId scope, Value& out) {
  while (scope != 0) {
    auto found = std::find_if(scopes.begin(), scopes.end(),
                              [scope](const ScopeInstance& s) { return s.id == scope; });
    if (found == scopes.end()) break;
    if (found->instance && found->locals.is_object()) {
      for (const auto& [name, value] : found->locals.as_object()) {
        if (out.find(name) == nullptr) out.set(name, value);
      }
    }
    scope = found->parent;
  }
}

}  // namespace crmflow::runtime
