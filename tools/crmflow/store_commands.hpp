// The commands that run flows against a store (spec/cli.md, "Running flows against a store").
// Each returns the process exit code: 0 done, 1 refused (`crmflow: error: CODE: MESSAGE`, or
// `{"error": {...}}` on stderr with --json), 2 bad usage.
#pragma once

#include "arguments.hpp"

namespace crmflow::cli {

// Changing cases (cmd_deploy.cpp, cmd_start.cpp, cmd_task_ops.cpp, cmd_events.cpp, cmd_tick.cpp).
int run_deploy(const Arguments& args);
int run_start(const Arguments& args);
int run_claim(const Arguments& args);
int run_unclaim(const Arguments& args);
int run_delegate(const Arguments& args);
int run_reassign(const Arguments& args);
int run_complete(const Arguments& args);
int run_message(const Arguments& args);
int run_signal(const Arguments& args);
int run_cancel(const Arguments& args);
int run_retry(const Arguments& args);
int run_tick(const Arguments& args);
// Stays up firing what is due until SIGINT/SIGTERM (cmd_run.cpp, crmflow::Runner).
int run_run(const Arguments& args);
// History retention: exports ended cases to a JSON-lines file, then removes them (cmd_archive.cpp).
int run_archive(const Arguments& args);

// Reading them (cmd_tasks.cpp, cmd_cases.cpp, cmd_show.cpp, cmd_history.cpp, cmd_report.cpp).
int run_tasks(const Arguments& args);
int run_cases(const Arguments& args);
int run_show(const Arguments& args);
int run_history(const Arguments& args);
int run_report(const Arguments& args);

}  // namespace crmflow::cli
