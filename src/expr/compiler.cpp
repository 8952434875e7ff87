#include "expr/compiler.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "expr/builtins.hpp"
#include "expr/eval_state.hpp"
#include "expr/lexer.hpp"
#include "expr/operators.hpp"

namespace crmflow::expr {
namespace {

constexpr std::size_t kNoPath = static_cast<std::size_t>(-1);

// Binding strength of the binary operators; `not` binds between `and` and comparison.
constexpr int kOr = 1;
constexpr int kAnd = 2;
constexpr int kNot = 3;
constexpr int kCompare = 4;
constexpr int kAdditive = 5;
constexpr int kMultiplicative = 6;

struct BinaryOp {
  int precedence = 0;  // 0: not a binary operator
  Op op = Op::add;
};

BinaryOp binary_op(TokenKind kind) {
  switch (kind) {
    case TokenKind::kw_or: return {kOr, Op::or_combine};
    case TokenKind::kw_and: return {kAnd, Op::and_combine};
    case TokenKind::equal: return {kCompare, Op::equal};
    case TokenKind::not_equal: return {kCompare, Op::not_equal};
    case TokenKind::less: return {kCompare, Op::less};
    case TokenKind::less_equal: return {kCompare, Op::less_equal};
    case TokenKind::greater: return {kCompare, Op::greater};
    case TokenKind::greater_equal: return {kCompare, Op::greater_equal};
    case TokenKind::kw_in: return {kCompare, Op::in};
    case TokenKind::plus: return {kAdditive, Op::add};
    case TokenKind::minus: return {kAdditive, Op::subtract};
    case TokenKind::star: return {kMultiplicative, Op::multiply};
    case TokenKind::slash: return {kMultiplicative, Op::divide};
    case TokenKind::percent: return {kMultiplicative, Op::modulo};
    default: return {};
  }
}

// Where an operand's code starts, and whether it is a plain variable path (for is_defined and
// for the list of reads).
struct Operand {
  std::size_t start = 0;
  bool is_path = false;
  std::size_t read = kNoPath;  // index in program.reads while the path is still static
};

class Parser {
 public:
  Parser(std::string_view text, const ParseLimits& limits, std::size_t column_offset,
         Program& program)
      : text_(text), limits_(limits), offset_(column_offset), program_(program), lexer_(text) {}

  std::optional<ParseError> run() {
    if (text_.size() > limits_.max_text_bytes) {
      return ParseError{1 + offset_, "the expression is " + std::to_string(text_.size()) +
                                         " bytes long, more than " +
                                         std::to_string(limits_.max_text_bytes) +
                                         " (limit max_text_bytes)"};
    }
    advance();
    if (!error_ && cur_.kind == TokenKind::end) fail(cur_, "the expression is empty");
    if (!error_) parse_binary(0);
    if (!error_ && cur_.kind != TokenKind::end) {
      fail(cur_, "expected an operator or the end of the expression, found " +
                     describe_token(cur_));
    }
    return error_;
  }

 private:
  std::size_t column(const Token& t) const { return t.column + offset_; }

  bool fail(const Token& at, std::string message) {
    if (!error_) error_ = ParseError{column(at), std::move(message)};
    return false;
  }

  std::string describe_token(const Token& t) const {
    if (t.kind == TokenKind::name) return "'" + t.text + "'";
    if (t.kind == TokenKind::integer || t.kind == TokenKind::number) {
      return "'" + std::string{text_.substr(t.begin, t.end - t.begin)} + "'";
    }
    return describe(t.kind);
  }

  void advance() {
    if (error_) return;
    prev_kind_ = cur_.kind;
    prev_text_ = std::string{text_.substr(cur_.begin, cur_.end - cur_.begin)};
    cur_ = lexer_.next();
    if (cur_.kind == TokenKind::error) fail(cur_, cur_.text);
  }

  TokenKind peek_kind() const {
    Lexer copy = lexer_;
    return copy.next().kind;
  }

  bool expect(TokenKind kind, std::string_view what) {
    if (cur_.kind == kind) {
      advance();
      return !error_;
    }
    return fail(cur_, "expected " + describe(kind) + " " + std::string{what} + ", found " +
                          describe_token(cur_));
  }

  bool enter() {
    if (++depth_ <= limits_.max_depth) return true;
    return fail(cur_, "the expression nests deeper than " + std::to_string(limits_.max_depth) +
                          " levels (limit max_depth)");
  }

  std::size_t emit(Op op, std::uint32_t a, std::uint32_t b, std::size_t col) {
    program_.code.push_back(Instruction{op, a, b, static_cast<std::uint32_t>(col)});
    return program_.code.size() - 1;
  }

