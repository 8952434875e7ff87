#include "notify/notification_json.hpp"

#include <cstdint>

#include "crmflow/json.hpp"
#include "time/iso8601.hpp"

namespace crmflow::notify {

Value notification_value(const Notification& notification) {
  Value::Object object;
  object.emplace("id", Value{static_cast<std::int64_t>(notification.id)});
  object.emplace("case", Value{static_cast<std::int64_t>(notification.case_id)});
  object.emplace("step", Value{notification.step_id});
  object.emplace("channel", Value{notification.channel});
  object.emplace("to", Value{notification.to});
  if (!notification.subject.empty()) object.emplace("subject", Value{notification.subject});
  object.emplace("text", Value{notification.text});
  object.emplace("idempotency_key", Value{notification.idempotency_key});
  object.emplace("at", Value{time::format_instant(notification.at)});
  if (notification.segments != 0) {
    object.emplace("segments", Value{static_cast<std::int64_t>(notification.segments)});
  }
  object.emplace("attempt", Value{static_cast<std::int64_t>(notification.attempts + 1)});
  return Value{std::move(object)};
}

std::string notification_json(const Notification& notification) {
  return to_json(notification_value(notification));
}

}  // namespace crmflow::notify
