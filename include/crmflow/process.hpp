// crmflow: loading, checking and drawing process definitions (spec/process-language.md).
//
// Loading reads the YAML, checks every rule of the language (fields, types, expressions, the
// graph of steps) and compiles an immutable Process that any number of cases share. Every problem
// is reported at once, each with its file, line and column.
//
//   auto outcome = crmflow::load_process_file("examples/phone-repair.yaml");
//   if (!outcome.ok()) {
//     for (const auto& d : outcome.diagnostics) std::cerr << d.format() << '\n';
//     return 1;
//   }
//   std::shared_ptr<const crmflow::Process> process = outcome.process;
//   std::cout << crmflow::draw_process(*process, crmflow::GraphFormat::dot);
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/diagnostic.hpp"

namespace crmflow {

namespace model {
struct Definition;
}

// A compiled process definition. Immutable; share it with std::shared_ptr<const Process>.
class Process {
 public:
  explicit Process(std::shared_ptr<const model::Definition> definition);

  const std::string& id() const;
  const std::string& name() const;
  // The `version` label written in the file, if any (the deployed version is the store's).
  std::optional<std::int64_t> declared_version() const;
  // Equal for two files whose content differs only in comments and formatting.
  const std::string& content_hash() const;
  const std::string& source_file() const;
  // The ids of every step, subprocess steps included, in document order.
  std::vector<std::string> step_ids() const;

  // The compiled form, for the runtime (src/model/definition.hpp).
  const model::Definition& definition() const { return *definition_; }
  const std::shared_ptr<const model::Definition>& shared_definition() const { return definition_; }

 private:
  std::shared_ptr<const model::Definition> definition_;
};

// Bounds on what one definition may hold, so that a file from an untrusted or careless hand
// cannot make loading (or the cases that run it) take unbounded time or memory. Each refusal is a
// Diagnostic at the place the bound was passed that names the limit and its value, e.g.
//   big.yaml:3:7: error: process: more than 500 steps (limit max_steps = 500): split the
//   process with 'call' steps
// The defaults suit every process a person writes by hand; raise them for generated files.
//
//   crmflow::LoadOptions options;
//   options.limits.max_steps = 50'000;
//   auto outcome = crmflow::load_process_file("generated.yaml", options);
struct DefinitionLimits {
  // Size of the file's text in bytes (4 MiB).
  std::size_t max_bytes = 4 * 1024 * 1024;
  // Steps, subprocess steps included.
  std::size_t max_steps = 10'000;
  // How deep YAML lists and maps may nest.
  std::size_t max_yaml_depth = 256;
  // YAML nodes that aliases (`*name`) may bring in over the whole file: each use of an alias
  // costs the number of nodes under its anchor. Bounds "billion laughs" files.
  std::size_t max_alias_nodes = 10'000;
  // Length in bytes of one expression: a `when`, a `= value`, one `{{ }}` part of a text.
  std::size_t max_expression_bytes = 64 * 1024;
  // How deep one expression may nest (brackets, parentheses, unary operators, if/then/else).
  std::size_t max_expression_depth = 200;
  // The largest `retries` a service step may ask for.
  std::uint32_t max_retries = 1000;
};

struct LoadOptions {
  // Names of the business calendars the host knows. When set, a `calendar:` naming another is an
  // error; when nullopt, calendar names are not checked at load time.
  std::optional<std::vector<std::string>> calendars;
  // Bounds on the definition; see DefinitionLimits.
  DefinitionLimits limits{};
};

// What loading gives: a process when there is no problem, and every problem found.
struct LoadOutcome {
  std::shared_ptr<const Process> process;  // null when diagnostics is not empty
  std::vector<Diagnostic> diagnostics;     // in file order

  bool ok() const { return process != nullptr; }
};

// Loads a definition from a file. An unreadable file is one diagnostic without a place.
LoadOutcome load_process_file(const std::string& path, const LoadOptions& options = {});
// Loads a definition from text; `file_name` is used in diagnostics only.
LoadOutcome load_process(std::string_view text, std::string_view file_name,
                         const LoadOptions& options = {});

enum class GraphFormat { dot, mermaid };

// Where a case stands and what it passed, to mark on a drawing.
struct CaseMarks {
  std::vector<std::string> active;  // step ids where the case now stands
  // Step ids in the order the case left them, a step once per visit (as Case::path gives them):
  // the flows taken are worked out from this order.
  std::vector<std::string> passed;
};

// The process as a Graphviz dot or Mermaid flowchart text.
std::string draw_process(const Process& process, GraphFormat format,
                         const CaseMarks* marks = nullptr);

}  // namespace crmflow
