// Engine::deliver_due: the outbox's delivery pass. Each pending notification that is due is
// leased, handed to its channel outside any transaction, and its outcome committed with its
// case: sent, retried later (exponential backoff with jitter, at least the receiver's
// Retry-After), or given up as failed after DeliveryPolicy::max_attempts.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <string_view>

#include "crmflow/engine.hpp"
#include "runtime/engine_impl.hpp"

namespace crmflow {

namespace {

using std::chrono::milliseconds;

// A number in [0, 1) fixed by the notification and the attempt: retries of many notifications
// that failed together spread out, and a run replays the same way (DESIGN: deterministic).
double jitter_fraction(std::string_view key, std::uint32_t attempt) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (const char c : key) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  h = (h ^ attempt) * 1099511628211ULL;
  h ^= h >> 33;
  return static_cast<double>(h % 1'000'000) / 1'000'000.0;
}

// The wait after the `attempts`-th failed attempt: first_backoff doubled per further attempt,
// capped at max_backoff, drawn between half and all of it, and at least `at_least`.
milliseconds backoff(const DeliveryPolicy& policy, std::string_view key, std::uint32_t attempts,
                     std::optional<milliseconds> at_least) {
  milliseconds wait = policy.first_backoff;
  for (std::uint32_t i = 1; i < attempts && wait < policy.max_backoff; ++i) wait *= 2;
  wait = std::min(wait, policy.max_backoff);
  const double fraction = 0.5 + 0.5 * jitter_fraction(key, attempts);
  wait = milliseconds{static_cast<std::int64_t>(static_cast<double>(wait.count()) * fraction)};
  if (at_least && *at_least > wait) wait = *at_least;
  return std::max(wait, milliseconds{1});
}

DeliveryOutcome attempt(const ChannelRegistry& channels, const Notification& entry) {
  Channel* channel = channels.find(entry.channel);
  if (channel == nullptr) {
    // Retried, not failed at once: the operator may add the channel and restart.
    return DeliveryOutcome::retry(fmt::format("no channel '{}' is configured (channels: {})",
                                              entry.channel, fmt::join(channels.names(), ", ")));
  }
  try {
    return channel->deliver(entry);
  } catch (const std::exception& e) {
    return DeliveryOutcome::retry(fmt::format("channel '{}' threw: {}", entry.channel, e.what()));
  } catch (...) {
    return DeliveryOutcome::retry(fmt::format("channel '{}' threw", entry.channel));
  }
}

// The entry's delivery fields after `outcome` of its attempt at `now`.
Notification settled(Notification entry, const DeliveryOutcome& outcome,
                     const DeliveryPolicy& policy, Instant now) {
  entry.attempts += 1;
  entry.leased_until.reset();
  switch (outcome.kind()) {
    case DeliveryOutcome::Kind::delivered:
      entry.status = DeliveryStatus::sent;
      entry.sent_at = now;
      entry.next_attempt.reset();
      entry.last_error.clear();
      return entry;
    case DeliveryOutcome::Kind::retry:
      entry.last_error = outcome.detail();
      if (entry.attempts < policy.max_attempts) {
        entry.next_attempt =
            now + backoff(policy, entry.idempotency_key, entry.attempts, outcome.retry_after());
        return entry;
      }
      entry.last_error += fmt::format(" (given up after {} attempts)", entry.attempts);
      break;
    case DeliveryOutcome::Kind::failed:
      entry.last_error = outcome.detail();
      break;
  }
  entry.status = DeliveryStatus::failed;
  entry.next_attempt.reset();
  return entry;
}

}  // namespace

Result<std::size_t> Engine::deliver_due(Instant now, const RunDueOptions& options,
                                        std::size_t& done) {
  const DeliveryPolicy& policy = options_.delivery;
  std::size_t attempted = 0;
  while (!options.stop.stop_requested() && (options.max_items == 0 || done < options.max_items)) {
    auto next = store_.next_due_delivery(now);
    if (!next) return std::move(next).error();
    if (!next->has_value()) break;
    const Notification entry = **next;
    if (auto s = store_.lease_delivery(entry.id, now, now + policy.lease); !s) {
      // Another worker delivered it, or is delivering it now.
      if (s.error().code == ErrorCode::not_found || s.error().code == ErrorCode::conflict) {
        continue;
      }
      return std::move(s).error();
    }
    const DeliveryOutcome outcome = attempt(*options_.channels, entry);
    const Notification after = settled(entry, outcome, policy, now);
    const std::string_view receipt =
        outcome.kind() == DeliveryOutcome::Kind::delivered ? outcome.detail() : std::string_view{};
    Status recorded = runtime::rerun_lost_races([&](bool& raced) -> Status {
      auto loaded = impl_->load(entry.case_id);
      if (!loaded) return std::move(loaded).error();
      const runtime::RunEnvironment env = impl_->environment(now);
      runtime::CaseRun run{*loaded->plan, std::move(loaded->record), env, false};
      run.record_delivery(after, receipt);
      if (auto s = run.run(); !s) return s;
      return impl_->commit(run, &raced);
    });
    ++done;
    ++attempted;
    if (!recorded) {
      if (recorded.error().code == ErrorCode::unavailable) return std::move(recorded).error();
      // The lease stays: the entry is tried again when it ends, under the same idempotency key.
      if (options_.log) {
        options_.log(LogRecord{LogLevel::error, "delivery_unrecorded", entry.case_id,
                               fmt::format("notification {} of case {} ({}): its delivery could "
                                           "not be recorded ({}); it is tried again later",
                                           entry.id, entry.case_id, entry.channel,
                                           recorded.error().message)});
      }
      continue;
    }
    if (after.status == DeliveryStatus::failed && options_.log) {
      options_.log(LogRecord{LogLevel::warning, "notification_failed", entry.case_id,
                             fmt::format("notification {} of case {} to {} on '{}' failed: {}",
                                         entry.id, entry.case_id, entry.to, entry.channel,
                                         after.last_error)});
    }
  }
  return attempted;
}

}  // namespace crmflow
