#include "notify/command_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <exception>
#include <new>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

namespace crmflow::notify {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Once the program has exited, how long a pipe that a child of its own still holds is read.
constexpr auto kDrainAfterExit = std::chrono::milliseconds{250};
// Where no pidfd can be had to wait on, how often the program is checked for having exited.
constexpr auto kExitPollInterval = std::chrono::milliseconds{20};
constexpr std::size_t kReadChunk = std::size_t{32} * 1024;

std::string errno_text(int error) { return std::generic_category().message(error); }

// An owned file descriptor, closed when it goes.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }
  // Linux releases the descriptor even when close fails, so there is nothing to retry.
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read;
  Fd write;
};

Error pipe_error(int error) {
  return unavailable("could not set up the pipes to a program: " + errno_text(error));
}

// Moves `fd` above 2, so that putting the child's ends on 0, 1 and 2 never overwrites another
// of them (a host that closed its own stdin gets pipes at 0).
Status move_above_stdio(Fd& fd) {
  if (fd.get() > 2) return {};
  const int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, 3);
  if (moved < 0) return pipe_error(errno);
  fd = Fd{moved};
  return {};
}

// A pipe closed on exec, so that programs other threads start at the same time never inherit
// it (an inherited write end would keep our reader from ever seeing the end of the output).
// `our_end` is made non-blocking: we serve three pipes from one thread.
Result<Pipe> make_pipe(bool we_write) {
  std::array<int, 2> fds{};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) return pipe_error(errno);
  Pipe pipe{Fd{fds[0]}, Fd{fds[1]}};
  if (Status s = move_above_stdio(pipe.read); !s) return std::move(s).error();
  if (Status s = move_above_stdio(pipe.write); !s) return std::move(s).error();
  const int our_end = we_write ? pipe.write.get() : pipe.read.get();
  const int flags = ::fcntl(our_end, F_GETFL);
  if (flags < 0 || ::fcntl(our_end, F_SETFL, flags | O_NONBLOCK) != 0) return pipe_error(errno);
  return pipe;
}

