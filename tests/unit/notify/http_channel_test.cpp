// The http channel against a real server on 127.0.0.1: what is sent, and how each answer or
// connection failure is classified.
#include "notify/http_channel.hpp"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "crmflow/json.hpp"
#include "notify/http_client.hpp"
#include "notify/notification_json.hpp"
#include "support/test_http_server.hpp"

using namespace std::chrono_literals;
using crmflow::DeliveryOutcome;
using crmflow::ErrorCode;
using crmflow::Notification;
using crmflow::notify::HttpTarget;
using crmflow::notify::make_http_channel;
using crmflow::test::Reply;
using crmflow::test::TestHttpServer;
using Kind = crmflow::DeliveryOutcome::Kind;

namespace {

Notification sms_notification() {
  Notification n;
  n.id = 12;
  n.case_id = 7;
  n.step_id = "received";
  n.channel = "sms";
  n.to = "09121234567";
  n.text = "رضا، دستگاه A52 شما پذیرفته شد. \"پیگیری\": ۱۲۳";
  n.idempotency_key = "7/3/0";
  n.at = crmflow::Instant{std::chrono::sys_days{std::chrono::year{2026} / 2 / 2}} + 9h;
  n.segments = 1;
  return n;
}

// HttpTarget's members have no default initializers, so designated initializers would warn.
HttpTarget http_target(std::string name, std::string url) {
  HttpTarget target;
  target.name = std::move(name);
  target.url = std::move(url);
  return target;
}

HttpTarget target_for(const TestHttpServer& server, std::string path = "/send") {
  return http_target("sms", server.url(path));
}

DeliveryOutcome deliver(const HttpTarget& target, const Notification& n = sms_notification()) {
  auto channel = make_http_channel(target);
  REQUIRE(channel);
  return (*channel)->deliver(n);
}

}  // namespace

TEST_CASE("http channel: 2xx delivers with the notification as JSON", "[notify][http]") {
  TestHttpServer server;
  server.script({Reply::answer(202, "  {\"messageid\": 8812}\n")});
  const Notification n = sms_notification();
  const DeliveryOutcome outcome = deliver(target_for(server, "/send?line=3000"), n);

  CHECK(outcome.kind() == Kind::delivered);
  CHECK(outcome.detail() == "{\"messageid\": 8812}");
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].target == "/send?line=3000");
  CHECK(requests[0].header("Idempotency-Key") == "7/3/0");
  CHECK(requests[0].header("Content-Type") == "application/json");
  CHECK(requests[0].header("Host") == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(requests[0].body == crmflow::notify::notification_json(n));
  auto sent = crmflow::parse_json(requests[0].body);
  REQUIRE(sent);
  CHECK((*sent)["text"].as_string() == n.text);
  CHECK((*sent)["attempt"].as_integer() == 1);
}

TEST_CASE("http channel: header and body templates, env read at delivery", "[notify][http]") {
  TestHttpServer server;
  HttpTarget target = target_for(server);
  target.headers = {{"Authorization", "Bearer {{ env.CRMFLOW_TEST_SMS_TOKEN }}"},
                    {"X-Missing", "[{{ env.CRMFLOW_TEST_NOT_SET }}]"},
                    {"X-Case", "{{ case }}/{{ step }}"},
                    {"User-Agent", "repair-shop/2"}};
  target.body = "receptor={{ to }}&message={{ text }}&try={{ attempt }}";
  target.content_type = "text/plain; charset=utf-8";
  auto channel = make_http_channel(target);
  REQUIRE(channel);
  ::unsetenv("CRMFLOW_TEST_NOT_SET");

  ::setenv("CRMFLOW_TEST_SMS_TOKEN", "first-token", 1);
  Notification n = sms_notification();
  CHECK((*channel)->deliver(n).kind() == Kind::delivered);
  ::setenv("CRMFLOW_TEST_SMS_TOKEN", "rotated-token", 1);
  n.attempts = 1;
  CHECK((*channel)->deliver(n).kind() == Kind::delivered);
  ::unsetenv("CRMFLOW_TEST_SMS_TOKEN");

  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].header("Authorization") == "Bearer first-token");
  CHECK(requests[1].header("Authorization") == "Bearer rotated-token");
  CHECK(requests[0].header("X-Missing") == "[]");
  CHECK(requests[0].header("X-Case") == "7/received");
  CHECK(requests[0].header("User-Agent") == "repair-shop/2");
  CHECK(std::ranges::count_if(requests[0].headers, [](const auto& header) {
          return header.first == "User-Agent";
        }) == 1);
  CHECK(requests[0].header("Content-Type") == "text/plain; charset=utf-8");
  CHECK(requests[0].header("Idempotency-Key") == "7/3/0");
  CHECK(requests[1].header("Idempotency-Key") == "7/3/0");
  // Persian text byte for byte, as the process rendered it.
  CHECK(requests[0].body == "receptor=09121234567&message=" + n.text + "&try=1");
  CHECK(requests[1].body == "receptor=09121234567&message=" + n.text + "&try=2");
}

