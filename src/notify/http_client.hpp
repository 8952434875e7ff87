// crmflow::notify internal: a small synchronous HTTP/1.1 client for one endpoint, on Boost.Beast
// and OpenSSL. It sends one request per connection (Connection: close) and waits for the answer
// within one deadline that covers everything: name lookup, connect, TLS handshake, write, read.
//
//   auto client = HttpClient::create(*parse_url("https://panel.example/send"),
//                                    {.timeout = std::chrono::seconds{5}});
//   HttpResult r = client->post({{"Authorization", "Bearer ..."}}, R"({"to": "0912..."})",
//                               "application/json");
//   if (r.ok()) r.response().status;   // 200
//   else r.failure().kind;             // HttpFailure::Kind::refused ...
//
// https: the server's certificate is always verified (SSL_VERIFY_PEER) against the system trust
// store plus an optional PEM file, and must name the URL's host (DNS name, sent as SNI, or IP
// address). TLS 1.2 is the least version accepted.
//
// Thread safety: an HttpClient is immutable after create(); any number of threads may post() at
// once (each call has its own connection; the TLS configuration is shared read-only).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "crmflow/error.hpp"
#include "notify/url.hpp"

namespace crmflow::notify {

// Answers whose body is longer than this are refused (HttpFailure::Kind::bad_response): a
// receipt or a handler's result never needs more, and a runaway server must not exhaust memory.
inline constexpr std::size_t kMaxResponseBody = 1024 * 1024;

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  unsigned status = 0;  // 100-999 as the server sent it
  std::string reason;   // the reason phrase as sent (may be empty)
  HttpHeaders headers;  // in the order received, names as sent
  std::string body;     // at most kMaxResponseBody bytes

  // The first header named `name` (compared without regard to case), or nullptr.
  const std::string* header(std::string_view name) const;
  // "503 Service Unavailable": the status and its reason phrase (the standard one when the server
  // sent none).
  std::string status_line() const;
};

// Why no answer came back. The kinds are what a caller decides on: whether to try again.
struct HttpFailure {
  enum class Kind : std::uint8_t {
    name_resolution,   // the host name does not resolve (now)
    refused,           // nothing listens at the address and port
    timeout,           // the deadline passed before the whole answer arrived
    tls_verification,  // the server's certificate is not trusted or does not name the host
    connection,        // reset, closed early, a TLS handshake error other than verification
    bad_response,      // not HTTP/1.x, or a header or body over its limit
  };
  Kind kind = Kind::connection;
  // What happened, in words: "connection refused", "timed out after 5s while connecting".
  std::string message;
};

// An HttpResponse (any status, 2xx or not) or the HttpFailure that prevented one.
class [[nodiscard]] HttpResult {
 public:
  HttpResult(HttpResponse response) : state_(std::move(response)) {}  // NOLINT
  HttpResult(HttpFailure failure) : state_(std::move(failure)) {}     // NOLINT

  bool ok() const { return state_.index() == 0; }
  // REQUIRES: ok()
  const HttpResponse& response() const& { return std::get<0>(state_); }
  // REQUIRES: !ok()
  const HttpFailure& failure() const& { return std::get<1>(state_); }

 private:
  std::variant<HttpResponse, HttpFailure> state_;
};

struct HttpClientOptions {
  std::chrono::milliseconds timeout{std::chrono::seconds{5}};  // for the whole exchange
  // https only: a PEM file of extra trust anchors; empty: the system trust store only.
  std::filesystem::path ca_file{};
};

class HttpClient {
 public:
  // A client for `url`. For https it builds the TLS configuration now, so that a bad ca_file is
  // reported once, at configuration time. Errors (invalid_input): a timeout that is not positive;
  // a ca_file that cannot be read or holds no PEM certificate (the message names the file).
  static Result<HttpClient> create(Url url, HttpClientOptions options);

  // POSTs `body` with these headers (plus Host, User-Agent, Content-Type, Content-Length and
  // Connection: close, which the client sets itself) and reads the answer. Never throws.
  // REQUIRES: header names and values hold no CR, LF or NUL (the caller checks rendered values).
  HttpResult post(const HttpHeaders& headers, std::string body,
                  std::string_view content_type) const;

  const Url& url() const { return url_; }
  std::chrono::milliseconds timeout() const { return options_.timeout; }

  struct Tls;  // the shared OpenSSL context (http_client.cpp)

 private:
  HttpClient(Url url, HttpClientOptions options, std::shared_ptr<const Tls> tls)
      : url_(std::move(url)), options_(std::move(options)), tls_(std::move(tls)) {}

  Url url_;
  HttpClientOptions options_;
  std::shared_ptr<const Tls> tls_;  // null for http
};

}  // namespace crmflow::notify