// Blocks SIGPIPE in this thread while a run writes to a program that may have gone away, and
// takes back the one SIGPIPE such a write raises (it is sent to the writing thread), so the
// host's disposition never sees it and EPIPE comes back as a plain error.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_set_);
    sigaddset(&pipe_set_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set_, &old_mask_);
    sigset_t pending;
    sigpending(&pending);
    pending_before_ = sigismember(&pending, SIGPIPE) == 1;
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;
  ~SigpipeGuard() {
    if (raised_ && !pending_before_) {
      const timespec no_wait{};
      while (sigtimedwait(&pipe_set_, nullptr, &no_wait) < 0 && errno == EINTR) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  void note_raised() { raised_ = true; }

 private:
  sigset_t pipe_set_{};
  sigset_t old_mask_{};
  bool pending_before_ = false;
  bool raised_ = false;
};

Error spawn_error(const std::string& program, int error) {
  const std::string name = "program '" + program + "'";
  switch (error) {
    case ENOENT:
    case ENOTDIR:
      return not_found(
          name +
          (program.find('/') == std::string::npos ? " was not found in PATH" : " does not exist") +
          ": check the command's first element");
    case EACCES:
    case EPERM:
      return invalid_input(name +
                           " may not be run (permission denied): make it executable "
                           "(chmod +x) or fix the path");
    case ENOEXEC:
      return invalid_input(name +
                           " is not a program this system can run (a script needs a "
                           "#! line)");
    case E2BIG:
      return invalid_input(name + ": its arguments are too long");
    case ENAMETOOLONG:
    case ELOOP:
      return invalid_input(name + " could not be started: " + errno_text(error));
    default:
      return unavailable(name + " could not be started: " + errno_text(error));
  }
}

// The spawn attributes that give the program a clean start: its own process group (so a
// timeout can stop everything it started), default dispositions for every signal the host may
// ignore or handle, an empty signal mask (ours blocks SIGPIPE), and only fds 0, 1 and 2.
class SpawnSetup {
 public:
  SpawnSetup() {
    actions_ok_ = posix_spawn_file_actions_init(&actions_) == 0;
    attr_ok_ = posix_spawnattr_init(&attr_) == 0;
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
  ~SpawnSetup() {
    if (actions_ok_) posix_spawn_file_actions_destroy(&actions_);
    if (attr_ok_) posix_spawnattr_destroy(&attr_);
  }

  // 0, or the errno of the step that failed.
  int prepare(int stdin_fd, int stdout_fd, int stderr_fd) {
    if (!actions_ok_ || !attr_ok_) return ENOMEM;
    sigset_t defaults;
    sigfillset(&defaults);
    sigdelset(&defaults, SIGKILL);
    sigdelset(&defaults, SIGSTOP);
    sigset_t empty;
    sigemptyset(&empty);
    const short flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    for (int rc : {posix_spawn_file_actions_adddup2(&actions_, stdin_fd, 0),
                   posix_spawn_file_actions_adddup2(&actions_, stdout_fd, 1),
                   posix_spawn_file_actions_adddup2(&actions_, stderr_fd, 2),
                   posix_spawn_file_actions_addclosefrom_np(&actions_, 3),
                   posix_spawnattr_setflags(&attr_, flags), posix_spawnattr_setpgroup(&attr_, 0),
                   posix_spawnattr_setsigdefault(&attr_, &defaults),
                   posix_spawnattr_setsigmask(&attr_, &empty)}) {
      if (rc != 0) return rc;
    }
    return 0;
  }
  const posix_spawn_file_actions_t* actions() const { return &actions_; }
  const posix_spawnattr_t* attr() const { return &attr_; }

 private:
  posix_spawn_file_actions_t actions_{};
  posix_spawnattr_t attr_{};
  bool actions_ok_ = false;
  bool attr_ok_ = false;
};

Result<pid_t> spawn(const std::vector<std::string>& argv, int stdin_fd, int stdout_fd,
                    int stderr_fd) {
  SpawnSetup setup;
  if (const int rc = setup.prepare(stdin_fd, stdout_fd, stderr_fd); rc != 0) {
    return spawn_error(argv.front(), rc);
  }
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  // POSIX's signature predates const; the strings are not written to.
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  // glibc reports a failed exec (ENOENT, EACCES, ...) as posix_spawnp's own result.
  const int rc =
      posix_spawnp(&pid, args.front(), setup.actions(), setup.attr(), args.data(), environ);
  if (rc != 0) return spawn_error(argv.front(), rc);
  return pid;
}

// A descriptor that becomes readable when the process ends, or -1 where the kernel has none
// (before Linux 5.3, or a sandbox that forbids it): the run then checks every few milliseconds.
// Called directly: glibc 2.36's <sys/pidfd.h> lacks the extern "C" that C++ needs.
int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

// `now` + `wait`, saturating rather than overflowing for a timeout meant as "for ever".
SteadyClock::time_point after(SteadyClock::time_point now, std::chrono::milliseconds wait) {
  const auto room =
      std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::time_point::max() - now);
  return wait >= room ? SteadyClock::time_point::max() : now + wait;
}

// Milliseconds poll() should wait to reach `until` (-1: for ever).
int poll_timeout(SteadyClock::time_point now, SteadyClock::time_point until) {
  if (until == SteadyClock::time_point::max()) return -1;
  if (until <= now) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
  return static_cast<int>(std::min<std::chrono::milliseconds::rep>(ms, INT_MAX));
}

// One started program, served until it has ended: its stdin fed, its stdout and stderr read,
// its time limit kept. If anything ends the run early, the destructor stops and reaps it, so
// no process or zombie is ever left behind.
class ChildRun {
 public:
  ChildRun(const CommandRequest& request, SigpipeGuard& sigpipe, pid_t pid, Fd in, Fd out, Fd err)
      : request_(request),
        sigpipe_(sigpipe),
        pid_(pid),
        pidfd_(open_pidfd(pid)),
        in_(std::move(in)),
        out_(std::move(out)),
        err_(std::move(err)) {}
  ChildRun(const ChildRun&) = delete;
  ChildRun& operator=(const ChildRun&) = delete;
  ~ChildRun() {
    if (reaped_) return;
    signal_group(SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }

  Result<CommandRun> finish();

 private:
  enum class Phase { running, terminating, killed };

  Status reap_if_ended();
  void signal_group(int signal) const;
  Status poll_once(SteadyClock::time_point until);
  void write_input();
  void read_into(Fd& fd, bool is_output);
  CommandRun result();

  const CommandRequest& request_;
  SigpipeGuard& sigpipe_;
  const pid_t pid_;
  Fd pidfd_;  // readable once the program has ended; not open where the kernel has none
  Fd in_;
  Fd out_;
  Fd err_;
  std::size_t written_ = 0;
  bool reaped_ = false;
  int status_ = 0;
  bool timed_out_ = false;
  CommandRun run_;
};

Result<CommandRun> ChildRun::finish() {
  if (request_.input.empty()) in_.reset();
  Phase phase = Phase::running;
  SteadyClock::time_point until = after(SteadyClock::now(), request_.timeout);
  std::optional<SteadyClock::time_point> drain_until;
  while (true) {
    if (Status s = reap_if_ended(); !s) return std::move(s).error();
    const auto now = SteadyClock::now();
    if (reaped_) {
      in_.reset();  // no one is left to read it
      if (!out_.is_open() && !err_.is_open()) break;
      if (!drain_until) drain_until = now + kDrainAfterExit;
      if (now >= *drain_until) break;
      until = *drain_until;
    } else if (now >= until) {
      if (phase == Phase::running) {
        timed_out_ = true;
        signal_group(SIGTERM);
        phase = Phase::terminating;
        until = after(now, request_.kill_grace);
      } else if (phase == Phase::terminating) {
        signal_group(SIGKILL);  // cannot be caught: the program ends as soon as it can run
        phase = Phase::killed;
        until = SteadyClock::time_point::max();
      }
      continue;
    }
    if (Status s = poll_once(until); !s) return std::move(s).error();
  }
  return result();
}

Status ChildRun::reap_if_ended() {
  while (!reaped_) {
    const pid_t done = ::waitpid(pid_, &status_, WNOHANG);
    if (done == pid_) {
      reaped_ = true;
    } else if (done == 0) {
      break;
    } else if (const int error = errno; error != EINTR) {
      // ECHILD: someone else reaped it, so its pid may already belong to another process;
      // never signal it again.
      reaped_ = true;
      return unavailable("the exit status of program '" + request_.argv.front() +
                         "' was taken elsewhere in this process (SIGCHLD ignored, or every "
                         "child reaped by the host): " +
                         errno_text(error));
    }
  }
  return {};
}

// Called only before the program is reaped, when its pid (and the group it leads) cannot
// belong to anyone else.
void ChildRun::signal_group(int signal) const {
  if (::kill(-pid_, signal) != 0) ::kill(pid_, signal);
}

Status ChildRun::poll_once(SteadyClock::time_point until) {
  std::array<pollfd, 4> fds{};
  nfds_t count = 0;
  const auto watch = [&](const Fd& fd, short events) {
    if (fd.is_open()) fds[count++] = pollfd{fd.get(), events, 0};
  };
  watch(in_, POLLOUT);
  watch(out_, POLLIN);
  watch(err_, POLLIN);
  if (!reaped_) watch(pidfd_, POLLIN);

  const auto now = SteadyClock::now();
  int timeout = poll_timeout(now, until);
  if (!reaped_ && !pidfd_.is_open()) {
    timeout = poll_timeout(now, std::min(until, now + kExitPollInterval));
  }
  if (::poll(fds.data(), count, timeout) < 0) {
    const int error = errno;
    if (error == EINTR) return {};
    return unavailable("waiting for program '" + request_.argv.front() +
                       "' failed: " + errno_text(error));
  }
  for (nfds_t i = 0; i < count; ++i) {
    if (fds[i].revents == 0) continue;
    const int fd = fds[i].fd;
    if (fd == in_.get()) {
      write_input();
    } else if (fd == out_.get()) {
      read_into(out_, true);
    } else if (fd == err_.get()) {
      read_into(err_, false);
    }  // the pidfd: the next reap_if_ended() collects the program
  }
  return {};
}

void ChildRun::write_input() {
  const std::string& input = request_.input;
  while (written_ < input.size()) {
    const ssize_t n = ::write(in_.get(), input.data() + written_, input.size() - written_);
    if (n >= 0) {
      written_ += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;  // the pipe is full: wait for POLLOUT
    // EPIPE: the program closed its stdin or ended without reading all of it. That is its
    // choice to make; how it ended tells the caller whether it worked.
    if (errno == EPIPE) sigpipe_.note_raised();
    break;
  }
  in_.reset();
}

void ChildRun::read_into(Fd& fd, bool is_output) {
  std::array<char, kReadChunk> buffer;
  ssize_t n = -1;
  do {
    n = ::read(fd.get(), buffer.data(), buffer.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
  if (n <= 0) {  // the end, or an error that no retry would mend
    fd.reset();
    return;
  }
  const std::string_view got{buffer.data(), static_cast<std::size_t>(n)};
  if (is_output) {
    const std::size_t room =
        request_.max_output - std::min(request_.max_output, run_.output.size());
    run_.output.append(got.substr(0, room));
    run_.output_truncated = run_.output_truncated || got.size() > room;
  } else {
    run_.error_tail.append(got);
    // Trim now and then rather than on every read: the tail stays bounded and cheap.
    if (run_.error_tail.size() > 2 * request_.max_error_tail + kReadChunk) {
      run_.error_tail.erase(0, run_.error_tail.size() - request_.max_error_tail);
    }
  }
}

CommandRun ChildRun::result() {
  if (timed_out_) {
    run_.ending = CommandRun::Ending::timed_out;
  } else if (WIFSIGNALED(status_)) {
    run_.ending = CommandRun::Ending::signaled;
    run_.signal = WTERMSIG(status_);
  } else {
    run_.ending = CommandRun::Ending::exited;
    run_.exit_code = WEXITSTATUS(status_);
  }
  std::string& tail = run_.error_tail;
  if (tail.size() > request_.max_error_tail) {
    std::size_t cut = tail.size() - request_.max_error_tail;
    // Start at a character: skip UTF-8 continuation bytes.
    while (cut < tail.size() && (static_cast<unsigned char>(tail[cut]) & 0xC0) == 0x80) ++cut;
    tail.erase(0, cut);
  }
  return std::move(run_);
}

Status check(const CommandRequest& request) {
  if (request.argv.empty() || request.argv.front().empty()) {
    return invalid_input("a command needs a program: argv is empty");
  }
  for (const std::string& arg : request.argv) {
    if (arg.find('\0') != std::string::npos) {
      return invalid_input("program '" + request.argv.front() +
                           "': an argument holds a NUL byte, which a program cannot receive");
    }
  }
  if (request.timeout <= std::chrono::milliseconds::zero()) {
    return invalid_input("program '" + request.argv.front() + "': the timeout must be positive");
  }
  if (request.kill_grace < std::chrono::milliseconds::zero()) {
    return invalid_input("program '" + request.argv.front() +
                         "': the kill grace must not be negative");
  }
  return {};
}

Result<CommandRun> run(const CommandRequest& request) {
  if (Status s = check(request); !s) return std::move(s).error();
  SigpipeGuard sigpipe;
  auto in = make_pipe(true);
  if (!in) return std::move(in).error();
  auto out = make_pipe(false);
  if (!out) return std::move(out).error();
  auto err = make_pipe(false);
  if (!err) return std::move(err).error();
  auto pid = spawn(request.argv, in->read.get(), out->write.get(), err->write.get());
  if (!pid) return std::move(pid).error();
  // Our copies of the child's ends must go, or we would never see the end of its output.
  in->read.reset();
  out->write.reset();
  err->write.reset();
  ChildRun child{
      request, sigpipe, *pid, std::move(in->write), std::move(out->read), std::move(err->read)};
  return child.finish();
}

}  // namespace

Result<CommandRun> run_command(const CommandRequest& request) {
  try {
    return run(request);
  } catch (const std::bad_alloc&) {
    return unavailable("out of memory while running a program");
  } catch (const std::exception& e) {
    return internal_error(std::string{"running a program failed: "} + e.what());
  }
}

}  // namespace crmflow::notify
