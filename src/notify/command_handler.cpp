// make_command_handler (declared in command_channel.hpp): a service step's job run as a program.
#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "notify/command_channel.hpp"
#include "notify/command_runner.hpp"
#include "notify/command_target.hpp"
#include "notify/handler_answer.hpp"
#include "notify/job_json.hpp"

namespace crmflow::notify {
namespace {

HandlerResult answer(const CommandTarget& target, const CommandRun& run) {
  const std::string who = "handler '" + target.name + "': program '" + target.argv.front() + "'";
  if (run.output_truncated) {
    return HandlerResult::failure(who + " wrote more than " + std::to_string(run.output.size()) +
                                  " bytes on stdout: a result must be smaller");
  }
  return handler_answer(run.output, who);
}

HandlerResult run_job(const CommandTarget& target, const JobContext& job) {
  auto run = run_command(command_request(target, job_json(job) + "\n"));
  if (!run) return HandlerResult::failure("handler '" + target.name + "': " + run.error().message);
  if (run->ending != CommandRun::Ending::exited || run->exit_code != 0) {
    return HandlerResult::failure("handler '" + target.name + "': " + describe_run(target, *run));
  }
  return answer(target, *run);
}

}  // namespace

Result<Handler> make_command_handler(const CommandTarget& target) {
  if (Status s = check_command_target(target, "handler"); !s) return std::move(s).error();
  // Shared, so that copies of the handler (std::function copies freely) share one target.
  auto shared = std::make_shared<const CommandTarget>(target);
  return Handler{[shared](const JobContext& job) {
    try {
      return run_job(*shared, job);
    } catch (const std::exception& e) {
      return HandlerResult::failure("handler '" + shared->name + "': " + e.what());
    }
  }};
}

}  // namespace crmflow::notify
