// crmflow::notify internal: the `file` channel, which appends each notification to a file as
// one JSON line (notification_json.hpp): an audit trail, or a queue another program tails
// (docs/command-and-file-channels.md).
//
//   auto channel = make_file_channel({.name = "audit", .path =
//   "/var/log/crm/notifications.jsonl"}); if (!channel) return channel.error();
//   channels.add("audit", *channel);
//
// Each line is written whole: under an exclusive flock(2) on the file, so that threads and
// processes appending through this channel never interleave, in one write(2) with O_APPEND,
// and flushed to disk (fsync) before the delivery counts. A line that could not be written
// whole (a full disk) is cut off again, so a reader never sees half a line; the delivery is
// then retried. A crash between writing and recording the delivery writes the line again on
// the retry: readers that must see each notification once keep the last line per
// `idempotency_key`.
#pragma once

#include <memory>

#include "crmflow/channel.hpp"
#include "crmflow/error.hpp"
#include "notify/targets.hpp"

namespace crmflow::notify {

// A channel appending to `target.path`, made absolute now (so that a later chdir of the host
// does not move it) and created now if missing (mode 0644, less the umask). The file is opened
// again for every line, so a log rotation that renames it is followed.
// Errors: invalid_input (an empty path, a path that is a folder, a file that cannot be opened
// for appending, with the system's reason); not_found (the folder does not exist). Messages
// name the channel and the path.
// Thread safety: deliver() may run on several threads at once.
Result<std::shared_ptr<Channel>> make_file_channel(const FileTarget& target);

}  // namespace crmflow::notify
