// The loader's driver: bounds, YAML, canonical form, compile, graph rules, ordering.
#include "model/loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "model/canonical.hpp"
#include "model/graph_check.hpp"
#include "model/loader_yaml.hpp"
#include "yaml/reader.hpp"
#include "yaml/schema.hpp"

namespace crmflow::model {
namespace {

// yaml::parse reports its one problem as "FILE:LINE:COL: error: WHAT"; take the place back out.
Diagnostic from_yaml_error(const Error& error, std::string_view file_name) {
  std::string_view text = error.message;
  Diagnostic d{std::string{file_name}, 0, 0, error.message};
  if (text.substr(0, file_name.size()) != file_name) return d;
  text.remove_prefix(file_name.size());
  auto number = [&](std::uint32_t& out) {
    if (text.empty() || text.front() != ':') return false;
    text.remove_prefix(1);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec != std::errc{}) return false;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    return true;
  };
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  const bool placed = number(line) && number(column);
  constexpr std::string_view kError = ": error: ";
  if (!placed) {
    if (text.substr(0, kError.size()) == kError)
      d.message = std::string{text.substr(kError.size())};
    return d;
  }
  if (text.substr(0, kError.size()) != kError) return d;
  d.line = line;
  d.column = column;
  d.message = std::string{text.substr(kError.size())};
  return d;
}

std::string mebibytes(std::size_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

}  // namespace

LoadResult load_definition(std::string_view text, std::string_view file_name,
                           const LoadOptions& options, const LoadLimits& limits) {
  LoadResult result;
  auto& out = result.diagnostics;
  if (text.size() > limits.max_bytes) {
    out.push_back(
        Diagnostic{std::string{file_name}, 0, 0,
                   fmt::format("the definition is {} ({} bytes); the limit is {}: split "
                               "it into processes linked by 'call' steps",
                               mebibytes(text.size()), text.size(), mebibytes(limits.max_bytes))});
    return result;
  }
  Result<yaml::Document> document = yaml::parse(text, file_name);
  if (!document) {
    out.push_back(from_yaml_error(document.error(), file_name));
    return result;
  }

  const YamlNode& root = document->root();
  Result<Value> document_value = yaml::to_value(root);
  if (!document_value) out.push_back(from_yaml_error(document_value.error(), file_name));

  auto definition = std::make_shared<Definition>();
  definition->source_file = std::string{file_name};
  Compiler compiler{*definition, options, limits, out};
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