TEST_CASE("http channel: env by a computed name reads the whole environment", "[notify][http]") {
  TestHttpServer server;
  HttpTarget target = target_for(server);
  target.headers = {{"X-Token", "{{ env[\"CRMFLOW_TEST_\" + upper(channel)] }}"}};
  auto channel = make_http_channel(target);
  REQUIRE(channel);
  ::setenv("CRMFLOW_TEST_SMS", "by-name", 1);
  CHECK((*channel)->deliver(sms_notification()).kind() == Kind::delivered);
  ::unsetenv("CRMFLOW_TEST_SMS");
  CHECK((*channel)->deliver(sms_notification()).kind() == Kind::delivered);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].header("X-Token") == "by-name");
  CHECK(requests[1].header("X-Token").empty());
}

TEST_CASE("http channel: json() in a body template quotes the text", "[notify][http][json]") {
  TestHttpServer server;
  HttpTarget target = target_for(server);
  target.body = R"({"receptor": "{{ to }}", "message": {{ json(text) }}})";
  auto channel = make_http_channel(target);
  REQUIRE(channel);
  const Notification n = sms_notification();
  CHECK((*channel)->deliver(n).kind() == Kind::delivered);
  auto sent = crmflow::parse_json(server.requests().at(0).body);
  REQUIRE(sent);
  CHECK((*sent)["message"].as_string() == n.text);
  CHECK((*sent)["receptor"].as_string() == "09121234567");
}

TEST_CASE("http channel: 5xx and 408 are retried, naming channel, URL and status",
          "[notify][http]") {
  TestHttpServer server;
  server.script(
      {Reply::answer(503), Reply::answer(500, "{\"error\": \"db down\"}"), Reply::answer(408)});
  HttpTarget target = target_for(server, "/send?apikey=SECRET-IN-QUERY");
  target.headers = {{"Authorization", "Bearer SECRET-IN-HEADER"}};
  target.body = "SECRET-IN-BODY {{ to }}";
  auto channel = make_http_channel(target);
  REQUIRE(channel);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/send";

  const DeliveryOutcome unavailable = (*channel)->deliver(sms_notification());
  CHECK(unavailable.kind() == Kind::retry);
  CHECK(unavailable.detail() == "sms: POST " + url + ": 503 Service Unavailable");
  CHECK_FALSE(unavailable.retry_after());

  const DeliveryOutcome server_error = (*channel)->deliver(sms_notification());
  CHECK(server_error.kind() == Kind::retry);
  CHECK(server_error.detail() ==
        "sms: POST " + url + ": 500 Internal Server Error: {\"error\": \"db down\"}");

  const DeliveryOutcome request_timeout = (*channel)->deliver(sms_notification());
  CHECK(request_timeout.kind() == Kind::retry);
  CHECK_THAT(request_timeout.detail(), Catch::EndsWith(": 408 Request Timeout"));

  for (const DeliveryOutcome* outcome : {&unavailable, &server_error, &request_timeout}) {
    CHECK_THAT(outcome->detail(), !Catch::Contains("SECRET"));
  }
}

