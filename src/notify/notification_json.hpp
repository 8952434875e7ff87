// crmflow::notify internal: a notification as the JSON object channels send (the default HTTP
// body, a command's stdin, a line of a file channel). One shape everywhere (docs/channels.md):
//   {"id", "case", "step", "channel", "to", "subject", "text", "idempotency_key", "at",
//    "segments", "attempt"}
// Keys in alphabetical order (as every Value object prints). "subject" only for e-mail-like notifications that have one; "segments" only when non-zero;
// "at" in RFC 3339 UTC; "attempt" is the attempt this delivery is (1 = first).
#pragma once

#include <string>

#include "crmflow/notification.hpp"
#include "crmflow/value.hpp"

namespace crmflow::notify {

// The notification as a Value object (for templates: `{{ to }}`, `{{ text }}` ...).
Value notification_value(const Notification& notification);

// The same object as compact JSON text.
std::string notification_json(const Notification& notification);

}  // namespace crmflow::notify
