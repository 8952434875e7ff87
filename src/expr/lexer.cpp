#include "expr/lexer.hpp"

#include "value/utf8.hpp"

#include <array>
#include <charconv>
#include <limits>
#include <utility>

namespace crmflow::expr {
namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool is_name_char(unsigned char c) { return is_name_start(c) || is_digit(static_cast<char>(c)); }

struct Keyword {
  std::string_view text;
  TokenKind kind;
};
constexpr std::array<Keyword, 10> kKeywords{{
    {"and", TokenKind::kw_and},
    {"or", TokenKind::kw_or},
    {"not", TokenKind::kw_not},
    {"in", TokenKind::kw_in},
    {"if", TokenKind::kw_if},
    {"then", TokenKind::kw_then},
    {"else", TokenKind::kw_else},
    {"true", TokenKind::kw_true},
    {"false", TokenKind::kw_false},
    {"null", TokenKind::kw_null},
}};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Token error_at(Token token, std::size_t column, std::string message) {
  token.kind = TokenKind::error;
  token.column = column;
  token.text = std::move(message);
  return token;
}

}  // namespace

void Lexer::advance(std::size_t bytes) {
  for (std::size_t i = 0; i < bytes && pos_ < text_.size(); ++i, ++pos_) {
    if (!is_continuation(static_cast<unsigned char>(text_[pos_]))) ++column_;
  }
}

Token Lexer::next() {
  while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                                 text_[pos_] == '\r')) {
    advance(1);
  }
  Token token;
  token.begin = pos_;
  token.column = column_;
  if (pos_ >= text_.size()) {
    token.end = pos_;
    return token;
  }
  const char c = text_[pos_];
  const char c2 = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
  if (is_digit(c)) return lex_number(std::move(token));
  if (c == '"' || c == '\'') return lex_string(std::move(token));
  if (is_name_start(static_cast<unsigned char>(c))) return lex_name(std::move(token));

  auto single = [&](TokenKind kind, std::size_t len) {
    advance(len);
    token.kind = kind;
    token.end = pos_;
    return token;
  };
  switch (c) {
    case '+':
      return single(TokenKind::plus, 1);
    case '-':
      return single(TokenKind::minus, 1);
    case '*':
      return single(TokenKind::star, 1);
    case '/':
      return single(TokenKind::slash, 1);
    case '%':
      return single(TokenKind::percent, 1);
    case '=':
      return single(TokenKind::equal, c2 == '=' ? 2 : 1);
    case '!':
      if (c2 == '=') return single(TokenKind::not_equal, 2);
      return error_at(std::move(token), column_, "unexpected '!': write 'not' or '!='");
    case '<':
      return c2 == '=' ? single(TokenKind::less_equal, 2) : single(TokenKind::less, 1);
    case '>':
      return c2 == '=' ? single(TokenKind::greater_equal, 2) : single(TokenKind::greater, 1);
    case '(':
      return single(TokenKind::lparen, 1);
    case ')':
      return single(TokenKind::rparen, 1);
    case '[':
      return single(TokenKind::lbracket, 1);
    case ']':
      return single(TokenKind::rbracket, 1);
    case '{':
      return single(TokenKind::lbrace, 1);
    case '}':
      return single(TokenKind::rbrace, 1);
    case ',':
      return single(TokenKind::comma, 1);
    case '.':
      return single(TokenKind::dot, 1);
    case ':':
      return single(TokenKind::colon, 1);
    case '&':
      if (c2 == '&') return error_at(std::move(token), column_, "unexpected '&&': write 'and'");
      break;
    case '|':
      if (c2 == '|') return error_at(std::move(token), column_, "unexpected '||': write 'or'");
      break;
    default:
      break;
  }
  return error_at(std::move(token), column_, std::string{"unexpected character '"} + c + "'");
}

Token Lexer::lex_number(Token token) {
  std::size_t end = pos_;
  while (end < text_.size() && is_digit(text_[end])) ++end;
  bool fraction = false;
  if (end + 1 < text_.size() && text_[end] == '.' && is_digit(text_[end + 1])) {
    fraction = true;
    ++end;
    while (end < text_.size() && is_digit(text_[end])) ++end;
  }
  if (end < text_.size() && is_name_char(static_cast<unsigned char>(text_[end]))) {
    std::size_t column = column_ + (end - pos_);
    return error_at(std::move(token), column,
                    "a number cannot run into a name: put a space or an operator between them");
  }
  const char* first = text_.data() + pos_;
  const char* last = text_.data() + end;
  if (!fraction) {
    auto [ptr, ec] = std::from_chars(first, last, token.integer);
    if (ec == std::errc{} && ptr == last) {
      token.kind = TokenKind::integer;
      advance(end - pos_);
      token.end = pos_;
      return token;
    }
    // Beyond 64 bits: kept as the nearest double (documented).
  }
  auto [ptr, ec] = std::from_chars(first, last, token.number);
  if (ec != std::errc{} || ptr != last) {
    return error_at(std::move(token), column_, "number out of range");
  }
  token.kind = TokenKind::number;
  advance(end - pos_);
  token.end = pos_;
  return token;
}

