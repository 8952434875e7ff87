// The `writer` mode: a stream of starts and completions, each acknowledged on standard output
// only after the engine call returned ok (that is, after its commit).
#include <iostream>
#include <string>

#include "crmflow/process.hpp"
#include "driver.hpp"

namespace crmflow::durability {
namespace {

constexpr std::string_view kWriter = "writer";

int refused(std::string_view what, const Error& error) {
  std::cerr << "durability_driver writer: " << what << " refused: " << to_string(error) << '\n';
  return 1;
}

}  // namespace

int run_writer(const WriterOptions& options) {
  auto harness = Harness::open(options.path, {std::string{kWriter}});
  if (!harness) return refused("open '" + options.path + "'", harness.error());
  Engine& engine = (*harness)->engine();

  LoadOutcome loaded = load_process(process_text(), "durability.yaml");
  if (!loaded.ok()) {
    for (const Diagnostic& d : loaded.diagnostics) std::cerr << d.format() << '\n';
    return 1;
  }
  auto deployed = engine.deploy(loaded.process);
  if (!deployed) return refused("deploy", deployed.error());
  emit("deployed " + std::to_string(deployed->version));

  for (long i = 0; i < options.cases; ++i) {
    const std::string key = options.prefix + "-" + std::to_string(i);
    auto id = engine.start(kProcessId, {.key = key, .by = std::string{kWriter}});
    if (!id) return refused("start of " + key, id.error());
    emit("started " + key + " " + std::to_string(*id));
    if (options.leave_open) continue;

    auto tasks = engine.tasks({.case_id = *id});
    if (!tasks) return refused("tasks of case " + std::to_string(*id), tasks.error());
    if (tasks->size() != 2) {
      std::cerr << "durability_driver writer: case " << *id << " has " << tasks->size()
                << " open tasks right after its start; expected 2 (" << kFirstStep << ", "
                << kSecondStep << ")\n";
      return 1;
    }
    for (const Task& task : *tasks) {
      Status done = engine.complete(task.id, {.by = std::string{kWriter}});
      if (!done) return refused("completion of task " + std::to_string(task.id), done.error());
      emit("completed " + std::to_string(task.id) + " " + std::to_string(*id) + " " +
           std::string{kWriter});
    }
  }
  emit("done");
  return 0;
}

}  // namespace crmflow::durability