  void push_constant(Value v, std::size_t col) {
    program_.constants.push_back(std::move(v));
    emit(Op::push_const, static_cast<std::uint32_t>(program_.constants.size() - 1), 0, col);
  }

  // If the code from `start` on is exactly `count` constants, removes them and returns them.
  std::optional<std::vector<Value>> take_constants(std::size_t start, std::size_t count) {
    auto& code = program_.code;
    if (code.size() - start != count) return std::nullopt;
    for (std::size_t i = start; i < code.size(); ++i) {
      if (code[i].op != Op::push_const) return std::nullopt;
    }
    std::vector<Value> values;
    values.reserve(count);
    for (std::size_t i = start; i < code.size(); ++i) {
      values.push_back(program_.constants[code[i].a]);
    }
    return values;
  }

  // Replaces the code from `start` on (possibly none) by one constant.
  void replace_with_constant(std::size_t start, Value v, std::size_t col) {
    auto& code = program_.code;
    for (std::size_t i = code.size(); i-- > start;) {
      if (code[i].a + 1 == program_.constants.size()) program_.constants.pop_back();
    }
    code.resize(start);
    program_.constants.push_back(std::move(v));
    code.push_back(Instruction{Op::push_const,
                               static_cast<std::uint32_t>(program_.constants.size() - 1), 0,
                               static_cast<std::uint32_t>(col)});
  }

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
        const std::size_t first_column = start < program_.code.size() ? program_.code[start].column : col;
        replace_with_constant(start, std::move(folded), first_column);
        return;
      }
    }
    emit(op, a, b, col);
  }

  // binary := unary (op binary)* by precedence climbing; prefix `not` binds looser than
  // comparison. Left operands are parsed in the loop, so long chains do not recurse.
  std::optional<Operand> parse_binary(int min_precedence) {
    if (!enter()) return std::nullopt;
    std::optional<Operand> left;
    if (cur_.kind == TokenKind::kw_not && min_precedence <= kNot &&
        peek_kind() != TokenKind::lparen) {
      const Token not_token = cur_;
      advance();
      auto operand = parse_binary(kNot);
      if (!operand) return std::nullopt;
      emit_folding(operand->start, 1, Op::logical_not, 0, 0, column(not_token),
                   [](std::span<const Value> v, EvalState& s) {
                     return apply_unary(Op::logical_not, v[0], s);
                   });
      left = Operand{operand->start};
    } else {
      left = parse_unary();
    }
    if (!left) return std::nullopt;
    bool compared = false;
    while (!error_) {
      const BinaryOp binary = binary_op(cur_.kind);
      if (binary.precedence == 0 || binary.precedence < min_precedence) break;
      const Token op_token = cur_;
      if (binary.precedence == kCompare) {
        if (compared) {
          fail(op_token, "comparisons do not chain: write 'a < b and b < c'");
          return std::nullopt;
        }
        compared = true;
      }
      std::size_t jump = 0;
      if (binary.op == Op::and_combine || binary.op == Op::or_combine) {
        jump = emit(binary.op == Op::and_combine ? Op::and_jump : Op::or_jump, 0, 0,
                    column(op_token));
      }
      advance();
      if (error_) return std::nullopt;
      if (!starts_value(cur_.kind)) {
        fail(cur_, "expected a value after '" + prev_text_ + "'");
        return std::nullopt;
      }
      auto right = parse_binary(binary.precedence + 1);
      if (!right) return std::nullopt;
      if (binary.op == Op::and_combine || binary.op == Op::or_combine) {
        emit(binary.op, 0, 0, column(op_token));
        program_.code[jump].a = static_cast<std::uint32_t>(program_.code.size());
      } else {
        const Op op = binary.op;
        emit_folding(left->start, 2, op, 0, 0, column(op_token),
                     [op](std::span<const Value> v, EvalState& s) {
                       return apply_binary(op, v[0], v[1], s);
                     });
      }
      left = Operand{left->start};
    }
    --depth_;
    if (error_) return std::nullopt;
    return left;
  }

  static bool starts_value(TokenKind kind) {
    switch (kind) {
      case TokenKind::integer: case TokenKind::number: case TokenKind::string:
      case TokenKind::name: case TokenKind::kw_true: case TokenKind::kw_false:
      case TokenKind::kw_null: case TokenKind::kw_if: case TokenKind::kw_not:
      case TokenKind::minus: case TokenKind::lparen: case TokenKind::lbracket:
      case TokenKind::lbrace:
        return true;
      default:
        return false;
    }
  }

  std::optional<Operand> parse_unary() {
    if (cur_.kind != TokenKind::minus) return parse_postfix();
    if (!enter()) return std::nullopt;
    const Token minus = cur_;
    advance();
    if (error_) return std::nullopt;
    if (!starts_value(cur_.kind) || cur_.kind == TokenKind::kw_not) {
      fail(cur_, "expected a value after '-'");
      return std::nullopt;
    }
    auto operand = parse_unary();
    if (!operand) return std::nullopt;
    emit_folding(operand->start, 1, Op::negate, 0, 0, column(minus),
                 [](std::span<const Value> v, EvalState& s) {
                   return apply_unary(Op::negate, v[0], s);
                 });
    --depth_;
    return Operand{operand->start};
  }

  std::optional<Operand> parse_postfix() {
    auto operand = parse_primary();
    while (operand && !error_) {
      if (cur_.kind == TokenKind::dot) {
        advance();
        if (error_) return std::nullopt;
        if (cur_.kind != TokenKind::name && !is_keyword(cur_.kind)) {
          fail(cur_, "expected a field name after '.', found " + describe_token(cur_));
          return std::nullopt;
        }
        if (operand->read != kNoPath) program_.reads[operand->read].path += "." + cur_.text;
        emit(Op::get_field, intern_name(cur_.text), 0, column(cur_));
        advance();
      } else if (cur_.kind == TokenKind::lbracket) {
        const Token open = cur_;
        advance();
        if (error_) return std::nullopt;
        if (!starts_value(cur_.kind)) {
          fail(cur_, "expected an index after '['");
          return std::nullopt;
        }
        auto index = parse_binary(0);
        if (!index) return std::nullopt;
        extend_read(*operand, *index);
        if (!expect(TokenKind::rbracket, "to close the index")) return std::nullopt;
        emit(Op::get_index, 0, 0, column(open));
      } else {
        break;
      }
    }
    if (error_) return std::nullopt;
    return operand;
  }

  void extend_read(Operand& operand, const Operand& index) {
    if (operand.read == kNoPath) return;
    const auto& code = program_.code;
    if (code.size() - index.start == 1 && code.back().op == Op::push_const) {
      const Value& key = program_.constants[code.back().a];
      if (key.is_integer()) {
        program_.reads[operand.read].path += "[" + std::to_string(key.as_integer()) + "]";
        return;
      }
      if (key.is_string()) {
        program_.reads[operand.read].path += "[\"" + key.as_string() + "\"]";
        return;
      }
    }
    operand.read = kNoPath;  // a computed index ends the static part of the path
  }

  static bool is_keyword(TokenKind kind) {
    return kind >= TokenKind::kw_and && kind <= TokenKind::kw_null;
  }

  std::uint32_t intern_name(const std::string& name) {
    auto& names = program_.names;
    auto it = std::find(names.begin(), names.end(), name);
    if (it != names.end()) return static_cast<std::uint32_t>(it - names.begin());
    names.push_back(name);
    return static_cast<std::uint32_t>(names.size() - 1);
  }

  std::optional<Operand> parse_primary() {
    const Token token = cur_;
    const std::size_t start = program_.code.size();
    switch (token.kind) {
      case TokenKind::integer: push_constant(Value{token.integer}, column(token)); break;
      case TokenKind::number: push_constant(Value{token.number}, column(token)); break;
      case TokenKind::string: push_constant(Value{token.text}, column(token)); break;
      case TokenKind::kw_true: push_constant(Value{true}, column(token)); break;
      case TokenKind::kw_false: push_constant(Value{false}, column(token)); break;
      case TokenKind::kw_null: push_constant(Value{}, column(token)); break;
      case TokenKind::name:
        if (peek_kind() == TokenKind::lparen) return parse_call();
        return parse_variable();
      case TokenKind::kw_not:
        if (peek_kind() == TokenKind::lparen) return parse_call();  // not(x), the function form
        fail(token, "expected a value after '" + prev_text_ +
                        "': write 'not' with parentheses here, as not(...)");
        return std::nullopt;
      case TokenKind::lparen: {
        advance();
        auto inner = parse_binary(0);
        if (!inner || !expect(TokenKind::rparen, "to close '('")) return std::nullopt;
        return Operand{start};
      }
      case TokenKind::lbracket: return parse_list();
      case TokenKind::lbrace: return parse_object();
      case TokenKind::kw_if: return parse_if();
      default:
        if (prev_kind_ == TokenKind::end) {
          fail(token, "expected a value, found " + describe_token(token));
        } else {
          fail(token, "expected a value after '" + prev_text_ + "'");
        }
        return std::nullopt;
    }
    advance();
    if (error_) return std::nullopt;
    return Operand{start};
  }

  std::optional<Operand> parse_variable() {
    const Token token = cur_;
    const std::size_t start = program_.code.size();
    emit(Op::load_root, intern_name(token.text), 0, column(token));
    program_.reads.push_back(ReadPath{token.text, token.text, column(token)});
    advance();
    if (error_) return std::nullopt;
    return Operand{start, true, program_.reads.size() - 1};
  }

  // Parses `( value, ... )` up to and including ')', appending the arguments' code.
  std::optional<std::vector<Operand>> parse_arguments(const std::string& callee) {
    std::vector<Operand> args;
    advance();  // '('
    if (error_) return std::nullopt;
    if (cur_.kind == TokenKind::rparen) {
      advance();
      if (error_) return std::nullopt;
      return args;
    }
    while (true) {
      if (!starts_value(cur_.kind)) {
        fail(cur_, "expected an argument of " + callee + ", found " + describe_token(cur_));
        return std::nullopt;
      }
      auto arg = parse_binary(0);
      if (!arg) return std::nullopt;
      args.push_back(*arg);
      if (cur_.kind == TokenKind::comma) {
        advance();
        if (error_) return std::nullopt;
        continue;
      }
      if (!expect(TokenKind::rparen, "after the arguments of " + callee)) return std::nullopt;
      return args;
    }
  }

  std::optional<Operand> parse_call() {
    const Token name = cur_;
    const std::size_t start = program_.code.size();
    auto builtin = find_builtin(name.text);
    if (!builtin) {
      fail(name, "unknown function '" + name.text + "' (see docs/expressions.md for the list)");
      return std::nullopt;
    }
    const BuiltinInfo& info = builtin_info(*builtin);
    advance();  // the name; cur_ is '('
    if (error_) return std::nullopt;
    auto args = parse_arguments("'" + std::string{info.name} + "'");
    if (!args) return std::nullopt;
    const std::size_t n = args->size();
    if (n < info.min_args || (info.max_args != kVariadic && n > info.max_args)) {
      std::string expected =
          info.max_args == kVariadic ? "at least " + std::to_string(info.min_args)
          : info.min_args == info.max_args
              ? std::to_string(info.min_args)
              : std::to_string(info.min_args) + " to " + std::to_string(info.max_args);
      const bool singular = (info.max_args == kVariadic ? info.min_args : info.max_args) == 1;
      fail(name, "'" + std::string{info.name} + "' takes " + expected + " argument" +
                     (singular ? "" : "s") + ", got " + std::to_string(n));
      return std::nullopt;
    }
    if (*builtin == Builtin::is_defined) {
      if (!(*args)[0].is_path) {
        fail(name, "'is_defined' needs a variable path such as customer.phone");
        return std::nullopt;
      }
      emit(Op::is_defined, 0, 0, column(name));
      return Operand{start};
    }
    const Builtin id = *builtin;
    if (info.foldable) {
      emit_folding(start, n, Op::call, static_cast<std::uint32_t>(id),
                   static_cast<std::uint32_t>(n), column(name),
                   [id](std::span<const Value> v, EvalState& s) { return call_builtin(id, v, s); });
    } else {
      emit(Op::call, static_cast<std::uint32_t>(id), static_cast<std::uint32_t>(n), column(name));
    }
    return Operand{start};
  }

  std::optional<Operand> parse_list() {
    const Token open = cur_;
    const std::size_t start = program_.code.size();
    advance();
    if (error_) return std::nullopt;
    std::size_t count = 0;
    if (cur_.kind != TokenKind::rbracket) {
      while (true) {
        if (!starts_value(cur_.kind)) {
          fail(cur_, "expected a value after '" + prev_text_ + "'");
          return std::nullopt;
        }
        if (!parse_binary(0)) return std::nullopt;
        ++count;
        if (cur_.kind != TokenKind::comma) break;
        advance();
        if (error_) return std::nullopt;
      }
    }
    if (!expect(TokenKind::rbracket, "to close the list")) return std::nullopt;
    emit_folding(start, count, Op::make_list, static_cast<std::uint32_t>(count), 0, column(open),
                 [](std::span<const Value> v, EvalState&) {
                   return Value{Value::List(v.begin(), v.end())};
                 });
    return Operand{start};
  }

  std::optional<Operand> parse_object() {
    const Token open = cur_;
    const std::size_t start = program_.code.size();
    advance();
    if (error_) return std::nullopt;
    std::vector<std::string> keys;
    std::set<std::string, std::less<>> seen;
    if (cur_.kind != TokenKind::rbrace) {
      while (true) {
        const Token key = cur_;
        if (key.kind != TokenKind::name && key.kind != TokenKind::string && !is_keyword(key.kind)) {
          fail(key, "expected a key (a name or a text) in the object, found " +
                        describe_token(key));
          return std::nullopt;
        }
        if (!seen.insert(key.text).second) {
          fail(key, "duplicate key '" + key.text + "' in the object");
          return std::nullopt;
        }
        keys.push_back(key.text);
        advance();
        if (!expect(TokenKind::colon, "after the key")) return std::nullopt;
        if (!starts_value(cur_.kind)) {
          fail(cur_, "expected a value after ':'");
          return std::nullopt;
        }
        if (!parse_binary(0)) return std::nullopt;
        if (cur_.kind != TokenKind::comma) break;
        advance();
        if (error_) return std::nullopt;
      }
    }
    if (!expect(TokenKind::rbrace, "to close the object")) return std::nullopt;
    const auto count = static_cast<std::uint32_t>(keys.size());
    program_.key_lists.push_back(keys);
    const auto key_list = static_cast<std::uint32_t>(program_.key_lists.size() - 1);
    emit_folding(start, count, Op::make_object, count, key_list, column(open),
                 [&keys](std::span<const Value> v, EvalState&) {
                   Value::Object object;
                   for (std::size_t i = 0; i < v.size(); ++i) object.emplace(keys[i], v[i]);
                   return Value{std::move(object)};
                 });
    return Operand{start};
  }

  std::optional<Operand> parse_if() {
    const Token if_token = cur_;
    const std::size_t start = program_.code.size();
    advance();
    if (error_) return std::nullopt;
    if (!starts_value(cur_.kind)) {
      fail(cur_, "expected a condition after 'if'");
      return std::nullopt;
    }
    if (!parse_binary(0)) return std::nullopt;
    const std::size_t jump_else = emit(Op::jump_unless, 0, 0, column(if_token));
    if (!expect(TokenKind::kw_then, "after the condition of 'if'")) return std::nullopt;
    if (!starts_value(cur_.kind)) {
      fail(cur_, "expected a value after 'then'");
      return std::nullopt;
    }
    if (!parse_binary(0)) return std::nullopt;
    const std::size_t jump_end = emit(Op::jump, 0, 0, column(if_token));
    if (!expect(TokenKind::kw_else, "after the 'then' value (an 'if' needs an 'else')")) {
      return std::nullopt;
    }
    program_.code[jump_else].a = static_cast<std::uint32_t>(program_.code.size());
    if (!starts_value(cur_.kind)) {
      fail(cur_, "expected a value after 'else'");
      return std::nullopt;
    }
    if (!parse_binary(0)) return std::nullopt;
    program_.code[jump_end].a = static_cast<std::uint32_t>(program_.code.size());
    return Operand{start};
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

// An upper bound of the value stack's depth: the code run straight through, jumps ignored (a
// jump only ever skips code, so the real depth is never larger).
std::size_t stack_bound(const Program& program) {
  std::size_t depth = 0;
  std::size_t most = 0;
  for (const Instruction& in : program.code) {
    switch (in.op) {
      case Op::push_const: case Op::load_root: ++depth; break;
      case Op::get_index: case Op::add: case Op::subtract: case Op::multiply: case Op::divide:
      case Op::modulo: case Op::equal: case Op::not_equal: case Op::less: case Op::less_equal:
      case Op::greater: case Op::greater_equal: case Op::in: case Op::and_combine:
      case Op::or_combine: case Op::jump_unless:
        --depth;
        break;
      case Op::make_list: case Op::make_object: depth = depth - in.a + 1; break;
      case Op::call: depth = depth - in.b + 1; break;
      default: break;
    }
    most = std::max(most, depth);
  }
  return most;
}

void drop_duplicate_reads(std::vector<ReadPath>& reads) {
  std::vector<ReadPath> unique;
  for (auto& read : reads) {
    bool seen = std::any_of(unique.begin(), unique.end(),
                            [&](const ReadPath& r) { return r.path == read.path; });
    if (!seen) unique.push_back(std::move(read));
  }
  reads = std::move(unique);
}

}  // namespace

ParseResult<std::shared_ptr<const Program>> compile_program(std::string_view text,
                                                            const ParseLimits& limits,
                                                            std::size_t column_offset) {
  auto program = std::make_shared<Program>();
  program->text = std::string{text};
  Parser parser{text, limits, column_offset, *program};
  if (auto error = parser.run()) return std::move(*error);
  drop_duplicate_reads(program->reads);
  program->max_stack = stack_bound(*program);
  return std::shared_ptr<const Program>{std::move(program)};
}

}  // namespace crmflow::expr
