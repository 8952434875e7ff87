// crmflow::expr internal: the parser, which checks the syntax and emits the program as it goes
// (operands before their operator), folding constant operations on the way.
//
// Precedence climbing keeps left operands in a loop, so `a + b + c + ...` does not recurse;
// everything that does nest (brackets, prefix operators, right operands, `if`) passes enter(),
// which refuses nesting beyond ParseLimits::max_depth before the stack could run out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/value.hpp"
#include "expr/eval_state.hpp"
#include "expr/expression.hpp"
#include "expr/lexer.hpp"
#include "expr/program.hpp"

namespace crmflow::expr {

inline constexpr std::size_t kNoPath = static_cast<std::size_t>(-1);

// Binding strength of the binary operators; `not` binds between `and` and comparison.
inline constexpr int kOr = 1;
inline constexpr int kAnd = 2;
inline constexpr int kNot = 3;
inline constexpr int kCompare = 4;
inline constexpr int kAdditive = 5;
inline constexpr int kMultiplicative = 6;

// Where an operand's code starts, and whether it is a plain variable path (for is_defined and
// for the list of reads).
struct Operand {
  std::size_t start = 0;
  bool is_path = false;
  std::size_t read = kNoPath;  // index in program.reads while the path is still static
};

// Parses one expression text into `program` (which must be empty). One use per Parser.
class Parser {
 public:
  Parser(std::string_view text, const ParseLimits& limits, std::size_t column_offset,
         Program& program)
      : text_(text), limits_(limits), offset_(column_offset), program_(program), lexer_(text) {}

  // Parses the whole text; the first error, or nullopt when `program` is complete.
  std::optional<ParseError> run();

 private:
  // Tokens. fail() records the first error (at the token's column) and returns false;
  // advance() moves to the next token, turning a lexer error into the parse error.
  std::size_t column(const Token& t) const { return t.column + offset_; }
  bool fail(const Token& at, std::string message);
  std::string describe_token(const Token& t) const;
  void advance();
  TokenKind peek_kind() const;
  bool expect(TokenKind kind, std::string_view what);
  static bool starts_value(TokenKind kind);
  static bool is_keyword(TokenKind kind);
  // Counts one level of nesting; false (and an error) beyond limits_.max_depth. The caller
  // undoes it with --depth_ when the nested part is done.
  bool enter();

  // Code. emit() appends an instruction and returns its index.
  std::size_t emit(Op op, std::uint32_t a, std::uint32_t b, std::size_t col);
  void push_constant(Value v, std::size_t col);
  std::uint32_t intern_name(const std::string& name);
  // The values when the code from `start` on is exactly `count` constants (code left in place).
  std::optional<std::vector<Value>> take_constants(std::size_t start, std::size_t count);
  // Replaces the code from `start` on (possibly none) by one constant.
  void replace_with_constant(std::size_t start, Value v, std::size_t col);
  // Appends `[index]` to the operand's static path when the index is a constant, else ends it.
  void extend_read(Operand& operand, const Operand& index);

  // Grammar (docs/expressions.md, "Grammar"). Each returns the operand it emitted, or nullopt
  // after an error. binary := unary (op binary)* by precedence climbing; prefix `not` binds
  // looser than comparison. Left operands are parsed in the loop, so chains do not recurse.
  std::optional<Operand> parse_binary(int min_precedence);
  std::optional<Operand> parse_unary();
  std::optional<Operand> parse_postfix();
  std::optional<Operand> parse_primary();
  std::optional<Operand> parse_variable();
  // Parses `( value, ... )` up to and including ')', appending the arguments' code.
  std::optional<std::vector<Operand>> parse_arguments(const std::string& callee);
  std::optional<Operand> parse_call();
  std::optional<Operand> parse_list();
  std::optional<Operand> parse_object();
  std::optional<Operand> parse_if();

  // Emits `op` over the operands from `start` on, folding it when they are all constants and
  // applying it succeeds (a failing constant operation stays, to fail when evaluated).
  template <class Apply>
  void emit_folding(std::size_t start, std::size_t count, Op op, std::uint32_t a, std::uint32_t b,
                    std::size_t col, Apply apply) {
    if (auto values = take_constants(start, count)) {
      Context ctx;
      EvalState state{ctx};
      Value folded = apply(std::span<const Value>{*values}, state);
      if (!state.failed()) {
        const std::size_t first_column =
            start < program_.code.size() ? program_.code[start].column : col;
        replace_with_constant(start, std::move(folded), first_column);
        return;
      }
    }
    emit(op, a, b, col);
  }

  std::string_view text_;
  const ParseLimits& limits_;
  std::size_t offset_;
  Program& program_;
  Lexer lexer_;
  Token cur_;
  TokenKind prev_kind_ = TokenKind::end;
  std::string prev_text_;
  std::size_t depth_ = 0;
  std::optional<ParseError> error_;
};

}  // namespace crmflow::expr