TEST_CASE("http channel: 429 is retried after its Retry-After", "[notify][http]") {
  TestHttpServer server;
  server.script({Reply::answer(429, {}, {{"Retry-After", "30"}}),
                 Reply::answer(429, {}, {{"Retry-After", "Wed, 01 Jan 1997 00:00:00 GMT"}}),
                 Reply::answer(429), Reply::answer(429, {}, {{"Retry-After", "later"}})});
  auto channel = make_http_channel(target_for(server));
  REQUIRE(channel);

  const DeliveryOutcome seconds = (*channel)->deliver(sms_notification());
  CHECK(seconds.kind() == Kind::retry);
  CHECK(seconds.retry_after() == std::chrono::milliseconds{30s});
  CHECK_THAT(seconds.detail(), Catch::EndsWith(": 429 Too Many Requests"));

  const DeliveryOutcome past_date = (*channel)->deliver(sms_notification());
  CHECK(past_date.kind() == Kind::retry);
  CHECK(past_date.retry_after() == std::chrono::milliseconds{0});

  const DeliveryOutcome absent = (*channel)->deliver(sms_notification());
  CHECK(absent.kind() == Kind::retry);
  CHECK_FALSE(absent.retry_after());

  const DeliveryOutcome unparseable = (*channel)->deliver(sms_notification());
  CHECK(unparseable.kind() == Kind::retry);
  CHECK_FALSE(unparseable.retry_after());
}

TEST_CASE("http channel: other 4xx and 3xx fail for good, quoting the answer", "[notify][http]") {
  TestHttpServer server;
  server.script(
      {Reply::answer(400, "{\"return\": {\"status\": 411, \"message\": \"bad receptor\"}}"),
       Reply::answer(401), Reply::answer(404, "not\nfound"),
       Reply::answer(302, {}, {{"Location", "https://elsewhere.example/"}})});
  auto channel = make_http_channel(target_for(server));
  REQUIRE(channel);

  const DeliveryOutcome bad_request = (*channel)->deliver(sms_notification());
  CHECK(bad_request.kind() == Kind::failed);
  CHECK_THAT(bad_request.detail(),
             Catch::EndsWith(": 400 Bad Request: {\"return\": {\"status\": 411, \"message\": "
                             "\"bad receptor\"}}"));
  CHECK((*channel)->deliver(sms_notification()).kind() == Kind::failed);
  const DeliveryOutcome not_found = (*channel)->deliver(sms_notification());
  CHECK(not_found.kind() == Kind::failed);
  CHECK_THAT(not_found.detail(), Catch::EndsWith(": 404 Not Found: not found"));
  // Redirects are not followed: the configuration should name the final URL.
  const DeliveryOutcome redirect = (*channel)->deliver(sms_notification());
  CHECK(redirect.kind() == Kind::failed);
  CHECK_THAT(redirect.detail(), Catch::EndsWith(": 302 Found"));
}

TEST_CASE("http channel: a receipt is cut to 200 bytes on a character boundary", "[notify][http]") {
  TestHttpServer server;
  std::string answer = "x";
  for (int i = 0; i < 150; ++i) answer += "ش";  // two bytes each: byte 200 cuts one in half
  server.script({Reply::answer(200, answer)});
  const DeliveryOutcome outcome = deliver(target_for(server));
  CHECK(outcome.kind() == Kind::delivered);
  CHECK(outcome.detail().size() == 199);
  CHECK(outcome.detail() == answer.substr(0, 199));
}

TEST_CASE("http channel: connection failures are retried", "[notify][http]") {
  SECTION("nothing listens") {
    const int port = crmflow::test::unused_port();
    const DeliveryOutcome outcome =
        deliver(http_target("sms", "http://127.0.0.1:" + std::to_string(port) + "/send"));
    CHECK(outcome.kind() == Kind::retry);
    CHECK(outcome.detail() ==
          "sms: POST http://127.0.0.1:" + std::to_string(port) + "/send: connection refused");
  }
  SECTION("the server never answers") {
    TestHttpServer server;
    server.script({Reply::hang()});
    HttpTarget target = target_for(server);
    target.timeout = 300ms;
    const DeliveryOutcome outcome = deliver(target);
    CHECK(outcome.kind() == Kind::retry);
    CHECK_THAT(outcome.detail(),
               Catch::EndsWith("/send: timed out after 300ms while reading the answer"));
    CHECK(server.requests().size() == 1);
  }
  SECTION("the server closes the connection without answering") {
    TestHttpServer server;
    server.script({Reply::close()});
    const DeliveryOutcome outcome = deliver(target_for(server));
    CHECK(outcome.kind() == Kind::retry);
    CHECK_THAT(outcome.detail(), Catch::Contains("closed the connection"));
  }
  SECTION("the host name does not resolve") {
    const DeliveryOutcome outcome = deliver(http_target("sms", "http://no-such-host.invalid/send"));
    CHECK(outcome.kind() == Kind::retry);
    CHECK_THAT(outcome.detail(), Catch::Contains("cannot resolve host 'no-such-host.invalid'"));
  }
  SECTION("the answer is too large") {
    TestHttpServer server;
    server.script({Reply::answer(200, std::string(crmflow::notify::kMaxResponseBody + 1, 'a'))});
    const DeliveryOutcome outcome = deliver(target_for(server));
    CHECK(outcome.kind() == Kind::retry);
    CHECK_THAT(outcome.detail(), Catch::EndsWith(": answer body over 1048576 bytes"));
  }
}

