// crmflow::expr: compiled expressions of the process language (docs/expressions.md).
//
// An expression is parsed and checked once (at load time) and evaluated many times against a
// case's variables. Compiling resolves built-in functions to ids, checks their arity, folds
// constant sub-expressions and produces a flat program; evaluation runs that program on a small
// value stack, never re-parses, and is bounded in steps and in the size of what it builds.
//
//   auto compiled = crmflow::expr::Expression::compile("cost > 2000000 and lower(reply) =
//   \"yes\""); if (!compiled) report(compiled.error().column, compiled.error().message);
//   crmflow::expr::ValueScope vars{case_variables};
//   crmflow::expr::Context ctx{.now = clock.now(), .zone = calendar_zone};
//   crmflow::Result<bool> take = compiled->evaluate_condition(vars, ctx);
//
// Thread safety: an Expression is immutable; any number of threads may evaluate it at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "crmflow/error.hpp"
#include "crmflow/time.hpp"
#include "crmflow/value.hpp"
#include "expr/scope.hpp"

namespace date {
class time_zone;
}  // namespace date

namespace crmflow::expr {

// Where and why a text did not compile. `column` is 1-based and counts characters (UTF-8 code
// points) from the start of the text given to compile(), so Persian text before the error does
// not shift it; the loader adds the position of that text in its file.
struct ParseError {
  std::size_t column = 1;
  std::string message;

  friend bool operator==(const ParseError&, const ParseError&) = default;
};

// A compiled T, or the ParseError that prevented it.
template <class T>
class [[nodiscard]] ParseResult {
 public:
  ParseResult(T value) : state_(std::in_place_index<0>, std::move(value)) {}           // NOLINT
  ParseResult(ParseError error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  // REQUIRES: ok()
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  // REQUIRES: !ok()
  const ParseError& error() const& { return std::get<1>(state_); }

 private:
  std::variant<T, ParseError> state_;
};

// Bounds checked while compiling. Texts longer than max_text_bytes and nesting (brackets,
// parentheses, unary operators, if/then/else) deeper than max_depth are refused with a ParseError.
struct ParseLimits {
  std::size_t max_text_bytes = 64 * 1024;
  std::size_t max_depth = 200;
};

// Bounds checked while evaluating. A step is one operation of the program, plus one for every
// 64 bytes or elements a built-in walks; exceeding any bound is an invalid_input error naming it.
struct EvalLimits {
  std::uint64_t max_steps = 100'000;
  std::size_t max_string_bytes = 1024 * 1024;  // of any string the expression builds
  std::size_t max_list_size = 100'000;         // elements of any list or object it builds
  // Of the text a template renders (all its parts together); a template is also bound by
  // max_string_bytes, whichever is smaller. Checked as the text grows, so that an over-long
  // text is refused before it is built.
  std::size_t max_output_bytes = 1024 * 1024;
};

// What an evaluation may read besides variables: the case's clock and time zone.
struct Context {
  // The moment now() returns and today() is taken from (the case's clock; the firing job's due
  // moment while a job fires).
  Instant now{};
  // Time zone of dates without a zone: today(), date ± duration across DST, datetime(text)
  // without an offset, format_date of a datetime. nullptr means UTC.
  const date::time_zone* zone = nullptr;
  EvalLimits limits{};
};

// A variable path the expression reads: its root name and the static part of the path as written
// (`customer.phone`, `items[0].price`; a computed index ends the static part: `items[i]` gives
// `items`). `column` is where the path starts in the expression text (1-based, characters).
struct ReadPath {
  std::string root;
  std::string path;
  std::size_t column = 1;

  friend bool operator==(const ReadPath&, const ReadPath&) = default;
};

struct Program;  // internal: the compiled form (expr/program.hpp)

class Expression {
 public:
  // Compiles `text`. Errors: syntax, unknown function, wrong number of arguments, a text or a
  // nesting beyond `limits`: each with its column.
  static ParseResult<Expression> compile(std::string_view text, const ParseLimits& limits = {});
  // As compile(), for a text that starts `column_offset` characters into a longer text (a
  // value field after its `=`): ParseError and ReadPath columns count from that text's start.
  static ParseResult<Expression> compile_at(std::string_view text, std::size_t column_offset,
                                            const ParseLimits& limits = {});

  // The value of the expression. Errors (all ErrorCode::invalid_input): a type error naming the
  // operator or function and the kinds involved, or a limit of ctx.limits that was exceeded.
  // A missing variable or path is null, never an error.
  Result<Value> evaluate(const Scope& scope, const Context& ctx) const;

  // As evaluate(), for conditions (`when`, `complete_when`): null counts as false; any other
  // non-boolean value is an invalid_input error.
  Result<bool> evaluate_condition(const Scope& scope, const Context& ctx) const;

  // The text it was compiled from.
  const std::string& text() const;
  // Every variable path it reads, in the order written (duplicates kept once).
  const std::vector<ReadPath>& reads() const;
  // Whether its value does not depend on variables or the clock (it was folded to a constant).
  bool is_constant() const;

 private:
  explicit Expression(std::shared_ptr<const Program> program) : program_(std::move(program)) {}
  std::shared_ptr<const Program> program_;
};

}  // namespace crmflow::expr
