// Fuzz target: the YAML process loader (crmflow::load_process) on arbitrary bytes.
//
// Every input must give either a Process or diagnostics, never a crash, a hang or a leak; and
// a loaded Process must be drawable (the drawings walk every compiled step and flow).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crmflow/process.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  // The default limits: what a host gets without asking.
  crmflow::LoadOutcome outcome = crmflow::load_process(text, "fuzz.yaml");
  if (outcome.ok()) {
    (void)crmflow::draw_process(*outcome.process, crmflow::GraphFormat::dot);
    (void)crmflow::draw_process(*outcome.process, crmflow::GraphFormat::mermaid);
  } else {
    for (const crmflow::Diagnostic& d : outcome.diagnostics) (void)d.format();
  }
  return 0;
}
