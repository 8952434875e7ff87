#include "expr/template.hpp"

#include <utility>

#include "expr/compiler.hpp"
#include "expr/display.hpp"
#include "expr/evaluator.hpp"
#include "expr/lexer.hpp"
#include "expr/text_functions.hpp"
#include "value/utf8.hpp"

namespace crmflow::expr {
namespace {

// Finds the `}}` that closes an expression starting at text[begin] (column `column`), skipping
// string literals and the braces of object literals. Returns its byte offset, or a ParseError.
ParseResult<std::size_t> find_close(std::string_view text, std::size_t begin, std::size_t column,
                                    std::size_t open_column) {
  Lexer lexer{text, begin, column};
  std::size_t depth = 0;
  while (true) {
    Token token = lexer.next();
    switch (token.kind) {
      case TokenKind::error:
        return ParseError{token.column, token.text};
      case TokenKind::end:
        return ParseError{open_column, "'{{' has no closing '}}'"};
      case TokenKind::lbrace:
        ++depth;
        break;
      case TokenKind::rbrace:
        if (depth > 0) {
          --depth;
        } else if (token.begin + 1 < text.size() && text[token.begin + 1] == '}') {
          return token.begin;
        } else {
          return ParseError{token.column, "unexpected '}': close the expression with '}}'"};
        }
        break;
      default:
        break;
    }
  }
}

}  // namespace

ParseResult<Template> Template::compile(std::string_view text, const ParseLimits& limits) {
  Template result;
  result.text_ = std::string{text};
  std::size_t pos = 0;
  std::size_t column = 1;
  while (true) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      result.parts_.push_back(Part{std::string{text.substr(pos)}, nullptr, {}, 0});
      return result;
    }
    const std::string_view literal = text.substr(pos, open - pos);
    const std::size_t open_column = column + text::count_chars(literal);
    const std::size_t begin = open + 2;
    auto close = find_close(text, begin, open_column + 2, open_column);
    if (!close) return close.error();
    const std::string_view source = text.substr(begin, *close - begin);
    auto program = compile_program(source, limits, open_column + 1);
    if (!program) return program.error();
    result.parts_.push_back(Part{std::string{literal}, std::move(program).value(),
                                 std::string{trim_space(source)}, open_column});
    pos = *close + 2;
    column = open_column + 2 + text::count_chars(source) + 2;
  }
}

Result<Rendered> Template::render(const Scope& scope, const Context& ctx) const {
  Rendered rendered;
  const bool output_bound = ctx.limits.max_output_bytes < ctx.limits.max_string_bytes;
  const std::size_t limit =
      output_bound ? ctx.limits.max_output_bytes : ctx.limits.max_string_bytes;
  const std::string_view limit_name = output_bound ? "max_output_bytes" : "max_string_bytes";
  auto append = [&](std::string_view piece) -> Status {
    if (piece.size() > limit - rendered.text.size()) {
      return invalid_input("the template's text grew beyond " + std::to_string(limit) +
                           " bytes (limit " + std::string{limit_name} + " = " +
                           std::to_string(limit) + ")");
    }
    rendered.text.append(piece);
    return {};
  };
  for (const Part& part : parts_) {
    if (Status s = append(part.literal); !s) return std::move(s).error();
    if (!part.program) continue;
    bool missing = false;
    Result<Value> value = run_program(*part.program, scope, ctx, &missing);
    if (!value) {
      Error error = std::move(value).error();
      error.message = "in {{ " + part.expression + " }}: " + error.message;
      return error;
    }
    if (value->is_null()) {
      rendered.gaps.push_back(TemplateGap{part.expression, part.column, missing});
      continue;
    }
    if (Status s = append(display_text(*value)); !s) return std::move(s).error();
  }
  return rendered;
}

bool Template::is_literal() const { return parts_.size() == 1; }

std::vector<ReadPath> Template::reads() const {
  std::vector<ReadPath> all;
  for (const Part& part : parts_) {
    if (!part.program) continue;
    for (const ReadPath& read : part.program->reads) {
      bool seen = false;
      for (const ReadPath& r : all) seen = seen || r.path == read.path;
      if (!seen) all.push_back(read);
    }
  }
  return all;
}

}  // namespace crmflow::expr