Token Lexer::lex_string(Token token) {
  const char quote = text_[pos_];
  const std::size_t open_column = column_;
  advance(1);
  std::string value;
  while (true) {
    if (pos_ >= text_.size()) {
      return error_at(std::move(token), open_column,
                      std::string{"unterminated text: add the closing "} + quote);
    }
    const char c = text_[pos_];
    if (c == quote) {
      advance(1);
      break;
    }
    if (c != '\\') {
      std::size_t start = pos_;
      advance(1);
      while (pos_ < text_.size() && is_continuation(static_cast<unsigned char>(text_[pos_]))) {
        ++pos_;
      }
      value.append(text_.substr(start, pos_ - start));
      continue;
    }
    const std::size_t escape_column = column_;
    const char e = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
    switch (e) {
      case '"':
        value += '"';
        break;
      case '\'':
        value += '\'';
        break;
      case '\\':
        value += '\\';
        break;
      case '/':
        value += '/';
        break;
      case 'n':
        value += '\n';
        break;
      case 't':
        value += '\t';
        break;
      case 'r':
        value += '\r';
        break;
      case 'u': {
        auto read_hex4 = [&](std::size_t at, char32_t& out) {
          if (at + 4 > text_.size()) return false;
          out = 0;
          for (std::size_t i = 0; i < 4; ++i) {
            int h = hex_value(text_[at + i]);
            if (h < 0) return false;
            out = out * 16 + static_cast<char32_t>(h);
          }
          return true;
        };
        char32_t cp = 0;
        if (!read_hex4(pos_ + 2, cp)) {
          return error_at(std::move(token), escape_column,
                          "bad escape: \\u needs four hexadecimal digits");
        }
        std::size_t used = 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          char32_t low = 0;
          if (pos_ + 7 < text_.size() && text_[pos_ + 6] == '\\' && text_[pos_ + 7] == 'u' &&
              read_hex4(pos_ + 8, low) && low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            used = 12;
          } else {
            return error_at(std::move(token), escape_column,
                            "bad escape: a high surrogate \\u must be followed by a low one");
          }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return error_at(std::move(token), escape_column,
                          "bad escape: a low surrogate \\u cannot stand alone");
        }
        text::append_utf8(value, cp);
        advance(used);
        continue;
      }
      default:
        return error_at(std::move(token), escape_column,
                        "bad escape: use \\\" \\' \\\\ \\n \\t \\r or \\uXXXX");
    }
    advance(2);
  }
  token.kind = TokenKind::string;
  token.end = pos_;
  token.text = std::move(value);
  return token;
}

Token Lexer::lex_name(Token token) {
  std::size_t end = pos_;
  while (end < text_.size() && is_name_char(static_cast<unsigned char>(text_[end]))) ++end;
  std::string_view word = text_.substr(pos_, end - pos_);
  token.kind = TokenKind::name;
  for (const auto& keyword : kKeywords) {
    if (keyword.text == word) token.kind = keyword.kind;
  }
  token.text = std::string{word};
  advance(end - pos_);
  token.end = pos_;
  return token;
}

std::string describe(TokenKind kind) {
  switch (kind) {
    case TokenKind::end:
      return "the end of the expression";
    case TokenKind::error:
      return "an error";
    case TokenKind::integer:
    case TokenKind::number:
      return "a number";
    case TokenKind::string:
      return "a text";
    case TokenKind::name:
      return "a name";
    case TokenKind::kw_and:
      return "'and'";
    case TokenKind::kw_or:
      return "'or'";
    case TokenKind::kw_not:
      return "'not'";
    case TokenKind::kw_in:
      return "'in'";
    case TokenKind::kw_if:
      return "'if'";
    case TokenKind::kw_then:
      return "'then'";
    case TokenKind::kw_else:
      return "'else'";
    case TokenKind::kw_true:
      return "'true'";
    case TokenKind::kw_false:
      return "'false'";
    case TokenKind::kw_null:
      return "'null'";
    case TokenKind::plus:
      return "'+'";
    case TokenKind::minus:
      return "'-'";
    case TokenKind::star:
      return "'*'";
    case TokenKind::slash:
      return "'/'";
    case TokenKind::percent:
      return "'%'";
    case TokenKind::equal:
      return "'='";
    case TokenKind::not_equal:
      return "'!='";
    case TokenKind::less:
      return "'<'";
    case TokenKind::less_equal:
      return "'<='";
    case TokenKind::greater:
      return "'>'";
    case TokenKind::greater_equal:
      return "'>='";
    case TokenKind::lparen:
      return "'('";
    case TokenKind::rparen:
      return "')'";
    case TokenKind::lbracket:
      return "'['";
    case TokenKind::rbracket:
      return "']'";
    case TokenKind::lbrace:
      return "'{'";
    case TokenKind::rbrace:
      return "'}'";
    case TokenKind::comma:
      return "','";
    case TokenKind::dot:
      return "'.'";
    case TokenKind::colon:
      return "':'";
  }
  return "a token";
}

}  // namespace crmflow::expr
