#include "notify/command_runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "temp_folder.hpp"

using crmflow::ErrorCode;
using crmflow::notify::CommandRequest;
using crmflow::notify::CommandRun;
using crmflow::notify::run_command;
using crmflow::test::TempFolder;
using namespace std::chrono_literals;

namespace {

CommandRun ran(const CommandRequest& request) {
  auto run = run_command(request);
  if (!run) FAIL(crmflow::to_string(run.error()));
  return std::move(run).value();
}

std::string pattern(std::size_t size) {
  std::string text(size, '\0');
  for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>('a' + (i * 7 + i / 26) % 26);
  return text;
}

// Whether process `pid` has ended (gone, or a zombie waiting for its parent) within a few
// seconds: a bound for a test, not a measurement.
bool ends_soon(int pid) {
  const std::string stat = "/proc/" + std::to_string(pid) + "/stat";
  for (int i = 0; i < 500; ++i) {
    const std::string text = TempFolder::read(stat);
    const std::size_t close = text.rfind(')');
    if (close == std::string::npos || close + 2 >= text.size()) return true;
    const char state = text[close + 2];
    if (state == 'Z' || state == 'X') return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

}  // namespace

TEST_CASE("a program gets the input on stdin and its stdout comes back") {
  const CommandRun run = ran({.argv = {"/bin/cat"}, .input = "{\"to\": \"+989121234567\"}\n"});
  CHECK(run.ending == CommandRun::Ending::exited);
  CHECK(run.exit_code == 0);
  CHECK(run.output == "{\"to\": \"+989121234567\"}\n");
  CHECK_FALSE(run.output_truncated);
  CHECK(run.error_tail.empty());
}

TEST_CASE("a program found by name in PATH runs, and an empty input is an empty stdin") {
  const CommandRun run = ran({.argv = {"cat"}});
  CHECK(run.ending == CommandRun::Ending::exited);
  CHECK(run.output.empty());
}

TEST_CASE("a non-zero exit, its code and the end of stderr are reported") {
  TempFolder dir;
  const std::string script =
      dir.script("refuse.sh", R"(cat > "$1"; echo "smtp: 554 rejected" >&2; exit 3)");
  const CommandRun run = ran({.argv = {script, (dir / "got").string()}, .input = "hello\n"});
  CHECK(run.ending == CommandRun::Ending::exited);
  CHECK(run.exit_code == 3);
  CHECK(run.error_tail == "smtp: 554 rejected\n");
  CHECK(TempFolder::read(dir / "got") == "hello\n");
  CHECK(ran({.argv = {"/bin/false"}}).exit_code == 1);
}

TEST_CASE("arguments reach the program one each, untouched: no shell is involved") {
  TempFolder dir;
  const std::string script =
      dir.script("args.sh", R"(for a in "$@"; do printf '<%s>\n' "$a"; done)");
  const CommandRun run = ran({.argv = {script, "two words", "a;b", "$(echo hi)", "*", "'q'", ""}});
  CHECK(run.output == "<two words>\n<a;b>\n<$(echo hi)>\n<*>\n<'q'>\n<>\n");
}

TEST_CASE("a program that runs past its timeout is stopped, its whole group with it") {
  TempFolder dir;
  const std::string script = dir.script("slow.sh", "sleep 30 & echo $!; wait; echo never");
  const CommandRun run = ran({.argv = {script}, .timeout = 300ms});
  CHECK(run.ending == CommandRun::Ending::timed_out);
  const int sleeper = std::stoi(run.output);
  CHECK(run.output == std::to_string(sleeper) + "\n");
  // The shell's own child went with it (it would otherwise sleep on for half a minute).
  CHECK(ends_soon(sleeper));
  ::kill(sleeper, SIGKILL);
}

TEST_CASE("a program that ignores SIGTERM is killed after the grace") {
  TempFolder dir;
  const std::string script = dir.script("stubborn.sh", "trap '' TERM; sleep 30");
  const CommandRun run = ran({.argv = {script}, .timeout = 200ms, .kill_grace = 100ms});
  CHECK(run.ending == CommandRun::Ending::timed_out);
}

TEST_CASE("a program ended by a signal reports the signal") {
  TempFolder dir;
  const std::string script = dir.script("crash.sh", "kill -USR1 $$; sleep 5");
  const CommandRun run = ran({.argv = {script}});
  CHECK(run.ending == CommandRun::Ending::signaled);
  CHECK(run.signal == SIGUSR1);
}

TEST_CASE("a megabyte through stdin and stdout does not deadlock") {
  const std::string input = pattern(std::size_t{1} << 20);
  const CommandRun run = ran({.argv = {"/bin/cat"}, .input = input});
  CHECK(run.exit_code == 0);
  CHECK(run.output.size() == input.size());
  CHECK(run.output == input);
  CHECK_FALSE(run.output_truncated);
}

TEST_CASE("stdout past the limit is read and dropped; the program still finishes") {
  const std::string input = pattern(3 * (std::size_t{1} << 20) + 5);
  const CommandRun run = ran({.argv = {"/bin/cat"}, .input = input});
  CHECK(run.ending == CommandRun::Ending::exited);
  CHECK(run.exit_code == 0);
  CHECK(run.output_truncated);
  CHECK(run.output == input.substr(0, std::size_t{1} << 20));

  const CommandRun small = ran({.argv = {"/bin/cat"}, .input = "0123456789", .max_output = 4});
  CHECK(small.output == "0123");
  CHECK(small.output_truncated);
}

TEST_CASE("only the tail of stderr is kept") {
  TempFolder dir;
  const std::string script =
      dir.script("noisy.sh",
                 "i=0; while [ $i -lt 2000 ]; do echo \"line $i of noise\" >&2; "
                 "i=$((i+1)); done; echo 'fatal: the end' >&2; exit 1");
  const CommandRun run = ran({.argv = {script}});
  CHECK(run.exit_code == 1);
  CHECK(run.error_tail.size() <= 4096);
  CHECK(run.error_tail.size() > 4000);
  CHECK_THAT(run.error_tail, Catch::EndsWith("line 1999 of noise\nfatal: the end\n"));
}

TEST_CASE("a program that does not read its stdin does not hurt us (no SIGPIPE)") {
  TempFolder dir;
  const std::string script = dir.script("deaf.sh", "exec 0<&-; echo ignored");
  const CommandRun run = ran({.argv = {script}, .input = pattern(std::size_t{4} << 20)});
  CHECK(run.ending == CommandRun::Ending::exited);
  CHECK(run.exit_code == 0);
  CHECK(run.output == "ignored\n");
  sigset_t pending;
  sigpending(&pending);
  CHECK(sigismember(&pending, SIGPIPE) == 0);
}

TEST_CASE("a background child holding stdout does not keep the run from ending") {
  TempFolder dir;
  // Waiting for the end of stdout would wait for the sleep, past the timeout.
  const std::string script = dir.script("daemon.sh", "sleep 30 & echo $!");
  const CommandRun run = ran({.argv = {script}, .timeout = 5s});
  CHECK(run.ending == CommandRun::Ending::exited);
  CHECK(run.exit_code == 0);
  const int sleeper = std::stoi(run.output);
  CHECK(::kill(sleeper, 0) == 0);  // left alone: it is not ours to stop
  ::kill(sleeper, SIGKILL);
}

TEST_CASE("the program gets only fds 0, 1 and 2, even of a host's fd not closed on exec") {
  const int leaked = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC
  REQUIRE(leaked >= 0);
  // ls opens the folder it lists as its own fd 3.
  const CommandRun run = ran({.argv = {"/bin/ls", "/proc/self/fd"}});
  ::close(leaked);
  CHECK(run.output == "0\n1\n2\n3\n");
}

TEST_CASE("the program starts with default signal dispositions and an empty mask") {
  TempFolder dir;
  // The host ignoring SIGINT must not make the program ignore it.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction before {};
  sigaction(SIGINT, &ignore, &before);
  const CommandRun interrupted = ran({.argv = {dir.script("int.sh", "kill -INT $$; echo alive")}});
  sigaction(SIGINT, &before, nullptr);
  CHECK(interrupted.ending == CommandRun::Ending::signaled);
  CHECK(interrupted.signal == SIGINT);
  // The run blocks SIGPIPE for itself; the program must not inherit that.
  const CommandRun piped = ran({.argv = {dir.script("pipe.sh", "kill -PIPE $$; echo alive")}});
  CHECK(piped.ending == CommandRun::Ending::signaled);
  CHECK(piped.signal == SIGPIPE);
}

TEST_CASE("runs on several threads at once each get their own output") {
  constexpr std::size_t kThreads = 6;
  std::vector<std::string> outputs(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (std::size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&outputs, t] {
      const std::string input = std::to_string(t) + pattern(100'000 + t);
      for (int i = 0; i < 5; ++i) {
        auto run = run_command({.argv = {"/bin/cat"}, .input = input});
        outputs[t] += run && run->exit_code == 0 && run->output == input ? "ok " : "bad ";
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& output : outputs) CHECK(output == "ok ok ok ok ok ");
}

TEST_CASE("a program that cannot be started is an error naming it") {
  TempFolder dir;
  auto missing = run_command({.argv = {(dir / "nope").string()}});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::not_found);
  CHECK_THAT(missing.error().message,
             Catch::Contains("'" + (dir / "nope").string() + "' does not exist"));

  auto unknown = run_command({.argv = {"crmflow-no-such-program"}});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::not_found);
  CHECK_THAT(unknown.error().message,
             Catch::Contains("'crmflow-no-such-program' was not found in PATH"));

  const std::string script = dir.script("plain.sh", "echo hi");
  ::chmod(script.c_str(), 0644);
  auto denied = run_command({.argv = {script}});
  REQUIRE_FALSE(denied.ok());
  CHECK(denied.error().code == ErrorCode::invalid_input);
  CHECK_THAT(denied.error().message, Catch::Contains("permission denied"));

  TempFolder::write(dir / "no-shebang", "echo hi\n");
  ::chmod((dir / "no-shebang").c_str(), 0755);
  auto not_program = run_command({.argv = {(dir / "no-shebang").string()}});
  REQUIRE_FALSE(not_program.ok());
  CHECK(not_program.error().code == ErrorCode::invalid_input);
  CHECK_THAT(not_program.error().message, Catch::Contains("not a program this system can run"));
}

TEST_CASE("malformed requests are refused before anything runs") {
  auto empty = run_command({});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code == ErrorCode::invalid_input);
  CHECK_THAT(empty.error().message, Catch::Contains("argv is empty"));

  auto nul = run_command({.argv = {"/bin/echo", std::string{"a\0b", 3}}});
  REQUIRE_FALSE(nul.ok());
  CHECK(nul.error().code == ErrorCode::invalid_input);
  CHECK_THAT(nul.error().message, Catch::Contains("NUL byte"));

  auto no_time = run_command({.argv = {"/bin/cat"}, .timeout = 0ms});
  REQUIRE_FALSE(no_time.ok());
  CHECK(no_time.error().code == ErrorCode::invalid_input);
  CHECK_THAT(no_time.error().message, Catch::Contains("timeout must be positive"));
}

TEST_CASE("a host that lets the system reap children gets an error, not a wrong status") {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction before {};
  sigaction(SIGCHLD, &ignore, &before);
  auto run = run_command({.argv = {"/bin/true"}});
  sigaction(SIGCHLD, &before, nullptr);
  REQUIRE_FALSE(run.ok());
  CHECK(run.error().code == ErrorCode::unavailable);
  CHECK_THAT(run.error().message,
             Catch::Contains("exit status of program '/bin/true' was taken elsewhere"));
}
