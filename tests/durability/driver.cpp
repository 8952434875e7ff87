// durability_driver: the command line of the durability tests (driver.hpp gives the modes).
//
//   durability_driver writer DB N PREFIX [--open]
//   durability_driver verify DB ACKLOG [--all-acknowledged] [--all-completed]
//   durability_driver complete-all DB WORKER [--order forward|reverse|crossed] [--wait-go]
//
// Exit codes: 0 success, 1 a failed call or a violation, 2 a usage error.
#include "driver.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace crmflow::durability {

std::string_view process_text() {
  return R"(process: durability
name: Durability test
steps:
  - id: fork
    type: parallel
    next: [work-a, work-b]
  - id: work-a
    type: user
    candidates: {groups: [crew]}
    next: join
  - id: work-b
    type: user
    candidates: {groups: [crew]}
    next: join
  - id: join
    type: parallel
  - id: record
    type: set
    set: {done: true}
  - id: finish
    type: end
)";
}

void emit(std::string_view line) {
  std::string text{line};
  text += '\n';
  std::fflush(stdout);  // nothing buffered may overtake or follow the line out of order
  const char* data = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t written = ::write(STDOUT_FILENO, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      std::perror("durability_driver: write to standard output");
      std::_Exit(2);
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
}

Result<std::unique_ptr<Harness>> Harness::open(const std::string& path,
                                               const std::vector<std::string>& users,
                                               const SqliteOptions& options) {
  auto store = SqliteStore::open(path, options);
  if (!store) return std::move(store).error();
  return std::unique_ptr<Harness>{new Harness(std::move(*store), users)};
}

Harness::Harness(std::unique_ptr<SqliteStore> store, const std::vector<std::string>& users)
    : store_(std::move(store)) {
  for (const std::string& user : users) directory_.add_user(user, {std::string{kGroup}});
  engine_ = std::make_unique<Engine>(*store_, EngineOptions{.directory = &directory_});
}

}  // namespace crmflow::durability

namespace {

using crmflow::durability::CompleteAllOptions;
using crmflow::durability::VerifyOptions;
using crmflow::durability::WriterOptions;

constexpr int kUsage = 2;

int usage(std::string_view problem) {
  std::cerr << "durability_driver: " << problem << "\n"
            << "usage:\n"
            << "  durability_driver writer DB N PREFIX [--open]\n"
            << "  durability_driver verify DB ACKLOG [--all-acknowledged] [--all-completed]\n"
            << "  durability_driver complete-all DB WORKER [--order forward|reverse|crossed] "
               "[--wait-go]\n";
  return kUsage;
}

int writer(const std::vector<std::string_view>& args) {
  if (args.size() < 3) return usage("writer needs DB, N and PREFIX");
  WriterOptions options{.path = std::string{args[0]}, .prefix = std::string{args[2]}};
  const auto [end, ec] =
      std::from_chars(args[1].data(), args[1].data() + args[1].size(), options.cases);
  if (ec != std::errc{} || end != args[1].data() + args[1].size() || options.cases < 0) {
    return usage("writer: N must be a non-negative integer, not '" + std::string{args[1]} + "'");
  }
  if (options.prefix.empty() || options.prefix.find_first_of(" -") != std::string::npos) {
    return usage("writer: PREFIX must be non-empty, without spaces or '-'");
  }
  for (std::size_t i = 3; i < args.size(); ++i) {
    if (args[i] != "--open") return usage("writer: unknown option '" + std::string{args[i]} + "'");
    options.leave_open = true;
  }
  return crmflow::durability::run_writer(options);
}

int verify(const std::vector<std::string_view>& args) {
  if (args.size() < 2) return usage("verify needs DB and ACKLOG");
  VerifyOptions options{.path = std::string{args[0]}, .ack_log = std::string{args[1]}};
  for (std::size_t i = 2; i < args.size(); ++i) {
    if (args[i] == "--all-acknowledged") {
      options.all_acknowledged = true;
    } else if (args[i] == "--all-completed") {
      options.all_completed = true;
    } else {
      return usage("verify: unknown option '" + std::string{args[i]} + "'");
    }
  }
  return crmflow::durability::run_verify(options);
}

int complete_all(const std::vector<std::string_view>& args) {
  if (args.size() < 2) return usage("complete-all needs DB and WORKER");
  CompleteAllOptions options{.path = std::string{args[0]}, .worker = std::string{args[1]}};
  if (options.worker.empty() || options.worker.find(' ') != std::string::npos) {
    return usage("complete-all: WORKER must be non-empty, without spaces");
  }
  for (std::size_t i = 2; i < args.size(); ++i) {
    if (args[i] == "--wait-go") {
      options.wait_go = true;
    } else if (args[i] == "--order" && i + 1 < args.size()) {
      const std::string_view order = args[++i];
      if (order == "forward") {
        options.order = crmflow::durability::TaskOrder::forward;
      } else if (order == "reverse") {
        options.order = crmflow::durability::TaskOrder::reverse;
      } else if (order == "crossed") {
        options.order = crmflow::durability::TaskOrder::crossed;
      } else {
        return usage("complete-all: --order is forward, reverse or crossed, not '" +
                     std::string{order} + "'");
      }
    } else {
      return usage("complete-all: unknown or incomplete option '" + std::string{args[i]} + "'");
    }
  }
  return crmflow::durability::run_complete_all(options);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage("no mode given");
  const std::string_view mode = argv[1];
  const std::vector<std::string_view> args(argv + 2, argv + argc);
  if (mode == "writer") return writer(args);
  if (mode == "verify") return verify(args);
  if (mode == "complete-all") return complete_all(args);
  return usage("unknown mode '" + std::string{mode} + "'");
}
