// The loader: YAML text in, a compiled Definition and every problem out.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "crmflow/diagnostic.hpp"
#include "crmflow/process.hpp"
#include "model/compile.hpp"
#include "model/definition.hpp"

namespace crmflow::model {

struct LoadResult {
  std::shared_ptr<const Definition> definition;  // null when diagnostics is not empty
  std::vector<Diagnostic> diagnostics;           // sorted by line, then column
};

// Reads `text` (named `file_name` in diagnostics) and compiles it: YAML syntax, every field rule
// of spec/process-language.md, then the graph rules (check_graph) when the steps and flows are
// whole. What passes a bound of options.limits (DefinitionLimits) is refused with a diagnostic
// naming the limit.
LoadResult load_definition(std::string_view text, std::string_view file_name,
                           const LoadOptions& options);

}  // namespace crmflow::model
