// The parser's machinery (tokens, emission, folding) and the operator levels.
#include "expr/parser.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "expr/operators.hpp"

namespace crmflow::expr {
namespace {

struct BinaryOp {
  int precedence = 0;  // 0: not a binary operator
  Op op = Op::add;
};

BinaryOp binary_op(TokenKind kind) {
  switch (kind) {
    case TokenKind::kw_or:
      return {kOr, Op::or_combine};
    case TokenKind::kw_and:
      return {kAnd, Op::and_combine};
    case TokenKind::equal:
      return {kCompare, Op::equal};
    case TokenKind::not_equal:
      return {kCompare, Op::not_equal};
    case TokenKind::less:
      return {kCompare, Op::less};
    case TokenKind::less_equal:
      return {kCompare, Op::less_equal};
    case TokenKind::greater:
      return {kCompare, Op::greater};
    case TokenKind::greater_equal:
      return {kCompare, Op::greater_equal};
    case TokenKind::kw_in:
      return {kCompare, Op::in};
    case TokenKind::plus:
      return {kAdditive, Op::add};
    case TokenKind::minus:
      return {kAdditive, Op::subtract};
    case TokenKind::star:
      return {kMultiplicative, Op::multiply};
    case TokenKind::slash:
      return {kMultiplicative, Op::divide};
    case TokenKind::percent:
      return {kMultiplicative, Op::modulo};
    default:
      return {};
  }
}

}  // namespace

std::optional<ParseError> Parser::run() {
  if (text_.size() > limits_.max_text_bytes) {
    return ParseError{
        1 + offset_,
        "the expression is " + std::to_string(text_.size()) + " bytes long, more than " +
            std::to_string(limits_.max_text_bytes) +
            " (limit max_expression_bytes = " + std::to_string(limits_.max_text_bytes) + ")"};
  }
  advance();
  if (!error_ && cur_.kind == TokenKind::end) fail(cur_, "the expression is empty");
  if (!error_) parse_binary(0);
  if (!error_ && cur_.kind != TokenKind::end) {
    fail(cur_, "expected an operator or the end of the expression, found " + describe_token(cur_));
  }
  return error_;
}

bool Parser::fail(const Token& at, std::string message) {
  if (!error_) error_ = ParseError{column(at), std::move(message)};
  return false;
}

std::string Parser::describe_token(const Token& t) const {
  if (t.kind == TokenKind::name) return "'" + t.text + "'";
  if (t.kind == TokenKind::integer || t.kind == TokenKind::number) {
    return "'" + std::string{text_.substr(t.begin, t.end - t.begin)} + "'";
  }
  return describe(t.kind);
}

void Parser::advance() {
  if (error_) return;
  prev_kind_ = cur_.kind;
  prev_text_ = std::string{text_.substr(cur_.begin, cur_.end - cur_.begin)};
  cur_ = lexer_.next();
  if (cur_.kind == TokenKind::error) fail(cur_, cur_.text);
}

TokenKind Parser::peek_kind() const {
  Lexer copy = lexer_;
  return copy.next().kind;
}

bool Parser::expect(TokenKind kind, std::string_view what) {
  if (cur_.kind == kind) {
    advance();
    return !error_;
  }
  return fail(cur_, "expected " + describe(kind) + " " + std::string{what} + ", found " +
                        describe_token(cur_));
}

bool Parser::enter() {
  if (++depth_ <= limits_.max_depth) return true;
  return fail(
      cur_, "the expression nests deeper than " + std::to_string(limits_.max_depth) +
                " levels (limit max_expression_depth = " + std::to_string(limits_.max_depth) + ")");
}

std::size_t Parser::emit(Op op, std::uint32_t a, std::uint32_t b, std::size_t col) {
  program_.code.push_back(Instruction{op, a, b, static_cast<std::uint32_t>(col)});
  return program_.code.size() - 1;
}

void Parser::push_constant(Value v, std::size_t col) {
  program_.constants.push_back(std::move(v));
  emit(Op::push_const, static_cast<std::uint32_t>(program_.constants.size() - 1), 0, col);
}

std::optional<std::vector<Value>> Parser::take_constants(std::size_t start, std::size_t count) {
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

void Parser::replace_with_constant(std::size_t start, Value v, std::size_t col) {
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

std::optional<Operand> Parser::parse_binary(int min_precedence) {
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
      jump =
          emit(binary.op == Op::and_combine ? Op::and_jump : Op::or_jump, 0, 0, column(op_token));
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
      emit_folding(
          left->start, 2, op, 0, 0, column(op_token),
          [op](std::span<const Value> v, EvalState& s) { return apply_binary(op, v[0], v[1], s); });
    }
    left = Operand{left->start};
  }
  --depth_;
  if (error_) return std::nullopt;
  return left;
}

bool Parser::starts_value(TokenKind kind) {
  switch (kind) {
    case TokenKind::integer:
    case TokenKind::number:
    case TokenKind::string:
    case TokenKind::name:
    case TokenKind::kw_true:
    case TokenKind::kw_false:
    case TokenKind::kw_null:
    case TokenKind::kw_if:
    case TokenKind::kw_not:
    case TokenKind::minus:
    case TokenKind::lparen:
    case TokenKind::lbracket:
    case TokenKind::lbrace:
      return true;
    default:
      return false;
  }
}

std::optional<Operand> Parser::parse_unary() {
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
  emit_folding(
      operand->start, 1, Op::negate, 0, 0, column(minus),
      [](std::span<const Value> v, EvalState& s) { return apply_unary(Op::negate, v[0], s); });
  --depth_;
  return Operand{operand->start};
}

std::optional<Operand> Parser::parse_postfix() {
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

void Parser::extend_read(Operand& operand, const Operand& index) {
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

bool Parser::is_keyword(TokenKind kind) {
  return kind >= TokenKind::kw_and && kind <= TokenKind::kw_null;
}

std::uint32_t Parser::intern_name(const std::string& name) {
  auto& names = program_.names;
  auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return static_cast<std::uint32_t>(it - names.begin());
  names.push_back(name);
  return static_cast<std::uint32_t>(names.size() - 1);
}

}  // namespace crmflow::expr
