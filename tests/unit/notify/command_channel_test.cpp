#include "notify/command_channel.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "notify/notification_json.hpp"
#include "temp_folder.hpp"

using crmflow::DeliveryOutcome;
using crmflow::ErrorCode;
using crmflow::Notification;
using crmflow::notify::CommandTarget;
using crmflow::notify::make_command_channel;
using crmflow::test::TempFolder;
using namespace std::chrono_literals;

namespace {

Notification reminder() {
  Notification n;
  n.id = 7;
  n.case_id = 42;
  n.step_id = "ready";
  n.channel = "email";
  n.to = "reza@example.com";
  n.subject = "گوشی شما آماده است";
  n.text = "Your A52 is ready; pick it up at branch #2.";
  n.idempotency_key = "42/3/0";
  n.at = crmflow::Instant{std::chrono::milliseconds{1'767'418'200'000}};
  return n;
}

std::shared_ptr<crmflow::Channel> channel(const CommandTarget& target) {
  auto made = make_command_channel(target);
  if (!made) FAIL(crmflow::to_string(made.error()));
  return *made;
}

}  // namespace

TEST_CASE("exit 0 delivers; the program got the notification's JSON line; stdout is the receipt") {
  TempFolder dir;
  const std::string script =
      dir.script("send.sh", R"(cat > "$1"; echo "  msg-17  "; echo "second line")");
  auto email = channel({.name = "email", .argv = {script, (dir / "got").string()}});
  const DeliveryOutcome outcome = email->deliver(reminder());
  CHECK(outcome.kind() == DeliveryOutcome::Kind::delivered);
  CHECK(outcome.detail() == "msg-17");
  CHECK(TempFolder::read(dir / "got") == crmflow::notify::notification_json(reminder()) + "\n");
}

TEST_CASE("a receipt is cut to 200 bytes, never inside a character") {
  TempFolder dir;
  auto ascii = channel({.name = "sms", .argv = {dir.script("a.sh", "printf '%0300d' 0")}});
  CHECK(ascii->deliver(reminder()).detail() == std::string(200, '0'));
  // 100 euro signs are 300 bytes; 66 of them (198 bytes) fit.
  std::string euros;
  for (int i = 0; i < 100; ++i) euros += "€";
  auto utf8 = channel({.name = "sms", .argv = {"/bin/echo", euros}});
  const DeliveryOutcome outcome = utf8->deliver(reminder());
  CHECK(outcome.kind() == DeliveryOutcome::Kind::delivered);
  CHECK(outcome.detail() == euros.substr(0, 198));
  auto silent = channel({.name = "sms", .argv = {"/bin/true"}});
  CHECK(silent->deliver(reminder()).detail().empty());
}

TEST_CASE("a non-zero exit is retried, naming the channel, program, code and stderr's last line") {
  TempFolder dir;
  const std::string script = dir.script(
      "refuse.sh", R"(cat > "$1"; echo "connecting" >&2; echo "smtp: 451 try later" >&2; exit 3)");
  auto email = channel({.name = "email", .argv = {script, (dir / "got").string()}});
  const DeliveryOutcome outcome = email->deliver(reminder());
  CHECK(outcome.kind() == DeliveryOutcome::Kind::retry);
  CHECK(outcome.detail() ==
        "channel 'email': program '" + script + "' exited with code 3: smtp: 451 try later");
  CHECK_FALSE(outcome.retry_after().has_value());
  CHECK(TempFolder::read(dir / "got") == crmflow::notify::notification_json(reminder()) + "\n");

  auto failing = channel({.name = "email", .argv = {"/bin/false"}});
  CHECK(failing->deliver(reminder()).detail() ==
        "channel 'email': program '/bin/false' exited with code 1");
}

TEST_CASE("a program past its timeout is stopped and the delivery retried") {
  TempFolder dir;
  auto slow =
      channel({.name = "sms", .argv = {dir.script("slow.sh", "sleep 30")}, .timeout = 300ms});
  const DeliveryOutcome outcome = slow->deliver(reminder());
  CHECK(outcome.kind() == DeliveryOutcome::Kind::retry);
  CHECK_THAT(outcome.detail(), Catch::Contains("did not finish within 300 ms and was stopped"));
}

TEST_CASE("a program ended by a signal is retried, naming the signal") {
  TempFolder dir;
  auto crash = channel({.name = "sms", .argv = {dir.script("crash.sh", "kill -SEGV $$")}});
  const DeliveryOutcome outcome = crash->deliver(reminder());
  CHECK(outcome.kind() == DeliveryOutcome::Kind::retry);
  CHECK_THAT(outcome.detail(), Catch::EndsWith("was ended by signal 11 (SIGSEGV)"));
}

