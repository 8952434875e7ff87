#include <iostream>

#include "crmflow/engine.hpp"
#include "crmflow/memory_store.hpp"

int main() {
  auto loaded = crmflow::load_process(R"(
process: welcome-call
steps:
  - {id: call, type: user, candidates: {groups: [sales]}, next: done}
  - {id: done, type: end}
)", "welcome-call.yaml");
  crmflow::MemoryStore store;
  crmflow::MemoryDirectory users;
  users.add_user("lena", {"sales"});
  crmflow::Engine engine{store, {.directory = &users}};
  if (!loaded.ok() || !engine.deploy(loaded.process)) return 1;
  auto id = engine.start("welcome-call", {.key = "C-1"});
  auto worklist = engine.tasks({.user = "lena"});  // lena's kartable
  for (const crmflow::Task& task : *worklist) {
    if (!engine.complete(task.id, {.by = "lena"})) return 1;
  }
  std::cout << crmflow::to_string(engine.get_case(*id)->status) << '\n';  // completed
}
