// A tiny host, built by the package tests against an installed crmflow (find_package and
// pkg-config) and against its source tree (add_subdirectory). It deploys a one-task process on a
// MemoryStore, starts a case, completes the task and prints the case's status: what every host
// does first, so a package that cannot do it is broken.
#include <iostream>

#include "crmflow/directory.hpp"
#include "crmflow/engine.hpp"
#include "crmflow/memory_store.hpp"
#include "crmflow/process.hpp"

namespace {

constexpr const char* kProcess = R"(
process: welcome-call
steps:
  - id: call
    type: user
    name: Welcome call
    candidates: {groups: [sales]}
  - id: done
    type: end
)";

int fail(const char* what, const crmflow::Error& error) {
  std::cerr << what << ": " << error.message << '\n';
  return 1;
}

}  // namespace

int main() {
  crmflow::LoadOutcome loaded = crmflow::load_process(kProcess, "welcome-call.yaml");
  if (!loaded.ok()) {
    for (const auto& d : loaded.diagnostics) std::cerr << d.format() << '\n';
    return 1;
  }
  crmflow::MemoryStore store;
  crmflow::MemoryDirectory users;
  users.add_user("lena", {"sales"});
  crmflow::Engine engine{store, {.directory = &users}};

  if (auto deployed = engine.deploy(loaded.process); !deployed)
    return fail("deploy", deployed.error());
  auto id = engine.start("welcome-call", {.key = "C-1"});
  if (!id) return fail("start", id.error());
  auto tasks = engine.tasks({.user = "lena"});
  if (!tasks) return fail("tasks", tasks.error());
  if (tasks->size() != 1) {
    std::cerr << "expected one task on lena's worklist, got " << tasks->size() << '\n';
    return 1;
  }
  if (auto done = engine.complete(tasks->front().id, {.by = "lena"}); !done)
    return fail("complete", done.error());
  auto ended = engine.get_case(*id);
  if (!ended) return fail("get_case", ended.error());
  std::cout << "case " << ended->key << " " << crmflow::to_string(ended->status) << '\n';
  return ended->status == crmflow::CaseStatus::completed ? 0 : 1;
}
