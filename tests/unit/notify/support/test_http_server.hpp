// Tests of the http channel and handler: a real HTTP/1.1 server (plain or TLS) on 127.0.0.1 at
// an ephemeral port, in its own thread, that answers each request as scripted and records what
// it got.
//
//   TestHttpServer server;
//   server.script({Reply::answer(503), Reply::answer(200, "id-1")});
//   ... post to server.url("/send") twice ...
//   server.requests()[1].header("Idempotency-Key");   // "7/12/0"
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace crmflow::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct RecordedRequest {
  std::string method;
  std::string target;
  Headers headers;
  std::string body;

  // The first header named `name` (any case), or "" when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

// What the server does with one request (after reading it whole).
struct Reply {
  enum class Action { answer, hang, close };
  Action action = Action::answer;
  unsigned status = 200;
  std::string body;
  Headers headers;

  static Reply answer(unsigned status, std::string body = {}, Headers headers = {}) {
    return Reply{Action::answer, status, std::move(body), std::move(headers)};
  }
  // Never answers (until the server is destroyed).
  static Reply hang() { return Reply{Action::hang, 0, {}, {}}; }
  // Closes the connection without a word.
  static Reply close() { return Reply{Action::close, 0, {}, {}}; }
};

// Certificate and key (PEM) for a TLS server.
struct ServerTls {
  std::string certificate_pem;
  std::string key_pem;
};

class TestHttpServer {
 public:
  // Listens at once; without `tls`, plain HTTP.
  explicit TestHttpServer(std::optional<ServerTls> tls = std::nullopt);
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  // Replies to the next requests, in order; once they are used up, every request gets 200 "ok".
  void script(std::vector<Reply> replies);
  std::uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT" + path (https:// for a TLS server); `host` replaces 127.0.0.1.
  std::string url(std::string_view path, std::string_view host = "127.0.0.1") const;
  // Every request read whole so far, in arrival order.
  std::vector<RecordedRequest> requests() const;

  struct State;  // shared with the server thread

 private:
  std::unique_ptr<State> state_;
  std::uint16_t port_ = 0;
  bool tls_ = false;
  std::thread thread_;
};

// A port on 127.0.0.1 where nothing listens (bound, then released at once).
std::uint16_t unused_port();

}  // namespace crmflow::test
