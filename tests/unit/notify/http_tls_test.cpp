// https: certificates made at test time, trusted through ca_file or not, for the right host or not.
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "notify/http_channel.hpp"
#include "notify/notification_json.hpp"
#include "support/test_certificate.hpp"
#include "support/test_http_server.hpp"

using crmflow::DeliveryOutcome;
using crmflow::ErrorCode;
using crmflow::Notification;
using crmflow::notify::HttpTarget;
using crmflow::notify::make_http_channel;
using crmflow::test::make_self_signed_certificate;
using crmflow::test::TempDir;
using crmflow::test::TestHttpServer;
using Kind = crmflow::DeliveryOutcome::Kind;

namespace {

Notification hook_notification() {
  Notification n;
  n.id = 3;
  n.case_id = 9;
  n.step_id = "closed";
  n.channel = "hook";
  n.to = "crm";
  n.text = "پرونده بسته شد";
  n.idempotency_key = "9/20/0";
  return n;
}

HttpTarget hook_target(std::string url, std::filesystem::path ca_file = {}) {
  HttpTarget target;
  target.name = "hook";
  target.url = std::move(url);
  target.ca_file = std::move(ca_file);
  return target;
}

DeliveryOutcome deliver(const HttpTarget& target) {
  auto channel = make_http_channel(target);
  REQUIRE(channel);
  return (*channel)->deliver(hook_notification());
}

}  // namespace

TEST_CASE("https: a certificate trusted through ca_file delivers", "[notify][http][tls]") {
  const auto tls = make_self_signed_certificate({"localhost"}, {"127.0.0.1"});
  TempDir dir;
  const auto ca_file = dir.write("ca.pem", tls.certificate_pem);
  TestHttpServer server{tls};

  SECTION("by IP address") {
    const DeliveryOutcome outcome = deliver(hook_target(server.url("/hook"), ca_file));
    CHECK(outcome.kind() == Kind::delivered);
    CHECK(outcome.detail() == "ok");
    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].body == crmflow::notify::notification_json(hook_notification()));
    CHECK(requests[0].header("Idempotency-Key") == "9/20/0");
  }
  SECTION("by DNS name") {
    const DeliveryOutcome outcome = deliver(hook_target(server.url("/hook", "localhost"), ca_file));
    CHECK(outcome.kind() == Kind::delivered);
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0].header("Host") == "localhost:" + std::to_string(server.port()));
  }
}

TEST_CASE("https: an untrusted certificate fails for good", "[notify][http][tls]") {
  TestHttpServer server{make_self_signed_certificate({"localhost"}, {"127.0.0.1"})};
  const DeliveryOutcome outcome = deliver(hook_target(server.url("/hook")));
  CHECK(outcome.kind() == Kind::failed);
  CHECK_THAT(outcome.detail(), Catch::StartsWith("hook: POST " + server.url("/hook") +
                                                 ": TLS certificate verification failed: "));
  CHECK(server.requests().empty());
}

TEST_CASE("https: a certificate for another host fails for good", "[notify][http][tls]") {
  const auto tls = make_self_signed_certificate({"panel.example"}, {"10.1.2.3"});
  TempDir dir;
  const auto ca_file = dir.write("ca.pem", tls.certificate_pem);
  TestHttpServer server{tls};

  SECTION("by IP address") {
    const DeliveryOutcome outcome = deliver(hook_target(server.url("/hook"), ca_file));
    CHECK(outcome.kind() == Kind::failed);
    CHECK_THAT(outcome.detail(), Catch::Contains("TLS certificate verification failed: IP address "
                                                 "mismatch"));
  }
  SECTION("by DNS name") {
    const DeliveryOutcome outcome = deliver(hook_target(server.url("/hook", "localhost"), ca_file));
    CHECK(outcome.kind() == Kind::failed);
    CHECK_THAT(outcome.detail(), Catch::Contains("TLS certificate verification failed: hostname "
                                                 "mismatch"));
  }
  CHECK(server.requests().empty());
}

TEST_CASE("https: a ca_file without a certificate is refused at configuration",
          "[notify][http][tls]") {
  TempDir dir;
  const auto ca_file = dir.write("ca.pem", "not a certificate\n");
  auto channel = make_http_channel(hook_target("https://127.0.0.1/", ca_file));
  REQUIRE_FALSE(channel);
  CHECK(channel.error().code == ErrorCode::invalid_input);
  CHECK_THAT(channel.error().message,
             Catch::StartsWith("channel 'hook': ca_file '" + ca_file.string() +
                               "' holds no usable PEM certificate"));
}

TEST_CASE("https: several threads share one channel's TLS configuration", "[notify][http][tls]") {
  const auto tls = make_self_signed_certificate({"localhost"}, {"127.0.0.1"});
  TempDir dir;
  TestHttpServer server{tls};
  auto channel =
      make_http_channel(hook_target(server.url("/hook"), dir.write("ca.pem", tls.certificate_pem)));
  REQUIRE(channel);
  std::atomic<int> delivered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 4; ++i) {
        if ((*channel)->deliver(hook_notification()).kind() == Kind::delivered) ++delivered;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(delivered == 12);
  CHECK(server.requests().size() == 12);
}

TEST_CASE("https to a server that does not speak TLS is retried", "[notify][http][tls]") {
  TestHttpServer plain;
  const std::string url = "https://127.0.0.1:" + std::to_string(plain.port()) + "/hook";
  const DeliveryOutcome outcome = deliver(hook_target(url));
  CHECK(outcome.kind() == Kind::retry);
  CHECK_THAT(outcome.detail(), Catch::StartsWith("hook: POST " + url + ": "));
  CHECK_THAT(outcome.detail(), !Catch::Contains("verification"));
}
