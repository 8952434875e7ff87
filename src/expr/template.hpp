// crmflow::expr: text templates, literal text with `{{ EXPR }}` parts (docs/expressions.md,
// "Templates"). Used for names, assignees, addresses, message texts and message keys.
//
//   auto t = crmflow::expr::Template::compile("{{ customer.name }}، دستگاه شما آماده است");
//   crmflow::Result<crmflow::expr::Rendered> r = t->render(scope, ctx);
//   r->text;   // "Reza، دستگاه شما آماده است"; r->gaps lists parts that were null or missing
//
// Literal text is copied byte for byte. A literal `{{` is written as an expression: `{{ "{{" }}`.
// Thread safety: a Template is immutable; any number of threads may render it at once.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/error.hpp"
#include "expr/expression.hpp"
#include "expr/scope.hpp"

namespace crmflow::expr {

// A `{{ }}` part that rendered as empty text because its value was null.
struct TemplateGap {
  std::string expression;  // the text between the braces, trimmed
  std::size_t column = 1;  // of the `{{` in the template (1-based, characters)
  bool missing = false;    // true: a variable path that does not exist; false: a null value

  friend bool operator==(const TemplateGap&, const TemplateGap&) = default;
};

struct Rendered {
  std::string text;
  std::vector<TemplateGap> gaps;  // in the order of the parts
};

class Template {
 public:
  // Compiles `text`. Errors, with the column in `text`: a `{{` without its `}}`, and any error of
  // an expression inside (its column counted from the start of the template).
  static ParseResult<Template> compile(std::string_view text, const ParseLimits& limits = {});

  // The text with each part replaced by its value as string() shows it (null and missing paths:
  // empty text, reported in `gaps`). Errors: an expression's error (invalid_input, prefixed by
  // the part's text), or a result longer than ctx.limits.max_output_bytes or max_string_bytes.
  Result<Rendered> render(const Scope& scope, const Context& ctx) const;

  // Whether there are no `{{ }}` parts: the text renders as itself.
  bool is_literal() const;
  const std::string& text() const { return text_; }
  // Every variable path the parts read, in order, each once.
  std::vector<ReadPath> reads() const;

 private:
  struct Part {
    std::string literal;                     // text before the expression (or the tail)
    std::shared_ptr<const Program> program;  // null for the tail
    std::string expression;
    std::size_t column = 1;
  };
  std::string text_;
  std::vector<Part> parts_;
};

}  // namespace crmflow::expr
