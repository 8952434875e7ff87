// Fuzz target: the scenario file reader (src/scenario/read_scenario.hpp), reading only: no
// engine runs.
//
// The scenario is named as a file in a folder that does not exist, so that the relative paths
// it names (process files, calendars) are not found; absolute paths are read as any host's
// would be, within the loader's bounds.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/read_scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace crmflow;
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  std::vector<Diagnostic> problems;
  std::optional<scenario::ScenarioFile> file =
      scenario::read_scenario(text, "/nonexistent/crmflow-fuzz/scenario.yaml", problems);
  // Either a file or the reasons there is none.
  if (!file && problems.empty()) __builtin_trap();
  for (const Diagnostic& d : problems) (void)d.format();
  return 0;
}
