// The parser's values: literals, variables, calls, lists, objects and if/then/else.
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "expr/builtins.hpp"
#include "expr/operators.hpp"
#include "expr/parser.hpp"

namespace crmflow::expr {

std::optional<Operand> Parser::parse_primary() {
  const Token token = cur_;
  const std::size_t start = program_.code.size();
  switch (token.kind) {
    case TokenKind::integer:
      push_constant(Value{token.integer}, column(token));
      break;
    case TokenKind::number:
      push_constant(Value{token.number}, column(token));
      break;
    case TokenKind::string:
      push_constant(Value{token.text}, column(token));
      break;
    case TokenKind::kw_true:
      push_constant(Value{true}, column(token));
      break;
    case TokenKind::kw_false:
      push_constant(Value{false}, column(token));
      break;
    case TokenKind::kw_null:
      push_constant(Value{}, column(token));
      break;
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
    case TokenKind::lbracket:
      return parse_list();
    case TokenKind::lbrace:
      return parse_object();
    case TokenKind::kw_if:
      return parse_if();
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

std::optional<Operand> Parser::parse_variable() {
  const Token token = cur_;
  const std::size_t start = program_.code.size();
  emit(Op::load_root, intern_name(token.text), 0, column(token));
  program_.reads.push_back(ReadPath{token.text, token.text, column(token)});
  advance();
  if (error_) return std::nullopt;
  return Operand{start, true, program_.reads.size() - 1};
}

std::optional<std::vector<Operand>> Parser::parse_arguments(const std::string& callee) {
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

std::optional<Operand> Parser::parse_call() {
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
    emit_folding(start, n, Op::call, static_cast<std::uint32_t>(id), static_cast<std::uint32_t>(n),
                 column(name),
                 [id](std::span<const Value> v, EvalState& s) { return call_builtin(id, v, s); });
  } else {
    emit(Op::call, static_cast<std::uint32_t>(id), static_cast<std::uint32_t>(n), column(name));
  }
  return Operand{start};
}

std::optional<Operand> Parser::parse_list() {
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
  emit_folding(
      start, count, Op::make_list, static_cast<std::uint32_t>(count), 0, column(open),
      [](std::span<const Value> v, EvalState&) { return Value{Value::List(v.begin(), v.end())}; });
  return Operand{start};
}

std::optional<Operand> Parser::parse_object() {
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
        fail(key, "expected a key (a name or a text) in the object, found " + describe_token(key));
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

std::optional<Operand> Parser::parse_if() {
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

}  // namespace crmflow::expr
