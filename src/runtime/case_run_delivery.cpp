// CaseRun::record_delivery: the outcome of a delivery attempt, committed with the case so that
// its history says when each notification went out or was given up.
#include <cstdint>
#include <utility>

#include "runtime/case_run.hpp"

namespace crmflow::runtime {

void CaseRun::record_delivery(Notification entry, std::string_view receipt) {
  const model::StepIndex step = def_.find_step(entry.step_id).value_or(model::kNoStep);
  Value::Object data{{"channel", entry.channel},
                     {"to", entry.to},
                     {"attempts", static_cast<std::int64_t>(entry.attempts)}};
  if (entry.status == DeliveryStatus::sent) {
    if (!receipt.empty()) data.emplace("receipt", std::string{receipt});
    event(EventType::notification_sent, step, kNoId, {}, std::move(data));
  } else if (entry.status == DeliveryStatus::failed) {
    data.emplace("message", entry.last_error);
    event(EventType::notification_failed, step, kNoId, {}, std::move(data));
  }
  change_.deliveries.push_back(std::move(entry));
}

}  // namespace crmflow::runtime
