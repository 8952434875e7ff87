// The typed readers of the compiler: each checks one field, reports what is wrong at the place it
// was written, and returns nothing so that the caller goes on.
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "expr/expression.hpp"
#include "expr/template.hpp"
#include "model/compile.hpp"
#include "model/fields.hpp"
#include "time/iso8601.hpp"

namespace crmflow::model {
std::string describe(const YamlNode& node) {
  if (is_map(node)) return "a map";
  if (is_list(node)) return "a list";
  const Value value = value_of(node);
  switch (value.kind()) {
    case Value::Kind::null:
      return "nothing";
    case Value::Kind::boolean:
      return value.as_bool() ? "true" : "false";
    case Value::Kind::integer:
      return std::to_string(value.as_integer());
    case Value::Kind::number:
      return fmt::format("{}", value.as_double());
    case Value::Kind::string: {
      std::string text = value.as_string();
      if (text.size() > 60) text = text.substr(0, 57) + "...";
      std::string out = "\"";
      for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c == '\n' ? ' ' : c;
      }
      return out + "\"";
    }
    default:
      return std::string{value.kind_name()};
  }
}

namespace {

bool looks_like_yaml11_bool(const std::string& text) {
  static constexpr std::string_view kWords[] = {"yes",  "no",    "on",   "off",   "y",   "n",
                                                "True", "False", "TRUE", "FALSE", "Yes", "No"};
  return std::find(std::begin(kWords), std::end(kWords), text) != std::end(kWords);
}

// Text of a scalar usable where text is expected: strings, and numbers written as such.
std::optional<std::string> scalar_text(const YamlNode& node) {
  if (!is_scalar(node)) return std::nullopt;
  const Value value = value_of(node);
  if (value.is_string()) return value.as_string();
  if (value.is_integer()) return std::to_string(value.as_integer());
  if (value.is_double()) return fmt::format("{}", value.as_double());
  return std::nullopt;
}

// Text usable as an expression: any non-null scalar (`when: true` is the expression `true`).
std::optional<std::string> expression_text(const YamlNode& node) {
  if (!is_scalar(node)) return std::nullopt;
  const Value value = value_of(node);
  if (value.is_bool()) return value.as_bool() ? "true" : "false";
  return scalar_text(node);
}

}  // namespace

void Compiler::error(SourceLocation at, std::string message) {
  out_.push_back(Diagnostic{definition_.source_file, at.line, at.column, std::move(message)});
}

void Compiler::check_fields(const YamlNode& map, std::string_view owner,
                            std::span<const std::string_view> allowed) {
  if (!is_map(map)) return;
  for (const YamlEntry& entry : entries(map)) {
    if (std::find(allowed.begin(), allowed.end(), entry.key) != allowed.end()) continue;
    error(entry.key_where, fmt::format("{}: unknown field '{}'{}", owner, entry.key,
                                       did_you_mean(entry.key, allowed)));
  }
}

bool Compiler::expect_map(const YamlNode& node, std::string_view owner, std::string_view field) {
  if (is_map(node)) return true;
  error(node, fmt::format("{}: '{}' must be a map (key: value lines or {{...}}), not {}", owner,
                          field, describe(node)));
  return false;
}

bool Compiler::expect_list(const YamlNode& node, std::string_view owner, std::string_view field) {
  if (is_list(node)) return true;
  error(node, fmt::format("{}: '{}' must be a list ('- ' lines or [...]), not {}", owner, field,
                          describe(node)));
  return false;
}

const YamlNode* Compiler::require(const YamlNode& map, std::string_view owner,
                                  std::string_view field, std::string_view hint) {
  const YamlNode* found = get(map, field);
  if (found == nullptr) {
    error(map,
          fmt::format("{}: '{}' is required{}{}", owner, field, hint.empty() ? "" : ": ", hint));
  }
  return found;
}

std::optional<std::string> Compiler::read_text(const YamlNode& node, std::string_view owner,
                                               std::string_view field) {
  auto text = scalar_text(node);
  if (!text) {
    error(node, fmt::format("{}: '{}' must be text, not {}", owner, field, describe(node)));
  }
  return text;
}

