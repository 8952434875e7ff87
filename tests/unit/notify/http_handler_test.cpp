// The http service handler: the job as JSON, and how answers become results, business errors or
// technical failures.
#include <catch2/catch.hpp>
#include <string>

#include "crmflow/json.hpp"
#include "notify/http_channel.hpp"
#include "support/test_http_server.hpp"

using crmflow::ErrorCode;
using crmflow::HandlerResult;
using crmflow::JobContext;
using crmflow::Value;
using crmflow::notify::HttpTarget;
using crmflow::notify::make_http_handler;
using crmflow::test::Reply;
using crmflow::test::TestHttpServer;
using Kind = crmflow::HandlerResult::Kind;

namespace {

JobContext charge_job() {
  JobContext job;
  job.case_id = 41;
  job.process_id = "repair";
  job.step_id = "charge";
  job.handler = "charge-card";
  job.case_key = "A52-0098";
  job.input = Value{{"amount", Value{1500000}}, {"customer", Value{"رضا"}}};
  job.attempt = 2;
  job.idempotency_key = "41/charge/1";
  return job;
}

HandlerResult run(const HttpTarget& target, const JobContext& job = charge_job()) {
  auto handler = make_http_handler(target);
  REQUIRE(handler);
  return (*handler)(job);
}

HttpTarget http_target(std::string url) {
  HttpTarget target;
  target.name = "charge-card";
  target.url = std::move(url);
  return target;
}

HttpTarget target_for(const TestHttpServer& server) {
  return http_target(server.url("/jobs/charge"));
}

}  // namespace

TEST_CASE("http handler: posts the job as JSON and returns the object answered",
          "[notify][http][handler]") {
  TestHttpServer server;
  server.script({Reply::answer(200, R"({"receipt": "R-1", "fee": 2500})")});
  const HandlerResult result = run(target_for(server));

  REQUIRE(result.kind() == Kind::ok);
  CHECK(result.result() == Value{{"fee", Value{2500}}, {"receipt", Value{"R-1"}}});
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].target == "/jobs/charge");
  CHECK(requests[0].header("Idempotency-Key") == "41/charge/1");
  CHECK(requests[0].header("Content-Type") == "application/json");
  auto sent = crmflow::parse_json(requests[0].body);
  REQUIRE(sent);
  CHECK(*sent == Value{{"case", Value{41}},
                       {"process", Value{"repair"}},
                       {"step", Value{"charge"}},
                       {"handler", Value{"charge-card"}},
                       {"key", Value{"A52-0098"}},
                       {"input", charge_job().input},
                       {"attempt", Value{2}},
                       {"idempotency_key", Value{"41/charge/1"}}});
}

TEST_CASE("http handler: a body template sees the job's names", "[notify][http][handler]") {
  TestHttpServer server;
  server.script({Reply::answer(200, "{}")});
  HttpTarget target = target_for(server);
  target.body = "{{ key }} {{ input.customer }} {{ input.amount }} try {{ attempt }}";
  target.content_type = "text/plain";
  CHECK(run(target).kind() == Kind::ok);
  CHECK(server.requests().at(0).body == "A52-0098 رضا 1500000 try 2");
}

TEST_CASE("http handler: an empty 2xx answer is success without fields",
          "[notify][http][handler]") {
  TestHttpServer server;
  server.script({Reply::answer(204), Reply::answer(200, " \r\n")});
  const HandlerResult no_content = run(target_for(server));
  CHECK(no_content.kind() == Kind::ok);
  CHECK(no_content.result().is_null());
  CHECK(run(target_for(server)).kind() == Kind::ok);
}

TEST_CASE("http handler: an object with a string error is a business error",
          "[notify][http][handler]") {
  TestHttpServer server;
  server.script({Reply::answer(200, R"({"error": "CARD_DECLINED", "message": "insufficient"})"),
                 Reply::answer(200, R"({"error": "LIMIT"})"),
                 Reply::answer(200, R"({"error": null, "receipt": "R-2"})")});
  const HandlerResult declined = run(target_for(server));
  REQUIRE(declined.kind() == Kind::business_error);
  CHECK(declined.error_code() == "CARD_DECLINED");
  CHECK(declined.message() == "insufficient");

  const HandlerResult limit = run(target_for(server));
  REQUIRE(limit.kind() == Kind::business_error);
  CHECK(limit.error_code() == "LIMIT");
  CHECK(limit.message().empty());

  const HandlerResult not_an_error = run(target_for(server));
  CHECK(not_an_error.kind() == Kind::ok);
  CHECK(not_an_error.result()["receipt"].as_string() == "R-2");
}

TEST_CASE("http handler: technical failures", "[notify][http][handler]") {
  TestHttpServer server;
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/jobs/charge";
  SECTION("a 5xx answer") {
    server.script({Reply::answer(500, "boom")});
    const HandlerResult result = run(target_for(server));
    CHECK(result.kind() == Kind::failure);
    CHECK(result.message() == "charge-card: POST " + url + ": 500 Internal Server Error: boom");
  }
  SECTION("a 4xx answer") {
    server.script({Reply::answer(422, R"({"error": "BAD"})")});
    const HandlerResult result = run(target_for(server));
    CHECK(result.kind() == Kind::failure);
    CHECK_THAT(result.message(), Catch::Contains(": 422 Unprocessable Entity"));
  }
  SECTION("an answer that is not JSON") {
    server.script({Reply::answer(200, "<html>OK</html>")});
    const HandlerResult result = run(target_for(server));
    CHECK(result.kind() == Kind::failure);
    CHECK_THAT(result.message(), Catch::StartsWith("charge-card: POST " + url +
                                                   ": the answer is not JSON (invalid "
                                                   "JSON at 1:1"));
  }
  SECTION("JSON that is not an object") {
    server.script({Reply::answer(200, "[1, 2]")});
    const HandlerResult result = run(target_for(server));
    CHECK(result.kind() == Kind::failure);
    CHECK_THAT(result.message(), Catch::EndsWith(": the answer is a JSON list, not an object"));
  }
  SECTION("nothing listens") {
    const HandlerResult result =
        run(http_target("http://127.0.0.1:" + std::to_string(crmflow::test::unused_port())));
    CHECK(result.kind() == Kind::failure);
    CHECK_THAT(result.message(), Catch::EndsWith(": connection refused"));
  }
}

TEST_CASE("make_http_handler names the handler in configuration errors",
          "[notify][http][handler]") {
  HttpTarget target = http_target("http://x/");
  target.headers = {{"X-Key", "{{ env.KEY "}};
  auto handler = make_http_handler(target);
  REQUIRE_FALSE(handler);
  CHECK(handler.error().code == ErrorCode::invalid_input);
  CHECK_THAT(handler.error().message, Catch::StartsWith("handler 'charge-card': header 'X-Key': "));
}
