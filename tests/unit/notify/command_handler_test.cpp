#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "notify/command_channel.hpp"
#include "notify/job_json.hpp"
#include "temp_folder.hpp"

using crmflow::ErrorCode;
using crmflow::HandlerResult;
using crmflow::JobContext;
using crmflow::notify::CommandTarget;
using crmflow::notify::make_command_handler;
using crmflow::test::TempFolder;
using namespace std::chrono_literals;

namespace {

JobContext charge_job() {
  JobContext job;
  job.case_id = 42;
  job.process_id = "phone-repair";
  job.step_id = "charge";
  job.handler = "charge-card";
  job.case_key = "R-1001";
  job.input = crmflow::Value::Object{{"amount", 1'500'000}, {"card", "6037-****-1234"}};
  job.attempt = 1;
  job.idempotency_key = "42/7/charge";
  return job;
}

crmflow::Handler handler(const CommandTarget& target) {
  auto made = make_command_handler(target);
  if (!made) FAIL(crmflow::to_string(made.error()));
  return *made;
}

// A handler whose program prints `answer` on stdout, after copying its stdin to `dir`/job.
crmflow::Handler answering(const TempFolder& dir, std::string_view answer) {
  TempFolder::write(dir / "answer", answer);
  const std::string script = dir.script("charge.sh", R"(cat > "$1/job"; cat "$1/answer")");
  return handler({.name = "charge-card", .argv = {script, dir.path().string()}});
}

}  // namespace

TEST_CASE("a JSON object on stdout is the result; the program got the job as a JSON line") {
  TempFolder dir;
  const HandlerResult result =
      answering(dir, "{\"receipt\": \"R-77\", \"fee\": 1200}\n")(charge_job());
  REQUIRE(result.kind() == HandlerResult::Kind::ok);
  CHECK(result.result() == crmflow::Value::Object{{"receipt", "R-77"}, {"fee", 1200}});
  CHECK(TempFolder::read(dir / "job") == crmflow::notify::job_json(charge_job()) + "\n");
}

TEST_CASE("empty or blank stdout is success with no result fields") {
  TempFolder dir;
  const HandlerResult empty = answering(dir, "")(charge_job());
  CHECK(empty.kind() == HandlerResult::Kind::ok);
  CHECK(empty.result().is_null());
  CHECK(answering(dir, " \n\t\n")(charge_job()).kind() == HandlerResult::Kind::ok);
}

TEST_CASE("an \"error\" code is a business error with its message") {
  TempFolder dir;
  const HandlerResult declined = answering(
      dir, R"({"error": "CARD_DECLINED", "message": "insufficient funds"})")(charge_job());
  REQUIRE(declined.kind() == HandlerResult::Kind::business_error);
  CHECK(declined.error_code() == "CARD_DECLINED");
  CHECK(declined.message() == "insufficient funds");

  const HandlerResult bare = answering(dir, R"({"error": "LIMIT", "message": 5})")(charge_job());
  REQUIRE(bare.kind() == HandlerResult::Kind::business_error);
  CHECK(bare.error_code() == "LIMIT");
  CHECK(bare.message().empty());

  const HandlerResult null_error = answering(dir, R"({"error": null, "ok": true})")(charge_job());
  CHECK(null_error.kind() == HandlerResult::Kind::ok);
}

TEST_CASE("answers that are not a result object are failures saying why") {
  TempFolder dir;
  const HandlerResult text = answering(dir, "charged\n")(charge_job());
  CHECK(text.kind() == HandlerResult::Kind::failure);
  CHECK_THAT(text.message(), Catch::StartsWith("handler 'charge-card': program '"));
  CHECK_THAT(text.message(), Catch::Contains("the answer is not JSON (invalid JSON at 1:1"));

  const HandlerResult list = answering(dir, "[1, 2]")(charge_job());
  CHECK(list.kind() == HandlerResult::Kind::failure);
  CHECK_THAT(list.message(), Catch::EndsWith("the answer is a JSON list, not an object"));

  for (const char* bad : {R"({"error": 5})", R"({"error": ""})", R"({"error": {"code": "X"}})"}) {
    const HandlerResult result = answering(dir, bad)(charge_job());
    INFO(bad);
    CHECK(result.kind() == HandlerResult::Kind::failure);
    CHECK_THAT(result.message(), Catch::Contains("the answer's \"error\" is not a code"));
  }
}

TEST_CASE("a non-zero exit, a signal or the timeout is a failure, with stderr's last line") {
  TempFolder dir;
  const std::string refusing =
      dir.script("refuse.sh", "echo '{\"receipt\": \"R-1\"}'; echo 'gateway: 503' >&2; exit 2");
  const HandlerResult exited = handler({.name = "charge-card", .argv = {refusing}})(charge_job());
  CHECK(exited.kind() == HandlerResult::Kind::failure);
  CHECK(exited.message() ==
        "handler 'charge-card': program '" + refusing + "' exited with code 2: gateway: 503");

  const std::string slow = dir.script("slow.sh", "sleep 30");
  const HandlerResult timed_out =
      handler({.name = "charge-card", .argv = {slow}, .timeout = 1s})(charge_job());
  CHECK(timed_out.kind() == HandlerResult::Kind::failure);
  CHECK_THAT(timed_out.message(), Catch::EndsWith("did not finish within 1 s and was stopped"));

  const std::string crash = dir.script("crash.sh", "kill -ABRT $$");
  const HandlerResult signaled = handler({.name = "charge-card", .argv = {crash}})(charge_job());
  CHECK(signaled.kind() == HandlerResult::Kind::failure);
  CHECK_THAT(signaled.message(), Catch::Contains("signal 6 (SIGABRT)"));
}

TEST_CASE("more than 1 MiB on stdout is a failure, not a cut result") {
  TempFolder dir;
  const std::string big =
      dir.script("big.sh", "head -c 1100000 /dev/zero | tr '\\0' ' '; echo '{}'");
  const HandlerResult result = handler({.name = "charge-card", .argv = {big}})(charge_job());
  CHECK(result.kind() == HandlerResult::Kind::failure);
  CHECK_THAT(result.message(), Catch::Contains("wrote more than 1048576 bytes on stdout"));
}

TEST_CASE("a program gone since the handler was made is a failure naming it") {
  TempFolder dir;
  const std::string script = dir.script("charge.sh", "true");
  const crmflow::Handler charge = handler({.name = "charge-card", .argv = {script}});
  const crmflow::Handler copy = charge;  // copies share the target
  std::filesystem::remove(script);
  const HandlerResult result = copy(charge_job());
  CHECK(result.kind() == HandlerResult::Kind::failure);
  CHECK_THAT(result.message(),
             Catch::StartsWith("handler 'charge-card': program '" + script + "' does not exist"));
}

TEST_CASE("a command handler is checked when it is made") {
  auto empty = make_command_handler({.name = "charge-card", .argv = {}});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code == ErrorCode::invalid_input);
  CHECK_THAT(empty.error().message, Catch::StartsWith("handler 'charge-card': `command` is empty"));

  auto absent = make_command_handler({.name = "charge-card", .argv = {"/nonexistent/charge"}});
  REQUIRE_FALSE(absent.ok());
  CHECK(absent.error().code == ErrorCode::not_found);
  CHECK_THAT(
      absent.error().message,
      Catch::StartsWith("handler 'charge-card': program '/nonexistent/charge' does not exist"));
}
