#include <fmt/core.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "check_commands.hpp"
#include "crmflow/process.hpp"

extern char** environ;

namespace crmflow::cli {
namespace {

int refuse(std::string_view code, std::string_view message) {
  fmt::print(stderr, "crmflow: error: {}: {}\n", code, message);
  return kExitFailed;
}

// Writes all of `text` to `fd`; false on any error (EPIPE when the reader stopped early).
bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Runs Graphviz (`dot -Tsvg`, found on PATH, without a shell) with the dot text on its stdin and
// its stdout as ours.
int render_svg(const std::string& dot) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0)
    return refuse("unavailable", fmt::format("pipe: {}", std::strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
  char program[] = "dot";
  char format[] = "-Tsvg";
  char* argv[] = {program, format, nullptr};
  std::fflush(stdout);
  pid_t pid = 0;
  int spawned = ::posix_spawnp(&pid, program, &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[0]);
  if (spawned != 0) {
    ::close(pipe_fds[1]);
    if (spawned == ENOENT) {
      return refuse("unavailable",
                    "the Graphviz program 'dot' is not on PATH: install the package 'graphviz' "
                    "(apt-get install graphviz), or use --format dot or --format mermaid");
    }
    return refuse("unavailable", fmt::format("cannot run 'dot': {}", std::strerror(spawned)));
  }
  // A `dot` that exits early must not kill us with SIGPIPE: its exit status tells what happened.
  struct sigaction ignore {};
  struct sigaction previous {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  bool written = write_all(pipe_fds[1], dot);
  ::close(pipe_fds[1]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ::sigaction(SIGPIPE, &previous, nullptr);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !written) {
    return refuse("unavailable",
                  "Graphviz 'dot' failed to draw the process (its message is above)");
  }
  return kExitOk;
}

}  // namespace

int run_graph(const Arguments& args) {
  std::string format = args.get("format").value_or("dot");
  if (format != "dot" && format != "svg" && format != "mermaid") {
    fmt::print(stderr, "crmflow: usage: unknown format '{}': use dot, svg or mermaid\n", format);
    return kExitUsage;
  }
  if (args.has("case")) {
    return refuse("invalid_input",
                  "marking a case on the drawing (--case) needs the store, which this build of "
                  "crmflow cannot open yet; draw the process without --case");
  }
  const std::string& path = args.positional().front();
  FileText file = read_file_text(path);
  if (!file.text) {
    fmt::print(stderr, "{}\n", Diagnostic{path, 0, 0, file.problem}.format());
    return kExitFailed;
  }
  LoadOutcome outcome = load_process(*file.text, path);
  if (!outcome.ok()) {
    for (const Diagnostic& d : outcome.diagnostics) fmt::print(stderr, "{}\n", d.format());
    return kExitFailed;
  }
  if (format == "mermaid") {
    fmt::print("{}", draw_process(*outcome.process, GraphFormat::mermaid));
    return kExitOk;
  }
  std::string dot = draw_process(*outcome.process, GraphFormat::dot);
  if (format == "dot") {
    fmt::print("{}", dot);
    return kExitOk;
  }
  return render_svg(dot);
}

}  // namespace crmflow::cli
