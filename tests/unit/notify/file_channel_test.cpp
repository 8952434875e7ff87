#include "notify/file_channel.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "crmflow/json.hpp"
#include "notify/notification_json.hpp"
#include "temp_folder.hpp"

using crmflow::DeliveryOutcome;
using crmflow::ErrorCode;
using crmflow::Notification;
using crmflow::notify::FileTarget;
using crmflow::notify::make_file_channel;
using crmflow::notify::notification_json;
using crmflow::test::TempFolder;

namespace {

Notification numbered(std::uint64_t id, std::size_t text_size = 40) {
  Notification n;
  n.id = id;
  n.case_id = 42;
  n.step_id = "ready";
  n.channel = "audit";
  n.to = "+989121234567";
  n.text = "گوشی " + std::to_string(id) + " " + std::string(text_size, 'x');
  n.idempotency_key = "42/" + std::to_string(id) + "/0";
  n.at = crmflow::Instant{std::chrono::milliseconds{1'767'418'200'000}};
  return n;
}

std::shared_ptr<crmflow::Channel> channel(const std::filesystem::path& path) {
  auto made = make_file_channel({.name = "audit", .path = path});
  if (!made) FAIL(crmflow::to_string(made.error()));
  return *made;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("each delivery appends the notification's JSON as one line") {
  TempFolder dir;
  const auto path = dir / "notifications.jsonl";
  auto audit = channel(path);
  CHECK(std::filesystem::exists(path));  // created when the channel is made
  CHECK(TempFolder::read(path).empty());
  const DeliveryOutcome first = audit->deliver(numbered(1));
  CHECK(first.kind() == DeliveryOutcome::Kind::delivered);
  CHECK(audit->deliver(numbered(2)).kind() == DeliveryOutcome::Kind::delivered);
  CHECK(TempFolder::read(path) ==
        notification_json(numbered(1)) + "\n" + notification_json(numbered(2)) + "\n");
}

TEST_CASE("the file is created 0644 (less the umask), and existing lines are kept") {
  TempFolder dir;
  const mode_t mask = ::umask(0);
  ::umask(mask);
  const auto path = dir / "new.jsonl";
  channel(path);
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == (0644 & ~mask));

  const auto existing = dir / "old.jsonl";
  TempFolder::write(existing, "{\"before\":true}\n");
  CHECK(channel(existing)->deliver(numbered(3)).kind() == DeliveryOutcome::Kind::delivered);
  CHECK(TempFolder::read(existing) ==
        "{\"before\":true}\n" + notification_json(numbered(3)) + "\n");
}

TEST_CASE("a rotated file is followed: the next line starts a new file") {
  TempFolder dir;
  const auto path = dir / "audit.jsonl";
  auto audit = channel(path);
  REQUIRE(audit->deliver(numbered(1)).kind() == DeliveryOutcome::Kind::delivered);
  std::filesystem::rename(path, dir / "audit.jsonl.1");
  REQUIRE(audit->deliver(numbered(2)).kind() == DeliveryOutcome::Kind::delivered);
  CHECK(TempFolder::read(dir / "audit.jsonl.1") == notification_json(numbered(1)) + "\n");
  CHECK(TempFolder::read(path) == notification_json(numbered(2)) + "\n");
}

TEST_CASE("a relative path is fixed when the channel is made") {
  TempFolder dir;
  const auto before = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  auto audit = make_file_channel({.name = "audit", .path = "relative.jsonl"});
  std::filesystem::current_path(before);
  REQUIRE(audit.ok());
  CHECK((*audit)->deliver(numbered(1)).kind() == DeliveryOutcome::Kind::delivered);
  CHECK(TempFolder::read(dir / "relative.jsonl") == notification_json(numbered(1)) + "\n");
}

TEST_CASE("a file channel refuses a path it could never write") {
  TempFolder dir;
  const auto missing = dir / "no-such-folder" / "audit.jsonl";
  auto absent = make_file_channel({.name = "audit", .path = missing});
  REQUIRE_FALSE(absent.ok());
  CHECK(absent.error().code == ErrorCode::not_found);
  CHECK(absent.error().message == "channel 'audit': folder '" + (dir / "no-such-folder").string() +
                                      "' of path '" + missing.string() +
                                      "' does not exist: create it or fix `path`");

  auto folder = make_file_channel({.name = "audit", .path = dir.path()});
  REQUIRE_FALSE(folder.ok());
  CHECK(folder.error().code == ErrorCode::invalid_input);
  CHECK_THAT(folder.error().message, Catch::Contains("is a folder: name a file in it"));

  TempFolder::write(dir / "plain", "");
  auto under_file = make_file_channel({.name = "audit", .path = dir / "plain" / "audit.jsonl"});
  REQUIRE_FALSE(under_file.ok());
  CHECK(under_file.error().code == ErrorCode::invalid_input);
  CHECK_THAT(under_file.error().message, Catch::Contains("is not a folder"));

  auto empty = make_file_channel({.name = "audit", .path = ""});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code == ErrorCode::invalid_input);
  CHECK_THAT(empty.error().message, Catch::Contains("`path` is empty"));
}

