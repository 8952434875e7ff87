// crmflow deploy FILE...: every file is loaded and checked before anything is deployed, so a
// refused deploy leaves the store as it was. With --calendars, every `calendar:` a definition
// names must be one of the file's calendars.
#include <fmt/core.h>

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "commands.hpp"
#include "crmflow/calendar.hpp"
#include "crmflow/process.hpp"
#include "session.hpp"
#include "store_commands.hpp"

namespace crmflow::cli {
namespace {

struct Loaded {
  std::string file;
  std::shared_ptr<const Process> process;
};

// What Engine::deploy would refuse with `conflict`, asked of the store before the first deploy so
// that one bad file among several deploys none. The engine checks again on each deploy.
Status check_versions(Store& store, const Loaded& loaded) {
  const Process& process = *loaded.process;
  const auto declared = process.declared_version();
  if (!declared) return {};
  auto existing = store.definition(process.id(), *declared);
  if (!existing) return std::move(existing).error();
  if (existing->has_value() && (*existing)->content_hash != process.content_hash()) {
    return conflict(fmt::format(
        "{}: process '{}' version {} is already deployed with other content; give the new "
        "content another `version`",
        loaded.file, process.id(), *declared));
  }
  auto latest = store.latest_definition(process.id());
  if (!latest) return std::move(latest).error();
  if (!existing->has_value() && latest->has_value() && (*latest)->version > *declared) {
    return conflict(fmt::format(
        "{}: process '{}' version {} is older than the latest deployed version {}; give a "
        "higher `version`",
        loaded.file, process.id(), *declared, (*latest)->version));
  }
  return {};
}

}  // namespace

int run_deploy(const Arguments& args) {
  // The calendars first: with --calendars, a definition naming another calendar is refused at
  // its place in the file (LoadOptions::calendars), and nothing is deployed.
  std::optional<Calendars> calendars;
  if (const auto path = args.get("calendars")) {
    CalendarsOutcome read = Calendars::load_file(*path);
    if (!read.ok()) {
      return fail_with_diagnostics(
          args,
          invalid_input(fmt::format("{} problem{} in the calendars file {}; nothing was deployed",
                                    read.diagnostics.size(),
                                    read.diagnostics.size() == 1 ? "" : "s", *path)),
          read.diagnostics);
    }
    calendars = read.calendars;
  }
  LoadOptions load_options;
  if (calendars) load_options.calendars = calendars->names();

  std::vector<Loaded> loaded;
  std::vector<Diagnostic> problems;
  std::map<std::string, std::string, std::less<>> file_of;  // process id -> the file giving it
  for (const std::string& path : args.positional()) {
    LoadOutcome outcome = load_process_file(path, load_options);
    problems.insert(problems.end(), outcome.diagnostics.begin(), outcome.diagnostics.end());
    if (!outcome.ok()) continue;
    const std::string& id = outcome.process->id();
    if (auto [it, added] = file_of.emplace(id, path); !added) {
      problems.push_back(Diagnostic{
          path, 0, 0,
          fmt::format("process '{}' is also given by {}: deploy one version of a process at a time",
                      id, it->second)});
      continue;
    }
    loaded.push_back({path, std::move(outcome.process)});
  }
  if (!problems.empty()) {
    return fail_with_diagnostics(
        args,
        invalid_input(fmt::format("{} problem{} in the definitions; nothing was deployed",
                                  problems.size(), problems.size() == 1 ? "" : "s")),
        problems);
  }

  auto session = Session::open(args, SessionOptions{.now = std::nullopt, .calendars = calendars});
  if (!session) return fail(args, session.error());
  for (const Loaded& item : loaded) {
    if (auto s = check_versions((*session)->store(), item); !s) return fail(args, s.error());
  }
  Value::List deployed;
  for (const Loaded& item : loaded) {
    auto deployment = (*session)->engine().deploy(item.process);
    if (!deployment) return fail(args, deployment.error());
    if (!(*session)->json()) {
      fmt::print("{} version {} ({})\n", deployment->process_id, deployment->version,
                 deployment->changed ? "new" : "unchanged");
    }
    deployed.emplace_back(Value::Object{{"process", deployment->process_id},
                                        {"version", deployment->version},
                                        {"changed", deployment->changed}});
  }
  if ((*session)->json()) print_json(Value::Object{{"deployed", std::move(deployed)}});
  return kExitOk;
}

}  // namespace crmflow::cli
