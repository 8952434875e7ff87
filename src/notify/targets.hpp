// crmflow::notify internal: where a channel or a runner-side service handler sends its payload,
// as `--channels` / `--handlers` files describe it (docs/channels.md). Plain data: the channel
// and handler factories compile the templates and check the rest.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace crmflow::notify {

// `type: http`: one POST per notification (or service job).
struct HttpTarget {
  std::string name{};  // the channel or handler name, for error messages
  std::string url{};   // http://host[:port]/path or https://...
  // Header name → value template (`{{ env.SMS_TOKEN }}`, `{{ idempotency_key }}` ...), in order.
  std::vector<std::pair<std::string, std::string>> headers{};
  // The body template; nullopt: the notification (or the job) as JSON (notification_json.hpp).
  std::optional<std::string> body{};
  std::string content_type = "application/json";
  std::chrono::milliseconds timeout{std::chrono::seconds{5}};
  // PEM file of extra trust anchors for https (a private CA, a test's self-signed certificate);
  // empty: the system's trust store only. Certificates are always verified, host name included.
  std::filesystem::path ca_file{};
};

// `type: command`: runs argv[0] with argv (never through a shell), the payload as JSON on stdin.
struct CommandTarget {
  std::string name{};
  std::vector<std::string> argv{};
  std::chrono::milliseconds timeout{std::chrono::seconds{30}};
};

// `type: file`: appends one JSON line per notification.
struct FileTarget {
  std::string name{};
  std::filesystem::path path{};
};

}  // namespace crmflow::notify
