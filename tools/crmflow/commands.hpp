// The commands of `crmflow`: their option tables and their entry points.
#pragma once

#include <cstdio>
#include <span>
#include <string_view>

#include "arguments.hpp"

namespace crmflow::cli {

inline constexpr std::string_view kVersion = "0.1.0";
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

// Every command the runner knows, for Arguments::parse.
std::span<const CommandSpec> command_specs();

// Runs a parsed command; returns the process exit code.
int run_command(const Arguments& args);

void print_help(std::FILE* out);

}  // namespace crmflow::cli