std::optional<std::int64_t> Compiler::read_integer(const YamlNode& node, std::string_view owner,
                                                   std::string_view field, std::int64_t min,
                                                   std::int64_t max) {
  const Value value = is_scalar(node) ? value_of(node) : Value{};
  if (value.is_integer() && value.as_integer() >= min && value.as_integer() <= max) {
    return value.as_integer();
  }
  const std::string range = max == std::numeric_limits<std::int64_t>::max()
                                ? fmt::format("of at least {}", min)
                                : fmt::format("from {} to {}", min, max);
  error(node,
        fmt::format("{}: '{}' must be an integer {}, not {}", owner, field, range, describe(node)));
  return std::nullopt;
}

std::optional<bool> Compiler::read_bool(const YamlNode& node, std::string_view owner,
                                        std::string_view field) {
  const Value value = is_scalar(node) ? value_of(node) : Value{};
  if (value.is_bool()) return value.as_bool();
  const bool yaml11 = value.is_string() && looks_like_yaml11_bool(value.as_string());
  error(node, fmt::format("{}: '{}' must be true or false, not {}{}", owner, field, describe(node),
                          yaml11 ? " (only true and false are booleans in YAML 1.2)" : ""));
  return std::nullopt;
}

std::optional<Duration> Compiler::read_duration(const YamlNode& node, std::string_view owner,
                                                std::string_view field, bool allow_zero) {
  const Value value = is_scalar(node) ? value_of(node) : Value{};
  if (!value.is_string()) {
    error(node, fmt::format("{}: '{}' must be an ISO 8601 duration such as PT30M, PT4H or P2D, "
                            "not {}",
                            owner, field, describe(node)));
    return std::nullopt;
  }
  Result<Duration> parsed = time::parse_duration(value.as_string());
  if (!parsed) {
    error(node, fmt::format("{}: '{}' is not a valid duration: {} (write an ISO 8601 duration "
                            "such as PT30M, PT4H or P2D)",
                            owner, field, parsed.error().message));
    return std::nullopt;
  }
  const Duration d = *parsed;
  if (d.months < 0 || d.days < 0 || d.millis < 0) {
    error(node, fmt::format("{}: '{}' must not be negative, not {}", owner, field, describe(node)));
    return std::nullopt;
  }
  if (!allow_zero && d.is_zero()) {
    error(node,
          fmt::format("{}: '{}' must be longer than zero, not {}", owner, field, describe(node)));
    return std::nullopt;
  }
  return d;
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
  auto compiled = expr::Expression::compile(std::string_view{*text}.substr(skip));
  if (!compiled) {
    error(where_in(node, skip + compiled.error().column - 1),
          fmt::format("{}: bad expression in '{}': {}", owner, field, compiled.error().message));
    return nullptr;
  }
  return std::make_shared<const expr::Expression>(std::move(compiled).value());
}

TemplatePtr Compiler::read_template(const YamlNode& node, std::string_view owner,
                                    std::string_view field) {
  auto text = read_text(node, owner, field);
  if (!text) return nullptr;
  auto compiled = expr::Template::compile(*text);
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
  source.literal = value_of(node);
  if (!source.literal.is_string() || source.literal.as_string().empty() ||
      source.literal.as_string().front() != '=') {
    return source;
  }
  const std::string& text = source.literal.as_string();
  auto compiled = expr::Expression::compile(std::string_view{text}.substr(1));
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
  if (!expect_map(node, owner, field)) return std::nullopt;
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
  if (!expect_list(node, owner, field)) return out;
  for (const YamlNode* item : items(node)) {
    if (TemplatePtr t = read_template(*item, owner, field)) out.push_back(std::move(t));
  }
  return out;
}

std::optional<std::vector<std::string>> Compiler::read_text_list(const YamlNode& node,
                                                                 std::string_view owner,
                                                                 std::string_view field) {
  if (!expect_list(node, owner, field)) return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  for (const YamlNode* item : items(node)) {
    auto text = read_text(*item, owner, field);
    if (text) {
      out.push_back(std::move(*text));
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

Deadline Compiler::read_deadline(const YamlNode& node, std::string_view owner) {
  Deadline deadline;
  const Value value = is_scalar(node) ? value_of(node) : Value{};
  if (value.is_string() && !value.as_string().empty() && value.as_string().front() == '=') {
    auto source = read_value_source(node, owner, "due");
    if (source) deadline.at = source->expression;
    return deadline;
  }
  deadline.after = read_duration(node, owner, "due", true);
  return deadline;
}

}  // namespace crmflow::model
