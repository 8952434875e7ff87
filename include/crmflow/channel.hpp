// crmflow: channels, the senders that deliver queued notifications (SMS panels, mail, web hooks).
//
// The engine writes each notification to the store's outbox in the transaction of the change that
// caused it; a delivery pass (Engine::deliver_due, or run_due when channels are given) then hands
// each pending one to the channel named by its `channel`, outside any transaction, and records
// the outcome: delivered, retry later (with backoff and jitter), or failed for good.
//
//   class PanelSms final : public crmflow::Channel {
//     crmflow::DeliveryOutcome deliver(const crmflow::Notification& n) override {
//       return panel.send(n.to, n.text, n.idempotency_key) ? crmflow::DeliveryOutcome::delivered()
//                                                         : crmflow::DeliveryOutcome::retry("busy");
//     }
//   };
//   crmflow::ChannelRegistry channels;
//   channels.add("sms", std::make_shared<PanelSms>());
//   crmflow::Engine engine{store, {.channels = &channels}};
//
// A channel may be asked to deliver one notification more than once (after a retry outcome, or a
// crash between sending and recording): it should pass `idempotency_key` on to the receiver,
// which stays the same across every attempt.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crmflow/notification.hpp"

namespace crmflow {

// What one delivery attempt came to.
class DeliveryOutcome {
 public:
  enum class Kind : std::uint8_t {
    delivered,  // the receiver accepted it
    retry,      // a transient failure (timeout, refused connection, 5xx, 429): try again later
    failed,     // a permanent failure (4xx other than 429, a bad address): never retried
  };

  // Accepted; `receipt` is what the receiver answered that identifies the message (may be empty).
  static DeliveryOutcome delivered(std::string receipt = {}) {
    return {Kind::delivered, std::move(receipt), std::nullopt};
  }
  // Try again. `after`: the receiver asked to wait at least this long (HTTP Retry-After); the
  // engine's backoff is used when it is absent or shorter.
  static DeliveryOutcome retry(std::string error,
                               std::optional<std::chrono::milliseconds> after = std::nullopt) {
    return {Kind::retry, std::move(error), after};
  }
  // Give up: the notification is parked as failed and shown by reports.
  static DeliveryOutcome failed(std::string error) {
    return {Kind::failed, std::move(error), std::nullopt};
  }

  Kind kind() const { return kind_; }
  // The receipt of a delivered notification, else the error.
  const std::string& detail() const { return detail_; }
  const std::optional<std::chrono::milliseconds>& retry_after() const { return retry_after_; }

 private:
  DeliveryOutcome(Kind kind, std::string detail, std::optional<std::chrono::milliseconds> after)
      : kind_(kind), detail_(std::move(detail)), retry_after_(after) {}

  Kind kind_;
  std::string detail_;
  std::optional<std::chrono::milliseconds> retry_after_;
};

// A sender. deliver() is called outside any store transaction, from whichever thread runs the
// delivery pass, and may block for as long as its own timeout. It must not throw: an exception
// that escapes is caught and counted as a retry outcome.
// Thread safety: implementations must allow concurrent deliver() calls when the runner has
// several workers.
class Channel {
 public:
  virtual ~Channel() = default;
  virtual DeliveryOutcome deliver(const Notification& notification) = 0;
};

// Channels by the name process definitions use (`channel: sms`). Fill it before the engine
// runs; not thread-safe while adding.
class ChannelRegistry {
 public:
  // Adds or replaces the channel for `name`.
  void add(std::string name, std::shared_ptr<Channel> channel) {
    channels_[std::move(name)] = std::move(channel);
  }
  // The channel for `name`, or nullptr.
  Channel* find(std::string_view name) const {
    auto found = channels_.find(name);
    return found == channels_.end() ? nullptr : found->second.get();
  }
  bool empty() const { return channels_.empty(); }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    out.reserve(channels_.size());
    for (const auto& [name, channel] : channels_) out.push_back(name);
    return out;
  }

 private:
  std::map<std::string, std::shared_ptr<Channel>, std::less<>> channels_;
};

}  // namespace crmflow
