// crmflow::notify internal: the `command` target type, a program of the host's run once per
// notification (a channel) or once per service job (a handler): the payload as JSON and a
// newline on stdin, argv run directly, never through a shell
// (docs/command-and-file-channels.md).
//
//   auto email = make_command_channel({.name = "email", .argv = {"/usr/local/bin/send-mail"}});
//   if (!email) return email.error();
//   channels.add("email", *email);
//   auto charge = make_command_handler({.name = "charge-card", .argv = {"/opt/crm/charge"}});
//   if (!charge) return charge.error();
//   engine.handlers().add("charge-card", *charge);
//
// The channel gets notification_json(n). What the program's end means:
//   exit 0                      → delivered; the receipt is stdout's first non-blank line,
//                                 at most kCommandReceiptMaxBytes
//   another exit code, a signal,
//   or the timeout passing      → retry (the engine tries again with backoff; nothing is lost)
//   the program missing or not
//   executable any more         → failed (retrying cannot help)
//
// The handler gets job_json(job). What the program's answer means:
//   exit 0, stdout empty (or blank)             → ok, no result fields
//   exit 0, a JSON object on stdout             → ok with the object as the result
//   exit 0, {"error": "CODE", "message": "..."} → business error CODE (a boundary `error` event
//                                                 may catch it; never retried); "error": null
//                                                 is no error
//   any other exit, a signal, the timeout, text that is not a JSON object, an "error" that is
//   not a non-empty string, more than 1 MiB on stdout, the program missing
//                                               → failure (retried as the step says)
//
// Error texts name the channel or handler, the program, the exit code or signal and the last
// line of stderr: "channel 'email': program '/usr/local/bin/send-mail' exited with code 3:
// smtp: 451 try later".
#pragma once

#include <cstddef>
#include <memory>

#include "crmflow/channel.hpp"
#include "crmflow/error.hpp"
#include "crmflow/handler.hpp"
#include "notify/targets.hpp"

namespace crmflow::notify {

// A receipt longer than this is cut (at a character boundary).
inline constexpr std::size_t kCommandReceiptMaxBytes = 200;

// A channel that runs `target`'s program once per delivery. The program is checked now
// (check_command_target): it must exist and be executable.
// Errors: invalid_input (empty argv, a NUL byte in it, a timeout that is not positive, a
// program that is a folder or not executable); not_found (no such program).
// Thread safety: deliver() may run on several threads at once; each call runs its own process.
Result<std::shared_ptr<Channel>> make_command_channel(const CommandTarget& target);

// A service handler that runs `target`'s program once per job; checked and failing as
// make_command_channel. Copies of the handler share one target.
// Thread safety: the handler may run on several threads at once; each call runs its own process.
Result<Handler> make_command_handler(const CommandTarget& target);

}  // namespace crmflow::notify
