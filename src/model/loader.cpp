// The loader's driver: bounds, YAML, canonical form, compile, graph rules, ordering.
#include "model/loader.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "model/canonical.hpp"
#include "model/graph_check.hpp"
#include "model/loader_yaml.hpp"
#include "value/utf8.hpp"
#include "yaml/reader.hpp"
#include "yaml/schema.hpp"

namespace crmflow::model {
namespace {

std::string mebibytes(std::size_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

}  // namespace

LoadResult load_definition(std::string_view text, std::string_view file_name,
                           const LoadOptions& options) {
  LoadResult result;
  auto& out = result.diagnostics;
  const DefinitionLimits& limits = options.limits;
  if (text.size() > limits.max_bytes) {
    // At the first byte past the limit: where the file would have to end.
    const text::TextPosition at = text::position_of(text, limits.max_bytes);
    out.push_back(Diagnostic{
        std::string{file_name}, at.line, at.column,
        fmt::format("the definition is {} ({} bytes); the limit is {} (max_bytes = {}): split "
                    "it into processes linked by 'call' steps",
                    mebibytes(text.size()), text.size(), mebibytes(limits.max_bytes),
                    limits.max_bytes)});
    return result;
  }
  const yaml::Limits yaml_limits{.max_alias_nodes = limits.max_alias_nodes,
                                 .max_depth = limits.max_yaml_depth};
  std::optional<yaml::Document> document = yaml::parse(text, file_name, out, yaml_limits);
  if (!document) return result;

  const YamlNode& root = document->root();
  std::optional<Value> document_value = yaml::to_value(root, out);

  auto definition = std::make_shared<Definition>();
  definition->source_file = std::string{file_name};
  Compiler compiler{*definition, options, out};
  compiler.compile(root);
  if (compiler.graph_usable() && !definition->steps.empty()) check_graph(*definition, out);

  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  if (!out.empty()) return result;

  CanonicalForm canonical = canonical_form(*document_value);
  definition->canonical = std::move(canonical.text);
  definition->content_hash = std::move(canonical.hash);
  result.definition = std::move(definition);
  return result;
}

}  // namespace crmflow::model
