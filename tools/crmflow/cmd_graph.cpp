// `crmflow graph FILE [--format dot|svg|mermaid] [--db PATH --case ID]` (spec/cli.md): the drawing
// of a definition file, with a case of the store marked on it when --case is given.
#include <fmt/core.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

#include "check_commands.hpp"
#include "crmflow/process.hpp"
#include "session.hpp"

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

// Where the case stands and what it passed, from the store of --db. The case must be one of the
// drawn process (any version: the file is drawn as it is now).
Result<CaseMarks> case_marks(const Arguments& args, const Process& process, CaseId id) {
  auto session = Session::open(args);
  if (!session) return session.error();
  auto found = (*session)->engine().get_case(id);
  if (!found) return found.error();
  if (found->process_id != process.id()) {
    return invalid_input(fmt::format(
        "case {} belongs to process '{}', not to '{}' drawn from {}; draw its own process's file",
        id, found->process_id, process.id(), args.positional().front()));
  }
  return CaseMarks{.active = std::move(found->active), .passed = std::move(found->path)};
}

}  // namespace

int run_graph(const Arguments& args) {
  std::string format = args.get("format").value_or("dot");
  if (format != "dot" && format != "svg" && format != "mermaid") {
    fmt::print(stderr, "crmflow: usage: unknown format '{}': use dot, svg or mermaid\n", format);
    return kExitUsage;
  }
  std::optional<CaseId> case_id;
  if (auto text = args.get("case")) {
    // Not a case id at all is an unknown case (exit 1), as spec/cli.md gives for graph.
    auto id = parse_id(*text, "--case");
    if (!id) return fail(args, id.error());
    case_id = *id;
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
  std::optional<CaseMarks> marks;
  if (case_id) {
    auto found = case_marks(args, *outcome.process, *case_id);
    if (!found) return fail(args, found.error());
    marks = std::move(*found);
  }
  const CaseMarks* shown = marks ? &*marks : nullptr;
  if (format == "mermaid") {
    fmt::print("{}", draw_process(*outcome.process, GraphFormat::mermaid, shown));
    return kExitOk;
  }
  std::string dot = draw_process(*outcome.process, GraphFormat::dot, shown);
  if (format == "dot") {
    fmt::print("{}", dot);
    return kExitOk;
  }
  return render_svg(dot);
}

}  // namespace crmflow::cli
