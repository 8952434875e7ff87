// crmflow::notify internal: what the `command` channel and the `command` service handler share:
// checking a CommandTarget once, when the channel or handler is made, and telling in one line
// how a run of its program went wrong (docs/command-and-file-channels.md).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "crmflow/error.hpp"
#include "notify/command_runner.hpp"
#include "notify/targets.hpp"

namespace crmflow::notify {

// Checks `target` for a channel or handler (`role`: "channel" or "handler", for the message):
// argv is not empty and holds no NUL byte, its program exists and may be executed (a name without
// '/' is looked up in PATH, as running it will), and the timeout is positive. Checking now turns a
// typo in the configuration into an error at start-up, not into notifications failed one by one.
// Errors: invalid_input (empty argv, a NUL byte, a timeout that is not positive, a program that is
// a folder or not executable); not_found (no such program). Messages name the role, the target's
// name and the program.
Status check_command_target(const CommandTarget& target, std::string_view role);

// The request that runs `target`'s program with `input` on its stdin.
CommandRequest command_request(const CommandTarget& target, std::string input);

// One line on a run that did not succeed: "program '/usr/bin/send-mail' exited with code 3:
// LAST STDERR LINE", "... was ended by signal 9 (SIGKILL)", "... did not finish within 300 ms
// and was stopped". The stderr part, when there is one, is its last non-empty line, cut short.
std::string describe_run(const CommandTarget& target, const CommandRun& run);

// The first line of `text` that is not blank, without surrounding white space, at most
// `max_bytes` long (cut at a character boundary): a receipt from a program's stdout.
std::string first_line(std::string_view text, std::size_t max_bytes);

}  // namespace crmflow::notify
