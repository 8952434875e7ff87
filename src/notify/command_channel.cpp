#include "notify/command_channel.hpp"

#include <exception>
#include <string>
#include <utility>

#include "notify/command_runner.hpp"
#include "notify/command_target.hpp"
#include "notify/notification_json.hpp"

namespace crmflow::notify {
namespace {

class CommandChannel final : public Channel {
 public:
  explicit CommandChannel(CommandTarget target) : target_(std::move(target)) {}

  DeliveryOutcome deliver(const Notification& notification) override {
    try {
      return run(notification);
    } catch (const std::exception& e) {
      return DeliveryOutcome::retry(prefix() + e.what());
    }
  }

 private:
  std::string prefix() const { return "channel '" + target_.name + "': "; }

  DeliveryOutcome run(const Notification& notification) {
    auto run = run_command(command_request(target_, notification_json(notification) + "\n"));
    if (!run) {
      // A program that is gone or cannot be run stays so until someone changes the host;
      // a system out of processes or memory may recover.
      const ErrorCode code = run.error().code;
      std::string message = prefix() + run.error().message;
      if (code == ErrorCode::not_found || code == ErrorCode::invalid_input) {
        return DeliveryOutcome::failed(std::move(message));
      }
      return DeliveryOutcome::retry(std::move(message));
    }
    if (run->ending == CommandRun::Ending::exited && run->exit_code == 0) {
      return DeliveryOutcome::delivered(first_line(run->output, kCommandReceiptMaxBytes));
    }
    return DeliveryOutcome::retry(prefix() + describe_run(target_, *run));
  }

  const CommandTarget target_;
};

}  // namespace

Result<std::shared_ptr<Channel>> make_command_channel(const CommandTarget& target) {
  if (Status s = check_command_target(target, "channel"); !s) return std::move(s).error();
  return std::shared_ptr<Channel>{std::make_shared<CommandChannel>(target)};
}

}  // namespace crmflow::notify