TEST_CASE("http channel: a header that renders a line break fails the delivery", "[notify][http]") {
  TestHttpServer server;
  HttpTarget target = target_for(server);
  target.headers = {{"X-To", "{{ to }}"}};
  Notification n = sms_notification();
  n.to = "0912\r\nX-Injected: 1";
  const DeliveryOutcome outcome = deliver(target, n);
  CHECK(outcome.kind() == Kind::failed);
  CHECK_THAT(outcome.detail(),
             Catch::StartsWith("sms: POST " + server.url("/send") +
                               ": header 'X-To' renders with a line break or NUL byte"));
  CHECK_THAT(outcome.detail(), !Catch::Contains("Injected"));
  CHECK(server.requests().empty());
}

TEST_CASE("make_http_channel refuses a bad configuration", "[notify][http]") {
  struct Case {
    std::function<void(HttpTarget&)> change;
    const char* message;
  };
  const Case cases[] = {
      {[](HttpTarget& t) { t.url = "ftp://x/y"; }, "channel 'sms': URL 'ftp://x/y': scheme 'ftp'"},
      {[](HttpTarget& t) {
         t.headers = {{"Bad Name", "v"}};
       },
       "channel 'sms': header name 'Bad Name' is not an HTTP token"},
      {[](HttpTarget& t) {
         t.headers = {{"content-length", "1"}};
       },
       "channel 'sms': header 'content-length' is set by crmflow"},
      {[](HttpTarget& t) {
         t.headers = {{"Idempotency-Key", "k"}};
       },
       "header 'Idempotency-Key' is set by crmflow"},
      {[](HttpTarget& t) {
         t.headers = {{"Content-Type", "text/plain"}};
       },
       "header 'Content-Type': set it with the `content_type` field"},
      {[](HttpTarget& t) {
         t.headers = {{"X-A", "1"}, {"x-a", "2"}};
       },
       "header 'x-a' is given twice"},
      {[](HttpTarget& t) {
         t.headers = {{"Authorization", "Bearer {{ env. }}"}};
       },
       "channel 'sms': header 'Authorization': column "},
      {[](HttpTarget& t) { t.body = "{{ to "; }, "channel 'sms': body: column 1:"},
      {[](HttpTarget& t) { t.content_type = ""; }, "content_type must be"},
      {[](HttpTarget& t) { t.content_type = "text/plain\r\nX-A: 1"; }, "content_type must be"},
      {[](HttpTarget& t) { t.timeout = 0ms; }, "timeout for http://x/ must be positive"},
      {[](HttpTarget& t) {
         t.url = "https://x/";
         t.ca_file = "/no/such/ca.pem";
       },
       "channel 'sms': ca_file '/no/such/ca.pem' cannot be read"},
  };
  for (const Case& c : cases) {
    INFO(c.message);
    HttpTarget target = http_target("sms", "http://x/");
    c.change(target);
    auto channel = make_http_channel(target);
    REQUIRE_FALSE(channel);
    CHECK(channel.error().code == ErrorCode::invalid_input);
    CHECK_THAT(channel.error().message, Catch::Contains(c.message));
  }
}

TEST_CASE("http channel: several threads deliver through one channel at once", "[notify][http]") {
  TestHttpServer server;
  HttpTarget target = target_for(server);
  target.headers = {{"X-Id", "{{ id }}"}};
  auto channel = make_http_channel(target);
  REQUIRE(channel);
  constexpr int kThreads = 4;
  constexpr int kEach = 5;
  std::atomic<int> delivered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Notification n = sms_notification();
        n.id = static_cast<std::uint64_t>(t * kEach + i);
        if ((*channel)->deliver(n).kind() == Kind::delivered) ++delivered;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(delivered == kThreads * kEach);
  std::set<std::string> ids;
  for (const auto& request : server.requests()) ids.insert(request.header("X-Id"));
  CHECK(ids.size() == kThreads * kEach);
}
