// crmflow::notify internal: runs one program to its end, the way the `command` channel and
// service handler need it: argv executed directly (never through a shell, so no argument is
// ever split, globbed or interpreted), a payload on its stdin, its stdout and the tail of its
// stderr collected, and a time limit after which it is stopped.
//
//   CommandRequest request{.argv = {"/usr/local/bin/send-mail", "--to", "ops"},
//                          .input = payload, .timeout = std::chrono::seconds{30}};
//   Result<CommandRun> run = run_command(request);
//   if (run && run->ending == CommandRun::Ending::exited && run->exit_code == 0) ...
//
// The program starts in a process group of its own, with the host's environment and working
// folder, default signal dispositions, an empty signal mask, and no descriptors but 0, 1 and 2.
// On timeout the whole group gets SIGTERM, then SIGKILL after `kill_grace`.
//
// Thread safety: run_command may be called from several threads at once. It reaps only the
// child it started (waitpid on that pid): a host that sets SIGCHLD to SIG_IGN or reaps every
// child itself takes the exit status away, and the run then ends in an `unavailable` error.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "crmflow/error.hpp"

namespace crmflow::notify {

struct CommandRequest {
  // argv[0] is the program: a path, or a name looked up in PATH. REQUIRES: not empty.
  std::vector<std::string> argv{};
  std::string input{};  // written to the program's stdin, which is then closed
  std::chrono::milliseconds timeout{std::chrono::seconds{30}};
  // Between SIGTERM and SIGKILL when the timeout has passed.
  std::chrono::milliseconds kill_grace{std::chrono::seconds{1}};
  // stdout beyond this many bytes is read and dropped (`output_truncated`).
  std::size_t max_output = std::size_t{1} << 20;
  // Only the last this many bytes of stderr are kept.
  std::size_t max_error_tail = 4096;
};

// How a program that started came to its end.
struct CommandRun {
  enum class Ending {
    exited,     // it exited by itself: `exit_code`
    signaled,   // a signal ended it (not ours): `signal`
    timed_out,  // it ran past the timeout and was stopped
  };
  Ending ending = Ending::exited;
  int exit_code = 0;              // exited only
  int signal = 0;                 // signaled only
  std::string output{};           // stdout, at most max_output bytes
  bool output_truncated = false;  // stdout had more
  // The end of stderr: at most max_error_tail bytes, starting at a character boundary.
  std::string error_tail{};
};

// Runs the program to its end and reports how it ended. When the program has exited but a child
// of its own still holds stdout or stderr open, they are read for a quarter of a second more and
// the child is then left alone (it is not ours to stop).
// Errors: invalid_input (empty argv, a NUL byte in an argument, a timeout that is not
// positive, a negative kill_grace); not_found (no such program, naming it); invalid_input (found
// but not executable, or not a program the system can run); unavailable (the system is out of
// processes, descriptors or memory, or the exit status was taken by someone else: retrying may
// work).
Result<CommandRun> run_command(const CommandRequest& request);

}  // namespace crmflow::notify
