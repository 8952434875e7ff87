// The typed readers of the compiler: each checks one field, reports what is wrong at the place it
// was written, and returns nothing so that the caller goes on.
#include <fmt/format.h>

#include "expr/expression.hpp"
#include "expr/template.hpp"
#include "model/compile.hpp"

namespace crmflow::model {
namespace {

// Text usable as an expression: any non-null scalar (`when: true` is the expression `true`).
std::optional<std::string> expression_text(const YamlNode& node) {
  if (!is_scalar(node)) return std::nullopt;
  const Value value = yaml::value_of(node);
  if (value.is_bool()) return value.as_bool() ? "true" : "false";
  return yaml::scalar_text(node);
}

}  // namespace

expr::ParseLimits Compiler::parse_limits() const {
  return expr::ParseLimits{.max_text_bytes = limits_.max_expression_bytes,
                           .max_depth = limits_.max_expression_depth};
}

void Compiler::error(SourceLocation at, std::string message) {
  out_.push_back(Diagnostic{definition_.source_file, at.line, at.column, std::move(message)});
}

std::optional<Duration> Compiler::read_duration(const YamlNode& node, std::string_view owner,
                                                std::string_view field, bool allow_zero) {
  yaml::DurationRules rules;
  rules.allow_zero = allow_zero;
  return fields_.duration(node, owner, field, rules);
}

ExpressionPtr Compiler::read_expression(const YamlNode& node, std::string_view owner,
                                        std::string_view field) {
  auto text = expression_text(node);
  if (!text) {
    error(node, fmt::format("{}: '{}' must be an expression (text), not {}", owner, field,
                            describe(node)));
    return nullptr;
  }
  // An `=` in front is the habit of value fields; it means the same here.
  std::size_t skip = 0;
  if (!text->empty() && text->front() == '=') skip = 1;
  auto compiled = expr::Expression::compile(std::string_view{*text}.substr(skip), parse_limits());
  if (!compiled) {
    error(where_in(node, skip + compiled.error().column - 1),
          fmt::format("{}: bad expression in '{}': {}", owner, field, compiled.error().message));
    return nullptr;
  }
  return std::make_shared<const expr::Expression>(std::move(compiled).value());
}

TemplatePtr Compiler::read_template(const YamlNode& node, std::string_view owner,
                                    std::string_view field) {
  auto text = fields_.text(node, owner, field);
  if (!text) return nullptr;
  auto compiled = expr::Template::compile(*text, parse_limits());
  if (!compiled) {
    error(where_in(node, compiled.error().column - 1),
          fmt::format("{}: bad {{{{ }}}} expression in '{}': {}", owner, field,
                      compiled.error().message));
    return nullptr;
  }
  return std::make_shared<const expr::Template>(std::move(compiled).value());
}

std::optional<ValueSource> Compiler::read_value_source(const YamlNode& node, std::string_view owner,
                                                       std::string_view field) {
  ValueSource source;
  source.literal = yaml::value_of(node);
  if (!source.literal.is_string() || source.literal.as_string().empty() ||
      source.literal.as_string().front() != '=') {
    return source;
  }
  const std::string& text = source.literal.as_string();
  auto compiled = expr::Expression::compile(std::string_view{text}.substr(1), parse_limits());
  if (!compiled) {
    error(where_in(node, compiled.error().column),
          fmt::format("{}: bad expression in '{}': {}", owner, field, compiled.error().message));
    return std::nullopt;
  }
  source.expression = std::make_shared<const expr::Expression>(std::move(compiled).value());
  source.literal = Value{};
  return source;
}

std::optional<std::vector<Assignment>> Compiler::read_assignments(const YamlNode& node,
                                                                  std::string_view owner,
                                                                  std::string_view field) {
  if (!fields_.expect_map(node, owner, field)) return std::nullopt;
  std::vector<Assignment> out;
  bool ok = true;
  for (const YamlEntry& entry : entries(node)) {
    const std::string_view name = entry.key;
    const bool bad_name = name.empty() || name.front() == '.' || name.back() == '.' ||
                          name.find("..") != std::string_view::npos;
    if (bad_name) {
      error(entry.key_where, fmt::format("{}: '{}' has a bad variable name '{}': write a name or "
                                         "a dotted path such as customer.phone",
                                         owner, field, name));
      ok = false;
      continue;
    }
    auto value = read_value_source(*entry.value, owner, fmt::format("{}.{}", field, name));
    if (!value) {
      ok = false;
      continue;
    }
    out.push_back(Assignment{std::string{name}, std::move(*value)});
  }
  if (!ok) return std::nullopt;
  return out;
}

std::vector<TemplatePtr> Compiler::read_template_list(const YamlNode& node, std::string_view owner,
                                                      std::string_view field) {
  std::vector<TemplatePtr> out;
  if (!fields_.expect_list(node, owner, field)) return out;
  for (const YamlNode* item : items(node)) {
    if (TemplatePtr t = read_template(*item, owner, field)) out.push_back(std::move(t));
  }
  return out;
}

Deadline Compiler::read_deadline(const YamlNode& node, std::string_view owner) {
  Deadline deadline;
  const Value value = is_scalar(node) ? yaml::value_of(node) : Value{};
  if (value.is_string() && !value.as_string().empty() && value.as_string().front() == '=') {
    auto source = read_value_source(node, owner, "due");
    if (source) deadline.at = source->expression;
    return deadline;
  }
  deadline.after = read_duration(node, owner, "due", true);
  return deadline;
}

}  // namespace crmflow::model