TEST_CASE("a program gone or no longer executable fails for good") {
  TempFolder dir;
  const std::string script = dir.script("send.sh", "cat >/dev/null");
  auto email = channel({.name = "email", .argv = {script}});
  REQUIRE(email->deliver(reminder()).kind() == DeliveryOutcome::Kind::delivered);

  ::chmod(script.c_str(), 0644);
  const DeliveryOutcome denied = email->deliver(reminder());
  CHECK(denied.kind() == DeliveryOutcome::Kind::failed);
  CHECK_THAT(denied.detail(), Catch::StartsWith("channel 'email': program '" + script + "'"));
  CHECK_THAT(denied.detail(), Catch::Contains("permission denied"));

  std::filesystem::remove(script);
  const DeliveryOutcome gone = email->deliver(reminder());
  CHECK(gone.kind() == DeliveryOutcome::Kind::failed);
  CHECK(gone.detail() == "channel 'email': program '" + script +
                             "' does not exist: check the command's first element");
}

TEST_CASE("a command channel is checked when it is made") {
  TempFolder dir;
  auto empty = make_command_channel({.name = "email", .argv = {}});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code == ErrorCode::invalid_input);
  CHECK_THAT(empty.error().message, Catch::StartsWith("channel 'email': `command` is empty"));

  const std::string missing = (dir / "send-mail").string();
  auto absent = make_command_channel({.name = "email", .argv = {missing}});
  REQUIRE_FALSE(absent.ok());
  CHECK(absent.error().code == ErrorCode::not_found);
  CHECK(absent.error().message == "channel 'email': program '" + missing +
                                      "' does not exist: check the first element of `command`");

  auto unknown = make_command_channel({.name = "email", .argv = {"crmflow-no-such-mailer"}});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::not_found);
  CHECK_THAT(unknown.error().message,
             Catch::Contains("'crmflow-no-such-mailer' was not found in PATH"));

  const std::string plain = dir.script("plain.sh", "true");
  ::chmod(plain.c_str(), 0644);
  auto denied = make_command_channel({.name = "email", .argv = {plain}});
  REQUIRE_FALSE(denied.ok());
  CHECK(denied.error().code == ErrorCode::invalid_input);
  CHECK_THAT(denied.error().message, Catch::Contains("permission denied"));

  auto folder = make_command_channel({.name = "email", .argv = {dir.path().string()}});
  REQUIRE_FALSE(folder.ok());
  CHECK(folder.error().code == ErrorCode::invalid_input);
  CHECK_THAT(folder.error().message, Catch::Contains("is a folder, not a program"));

  auto no_time = make_command_channel({.name = "email", .argv = {"/bin/cat"}, .timeout = 0ms});
  REQUIRE_FALSE(no_time.ok());
  CHECK(no_time.error().code == ErrorCode::invalid_input);
  CHECK_THAT(no_time.error().message, Catch::Contains("`timeout` must be positive"));

  auto nul = make_command_channel({.name = "email", .argv = {"/bin/cat", std::string{"a\0b", 3}}});
  REQUIRE_FALSE(nul.ok());
  CHECK(nul.error().code == ErrorCode::invalid_input);
  CHECK_THAT(nul.error().message, Catch::Contains("holds a NUL byte"));

  CHECK(make_command_channel({.name = "email", .argv = {"cat"}}).ok());  // found in PATH
}

TEST_CASE("deliveries on several threads at once each run their own program") {
  TempFolder dir;
  // Each notification's id names the file its copy goes to.
  const std::string script = dir.script(
      "send.sh",
      R"(line=$(cat); id=${line#*\"id\":}; id=${id%%,*}; printf '%s\n' "$line" > "$1/$id"; echo "r$id")");
  auto email = channel({.name = "email", .argv = {script, dir.path().string()}});
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::vector<std::string> receipts(40);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        Notification n = reminder();
        n.id = std::uint64_t{100} + static_cast<std::uint64_t>(t * 10 + i);
        receipts[static_cast<std::size_t>(t) * 10 + static_cast<std::size_t>(i)] =
            email->deliver(n).detail();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int k = 0; k < 40; ++k) {
    Notification n = reminder();
    n.id = std::uint64_t{100} + static_cast<std::uint64_t>(k);
    CHECK(receipts[static_cast<std::size_t>(k)] == "r" + std::to_string(100 + k));
    CHECK(TempFolder::read(dir / std::to_string(100 + k)) ==
          crmflow::notify::notification_json(n) + "\n");
  }
}
