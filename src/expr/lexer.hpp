// crmflow::expr internal: splits expression text into tokens, keeping each token's 1-based
// character column (UTF-8 code points, so Persian text inside a string does not shift columns).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace crmflow::expr {

enum class TokenKind : std::uint8_t {
  end,
  error,
  integer,
  number,
  string,
  name,
  kw_and,
  kw_or,
  kw_not,
  kw_in,
  kw_if,
  kw_then,
  kw_else,
  kw_true,
  kw_false,
  kw_null,
  plus,
  minus,
  star,
  slash,
  percent,
  equal,
  not_equal,
  less,
  less_equal,
  greater,
  greater_equal,
  lparen,
  rparen,
  lbracket,
  rbracket,
  lbrace,
  rbrace,
  comma,
  dot,
  colon,
};

struct Token {
  TokenKind kind = TokenKind::end;
  std::size_t begin = 0;   // byte offset in the text
  std::size_t end = 0;     // byte offset one past the token
  std::size_t column = 1;  // 1-based character column of the first character
  std::int64_t integer = 0;
  double number = 0;
  std::string text;  // decoded string literal, or the error message for `error`
};

class Lexer {
 public:
  // Lexes text[begin..], where text[begin] is at character column `column`.
  explicit Lexer(std::string_view text, std::size_t begin = 0, std::size_t column = 1)
      : text_(text), pos_(begin), column_(column) {}

  // The next token; `end` at the end of the text, `error` (with its column and message) for a
  // character or literal that cannot start a token. After `error` the lexer must not be used.
  Token next();

  // Byte offset and column where the next token's search begins.
  std::size_t position() const { return pos_; }
  std::size_t column() const { return column_; }

 private:
  void advance(std::size_t bytes);  // moves pos_, counting characters into column_
  Token lex_number(Token token);
  Token lex_string(Token token);
  Token lex_name(Token token);

  std::string_view text_;
  std::size_t pos_;
  std::size_t column_;
};

// Text of a token kind for messages: "'+'", "'then'", "a name", "the end of the expression".
std::string describe(TokenKind kind);

}  // namespace crmflow::expr
