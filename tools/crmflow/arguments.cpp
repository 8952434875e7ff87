#include "arguments.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace crmflow::cli {
namespace {

constexpr std::array<OptionSpec, 7> kGlobal = {{
    {"db", true, false},
    {"users", true, false},
    {"calendars", true, false},
    {"channels", true, false},
    {"handlers", true, false},
    {"json", false, false},
    {"help", false, false},
}};

const OptionSpec* find_option(std::string_view name, const CommandSpec* command) {
  auto same = [&](const OptionSpec& o) { return o.name == name; };
  if (auto it = std::ranges::find_if(kGlobal, same); it != kGlobal.end()) return &*it;
  if (command != nullptr) {
    if (auto it = std::ranges::find_if(command->options, same); it != command->options.end()) {
      return &*it;
    }
  }
  return nullptr;
}

}  // namespace

std::span<const OptionSpec> global_options() { return kGlobal; }

Result<Arguments> Arguments::parse(std::span<const std::string_view> argv,
                                   std::span<const CommandSpec> commands) {
  Arguments out;
  const CommandSpec* command = nullptr;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    std::string_view arg = argv[i];
    if (arg.size() > 2 && arg.substr(0, 2) == "--") {
      std::string_view name = arg.substr(2);
      std::optional<std::string_view> inline_value;
      if (auto eq = name.find('='); eq != std::string_view::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      // Before the command word only the global options are known.
      const OptionSpec* spec = find_option(name, command);
      if (spec == nullptr) {
        return invalid_input(command == nullptr
                                 ? fmt::format("unknown option '--{}'", name)
                                 : fmt::format("unknown option '--{}' for '{}'; usage: {}", name,
                                               command->name, command->usage));
      }
      std::string value;
      if (spec->takes_value) {
        if (inline_value) {
          value = std::string{*inline_value};
        } else if (i + 1 < argv.size()) {
          value = std::string{argv[++i]};
        } else {
          return invalid_input(fmt::format("option '--{}' needs a value", name));
        }
      } else if (inline_value) {
        return invalid_input(fmt::format("option '--{}' takes no value", name));
      }
      if (!spec->repeatable && out.values_.count(name) > 0) {
        return invalid_input(fmt::format("option '--{}' given twice", name));
      }
      out.values_.emplace(std::string{name}, std::move(value));
    } else if (command == nullptr) {
      auto it = std::ranges::find_if(commands, [&](const CommandSpec& c) { return c.name == arg; });
      if (it == commands.end()) return invalid_input(fmt::format("unknown command '{}'", arg));
      command = &*it;
      out.command_ = std::string{arg};
    } else {
      out.positional_.emplace_back(arg);
    }
  }
  if (command != nullptr) {
    std::size_t n = out.positional_.size();
    if (n < command->min_positional || n > command->max_positional) {
      return invalid_input(fmt::format("wrong number of arguments; usage: {}", command->usage));
    }
  }
  return out;  // without a command word the caller prints help or the version
}

std::optional<std::string> Arguments::get(std::string_view option) const {
  auto it = values_.find(option);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Arguments::all(std::string_view option) const {
  std::vector<std::string> out;
  auto [first, last] = values_.equal_range(option);
  for (auto it = first; it != last; ++it) out.push_back(it->second);
  return out;
}

}  // namespace crmflow::cli