TEST_CASE("a write that fails is retried with the system's reason") {
  // /dev/full accepts the open and refuses every write with ENOSPC.
  auto full = channel("/dev/full");
  const DeliveryOutcome outcome = full->deliver(numbered(1));
  CHECK(outcome.kind() == DeliveryOutcome::Kind::retry);
  CHECK(outcome.detail() ==
        "channel 'audit': '/dev/full': cannot write to it: No space left on device");

  TempFolder dir;
  auto audit = channel(dir / "sub.jsonl");
  std::filesystem::remove(dir / "sub.jsonl");
  std::filesystem::remove(dir.path());  // the folder is gone too: nothing can be created
  const DeliveryOutcome gone = audit->deliver(numbered(2));
  CHECK(gone.kind() == DeliveryOutcome::Kind::retry);
  CHECK_THAT(gone.detail(),
             Catch::Contains("cannot open it for appending: No such file or directory"));
}

TEST_CASE("a line that fits only in part is cut off again: the file never holds half a line") {
  TempFolder dir;
  const auto path = dir / "limited.jsonl";
  auto audit = channel(path);
  REQUIRE(audit->deliver(numbered(1)).kind() == DeliveryOutcome::Kind::delivered);
  const std::string before = TempFolder::read(path);
  // A file size limit 100 bytes past the end: write() takes 100 bytes, then fails with EFBIG
  // (SIGXFSZ ignored, as a server would).
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction old_action {};
  sigaction(SIGXFSZ, &ignore, &old_action);
  rlimit old_limit{};
  getrlimit(RLIMIT_FSIZE, &old_limit);
  rlimit limit = old_limit;
  limit.rlim_cur = before.size() + 100;
  REQUIRE(setrlimit(RLIMIT_FSIZE, &limit) == 0);
  const DeliveryOutcome outcome = audit->deliver(numbered(2, 3000));
  setrlimit(RLIMIT_FSIZE, &old_limit);
  sigaction(SIGXFSZ, &old_action, nullptr);
  CHECK(outcome.kind() == DeliveryOutcome::Kind::retry);
  CHECK_THAT(outcome.detail(), Catch::EndsWith("cannot write to it: File too large"));
  CHECK(TempFolder::read(path) == before);
  REQUIRE(audit->deliver(numbered(2, 3000)).kind() == DeliveryOutcome::Kind::delivered);
  CHECK(TempFolder::read(path) == before + notification_json(numbered(2, 3000)) + "\n");
}

TEST_CASE("a line waits for the lock another process holds on the file") {
  TempFolder dir;
  const auto path = dir / "locked.jsonl";
  auto audit = channel(path);
  const int holder = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);  // another open file = another
  REQUIRE(holder >= 0);                                           // lock owner, as a process is
  REQUIRE(::flock(holder, LOCK_EX) == 0);
  DeliveryOutcome outcome = DeliveryOutcome::retry("not run");
  std::thread writer{[&] { outcome = audit->deliver(numbered(9)); }};
  std::this_thread::sleep_for(std::chrono::milliseconds{100});
  CHECK(TempFolder::read(path).empty());  // still waiting for the lock
  ::flock(holder, LOCK_UN);
  writer.join();
  ::close(holder);
  CHECK(outcome.kind() == DeliveryOutcome::Kind::delivered);
  CHECK(TempFolder::read(path) == notification_json(numbered(9)) + "\n");
}

TEST_CASE("four threads writing 200 lines each never interleave or lose a line") {
  TempFolder dir;
  const auto path = dir / "busy.jsonl";
  // Two channels on one file, as two processes would have: the lock is the file's, not ours.
  auto first = channel(path);
  auto second = channel(path);
  constexpr int kThreads = 4;
  constexpr int kLines = 200;
  std::vector<std::thread> threads;
  std::vector<int> refused(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto& audit = t % 2 == 0 ? first : second;
      for (int i = 0; i < kLines; ++i) {
        // Lines of a few kilobytes, larger than a pipe or page buffer would write at once.
        const auto id = static_cast<std::uint64_t>(t * 1000 + i);
        if (audit->deliver(numbered(id, 3000 + 37 * static_cast<std::size_t>(i))).kind() !=
            DeliveryOutcome::Kind::delivered) {
          ++refused[static_cast<std::size_t>(t)];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(refused == std::vector<int>(kThreads, 0));

  const std::vector<std::string> lines = lines_of(TempFolder::read(path));
  REQUIRE(lines.size() == kThreads * kLines);
  std::set<std::uint64_t> seen;
  for (const std::string& line : lines) {
    auto parsed = crmflow::parse_json(line);
    REQUIRE(parsed.ok());
    const auto id = static_cast<std::uint64_t>((*parsed)["id"].as_integer());
    const int i = static_cast<int>(id % 1000);
    CHECK(line == notification_json(numbered(id, 3000 + 37 * static_cast<std::size_t>(i))));
    seen.insert(id);
  }
  CHECK(seen.size() == kThreads * kLines);
}
