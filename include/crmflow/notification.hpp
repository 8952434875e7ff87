// crmflow: notifications (`notify` entries, `send` steps, alarms) and where the engine puts them.
//
// The engine renders a notification's text from the process templates with the case's variables
// and stores it in the same transaction as the state change that caused it (the outbox). After
// the commit it hands each one to the Notifier given in EngineOptions. Delivery through channels
// with retries is a later layer; RecordingNotifier keeps what it is given, for tests and scenarios.
//
//   crmflow::RecordingNotifier sent;
//   crmflow::Engine engine{store, {.notifier = &sent}};
//   ...
//   sent.notifications().front().text;   // "Reza, your A52 was received. ..."
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/ids.hpp"
#include "crmflow/time.hpp"

namespace crmflow {

// Where a notification's delivery stands.
enum class DeliveryStatus : std::uint8_t {
  pending,  // queued; not yet delivered (being tried, or waiting for its next attempt)
  sent,     // a channel accepted it
  failed,   // given up: a permanent failure, or the retry limit reached
};

// "pending", "sent", "failed".
std::string_view to_string(DeliveryStatus status) noexcept;

struct Notification {
  std::uint64_t id = kNoId;  // the outbox entry's id, unique in its store (kNoId until stored)
  CaseId case_id = kNoId;
  std::string step_id{};  // the step whose `notify` (or alarm) produced it
  std::string channel{};  // "sms", "email", or a channel name the host registered
  std::string to{};       // the address on that channel
  std::string subject{};  // e-mail only; may be empty
  std::string text{};     // the text, or an e-mail's body
  // Unique per notification and stable across retries of its delivery: "case/event/index".
  std::string idempotency_key{};
  Instant at{};  // when it was queued (the clock of the call that caused it)
  // SMS segments the text takes (GSM-7: 160, or 153 each when split; UCS-2, e.g. Persian: 70,
  // or 67 each); 0 for channels other than `sms`.
  std::uint32_t segments = 0;

  // Delivery, kept by the store and changed only by the delivery pass.
  DeliveryStatus status = DeliveryStatus::pending;
  std::uint32_t attempts = 0;          // attempts made so far
  std::optional<Instant> next_attempt{};  // pending: not before this moment (nullopt: at once)
  std::optional<Instant> leased_until{};  // pending: a worker is delivering it until then
  std::optional<Instant> sent_at{};       // sent: when the channel accepted it
  std::string last_error{};            // the last failure's message (failed, or pending a retry)
};

// Receives every notification once its transaction has committed.
// Thread safety: called from whichever thread made the engine call; the engine serialises nothing.
class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual void queued(const Notification& notification) = 0;
};

// Keeps every notification it is given, in order. Not thread-safe.
class RecordingNotifier final : public Notifier {
 public:
  void queued(const Notification& notification) override { notifications_.push_back(notification); }
  const std::vector<Notification>& notifications() const { return notifications_; }
  void clear() { notifications_.clear(); }

 private:
  std::vector<Notification> notifications_;
};

}  // namespace crmflow
