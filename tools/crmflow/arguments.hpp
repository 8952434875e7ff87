// The command line of `crmflow` (spec/cli.md): a command word, positional arguments, and options
// that may stand before or after the command word. Each command declares the options it takes;
// anything else is bad usage (exit code 2).
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/error.hpp"

namespace crmflow::cli {

// One option a command accepts: `--name VALUE`, `--name=VALUE`, or a flag `--name`.
struct OptionSpec {
  std::string_view name;  // without the leading dashes
  bool takes_value = true;
  bool repeatable = false;
};

// What a command accepts besides the global options.
struct CommandSpec {
  std::string_view name;
  std::string_view usage;  // e.g. "crmflow validate FILE..."
  std::size_t min_positional = 0;
  std::size_t max_positional = 0;  // kUnbounded for any number
  std::vector<OptionSpec> options;
};

inline constexpr std::size_t kUnbounded = static_cast<std::size_t>(-1);

// The options every command accepts, in any position.
std::span<const OptionSpec> global_options();

class Arguments {
 public:
  // Splits argv (without the program name) into the command word, positionals and options,
  // checking them against `commands`. An unknown command or option, a missing value, a repeated
  // non-repeatable option, or the wrong number of positionals is invalid_input with a message
  // fit for `crmflow: usage: MESSAGE`.
  static Result<Arguments> parse(std::span<const std::string_view> argv,
                                 std::span<const CommandSpec> commands);

  const std::string& command() const { return command_; }
  const std::vector<std::string>& positional() const { return positional_; }

  bool has(std::string_view option) const { return values_.count(std::string{option}) > 0; }
  // The value of a single-valued option, if given.
  std::optional<std::string> get(std::string_view option) const;
  // Every value of a repeatable option, in the order given.
  std::vector<std::string> all(std::string_view option) const;

 private:
  std::string command_;
  std::vector<std::string> positional_;
  std::multimap<std::string, std::string, std::less<>> values_;
};

}  // namespace crmflow::cli
