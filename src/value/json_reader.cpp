// The JSON reader: Boost.JSON's SAX parser (basic_parser) driving a handler that builds Values
// directly, so there is no intermediate boost::json::value and duplicate keys can be caught
// (boost::json::value would silently keep one of them).
#include <boost/json/basic_parser_impl.hpp>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crmflow/json.hpp"
#include "time/iso8601.hpp"
#include "value/json_text.hpp"
#include "value/typed_json.hpp"
#include "value/utf8.hpp"

namespace crmflow {
namespace {

namespace bj = boost::json;

// Where the `index`-th (0-based) key or number of a JSON text starts. Boost.JSON's byte count
// is not exact when a handler stops the parse, so problems found by the handler are placed by
// counting: the text up to them is valid JSON, which this small scan reads reliably.
enum class Token : std::uint8_t { key, number };

std::size_t locate(std::string_view text, Token wanted, std::size_t index) {
  std::size_t seen = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '"') {
      const std::size_t start = pos;
      for (++pos; pos < text.size() && text[pos] != '"'; ++pos) {
        if (text[pos] == '\\') ++pos;
      }
      ++pos;
      std::size_t next = pos;
      while (next < text.size() && (text[next] == ' ' || text[next] == '\t' || text[next] == '\n' ||
                                    text[next] == '\r')) {
        ++next;
      }
      if (wanted == Token::key && next < text.size() && text[next] == ':' && seen++ == index) {
        return start;
      }
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      const std::size_t start = pos;
      while (pos < text.size() &&
             std::string_view("+-.eE0123456789").find(text[pos]) != std::string_view::npos) {
        ++pos;
      }
      if (wanted == Token::number && seen++ == index) return start;
    } else {
      ++pos;
    }
  }
  return text.size();
}

// Builds a Value from parser events. A handler callback that finds a problem Boost.JSON cannot
// see (a duplicate key, a bad typed form) records it in problem() and fails the parse.
class Builder {
 public:
  static constexpr std::size_t max_object_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_array_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_key_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_string_size = std::numeric_limits<std::size_t>::max();

  explicit Builder(bool typed) : typed_(typed) {}

  Value take_result() { return std::move(result_); }
  const std::string& problem() const { return problem_; }
  // Where the problem is: the last key or the last number read (else Boost.JSON's position).
  std::optional<std::pair<Token, std::size_t>> problem_token() const { return problem_token_; }

  bool on_document_begin(bj::error_code& /*ec*/) { return true; }
  bool on_document_end(bj::error_code& /*ec*/) { return true; }

  bool on_object_begin(bj::error_code& /*ec*/) {
    stack_.push_back(Frame{.is_object = true, .list = {}, .object = {}, .key = {}});
    return true;
  }
  bool on_object_end(std::size_t /*n*/, bj::error_code& ec) {
    Value::Object object = std::move(stack_.back().object);
    stack_.pop_back();
    if (typed_ && object.size() == 1) {
      const json::ReservedKey reserved = json::classify_key(object.begin()->first);
      if (reserved.dollars == 1) {
        Result<Value> typed =
            decode_typed(reserved.kind, object.begin()->first, object.begin()->second);
        if (!typed) return fail(Token::key, std::move(typed).error().message, ec);
        return add(std::move(*typed), ec);
      }
      if (reserved.dollars > 1) {
        auto node = object.extract(object.begin());
        node.key().erase(0, 1);
        object.insert(std::move(node));
      }
    }
    return add(Value{std::move(object)}, ec);
  }

  bool on_array_begin(bj::error_code& /*ec*/) {
    stack_.push_back(Frame{.is_object = false, .list = {}, .object = {}, .key = {}});
    return true;
  }
  bool on_array_end(std::size_t /*n*/, bj::error_code& ec) {
    Value::List list = std::move(stack_.back().list);
    stack_.pop_back();
    return add(Value{std::move(list)}, ec);
  }

  bool on_key_part(bj::string_view s, std::size_t /*n*/, bj::error_code& /*ec*/) {
    text_.append(s.data(), s.size());
    return true;
  }
  bool on_key(bj::string_view s, std::size_t /*n*/, bj::error_code& ec) {
    text_.append(s.data(), s.size());
    Frame& frame = stack_.back();
    ++keys_;
    if (frame.object.contains(text_)) {
      std::string quoted;
      json::append_quoted(quoted, text_);
      return fail(Token::key, "duplicate key " + quoted + "; each key may appear once in an object",
                  ec);
    }
    frame.key = std::move(text_);
    text_.clear();
    return true;
  }

  bool on_string_part(bj::string_view s, std::size_t /*n*/, bj::error_code& /*ec*/) {
    text_.append(s.data(), s.size());
    return true;
  }
  bool on_string(bj::string_view s, std::size_t /*n*/, bj::error_code& ec) {
    text_.append(s.data(), s.size());
    Value value{std::move(text_)};
    text_.clear();
    return add(std::move(value), ec);
  }

  bool on_number_part(bj::string_view /*s*/, bj::error_code& /*ec*/) { return true; }
  bool on_int64(std::int64_t i, bj::string_view /*s*/, bj::error_code& ec) {
    ++numbers_;
    return add(Value{i}, ec);
  }
  // Only integers past INT64_MAX arrive here: they become doubles like every other number
  // that does not fit.
  bool on_uint64(std::uint64_t u, bj::string_view /*s*/, bj::error_code& ec) {
    ++numbers_;
    return add(Value{static_cast<double>(u)}, ec);
  }
  // Boost.JSON reads 1e400 as infinity; JSON has no infinity, so that is an overflow.
  bool on_double(double d, bj::string_view /*s*/, bj::error_code& ec) {
    ++numbers_;
    if (!std::isfinite(d)) return fail(Token::number, "number too large for a double", ec);
    return add(Value{d}, ec);
  }
  bool on_bool(bool b, bj::error_code& ec) { return add(Value{b}, ec); }
  bool on_null(bj::error_code& ec) { return add(Value{}, ec); }
  bool on_comment_part(bj::string_view /*s*/, bj::error_code& /*ec*/) { return true; }
  bool on_comment(bj::string_view /*s*/, bj::error_code& /*ec*/) { return true; }

 private:
  struct Frame {
    bool is_object = false;
    Value::List list;
    Value::Object object;
    std::string key;  // the key whose value comes next
  };

  bool add(Value value, bj::error_code& /*ec*/) {
    if (stack_.empty()) {
      result_ = std::move(value);
    } else if (Frame& frame = stack_.back(); frame.is_object) {
      frame.object.emplace(std::move(frame.key), std::move(value));
      frame.key.clear();
    } else {
      frame.list.push_back(std::move(value));
    }
    return true;
  }

  // Records a problem at the last key or number read and stops the parse.
  bool fail(Token at, std::string message, bj::error_code& ec) {
    problem_token_.emplace(at, (at == Token::key ? keys_ : numbers_) - 1);
    problem_ = std::move(message);
    ec = bj::error::syntax;  // replaced by problem_ in the message
    return false;
  }

  static Result<Value> decode_typed(Value::Kind kind, const std::string& key, const Value& member) {
    if (!member.is_string()) {
      return invalid_input("\"" + key + "\" must hold a string, not " +
                           std::string(member.kind_name()));
    }
    const std::string& text = member.as_string();
    auto wrap = [&](auto parsed) -> Result<Value> {
      if (!parsed) return invalid_input("\"" + key + "\": " + parsed.error().message);
      return Value{*parsed};
    };
    switch (kind) {
      case Value::Kind::date:
        return wrap(time::parse_date(text));
      case Value::Kind::datetime:
        return wrap(time::parse_datetime(text, nullptr));
      default:
        return wrap(time::parse_duration(text));
    }
  }

  bool typed_;
  std::vector<Frame> stack_;
  std::string text_;  // the key or string being read
  Value result_;
  std::string problem_;
  std::optional<std::pair<Token, std::size_t>> problem_token_;
  std::size_t keys_ = 0;     // keys read so far
  std::size_t numbers_ = 0;  // numbers read so far
};

// What Boost.JSON's code means, in words that point at the fix.
std::string describe(const bj::error_code& ec, std::string_view text, std::size_t offset) {
  if (ec == bj::error::incomplete) return "the text ends before the JSON value is complete";
  if (ec == bj::error::extra_data) return "unexpected text after the JSON value";
  if (ec == bj::error::too_deep) {
    return "arrays and objects nest deeper than " + std::to_string(kJsonMaxDepth) + " levels";
  }
  if (ec == bj::error::exponent_overflow) return "number too large for a double";
  if (ec == bj::error::illegal_leading_surrogate || ec == bj::error::illegal_trailing_surrogate) {
    return "a \\u escape is an unpaired UTF-16 surrogate";
  }
  if (ec == bj::error::expected_hex_digit) return "a \\u escape needs four hex digits";
  if (ec == bj::error::syntax && offset >= 6 && text[offset - 6] == '\\' &&
      text[offset - 5] == 'u' && (text[offset - 4] == 'd' || text[offset - 4] == 'D') &&
      std::string_view("89abAB").find(text[offset - 3]) != std::string_view::npos) {
    return "a \\u escape is an unpaired UTF-16 surrogate";  // a high one, not followed by a low
  }
  if (ec == bj::error::syntax && offset < text.size()) {
    const auto byte = static_cast<unsigned char>(text[offset]);
    if (byte >= 0x80U && text::utf8_sequence_length(text, offset) == 0) {
      return "invalid UTF-8 (JSON text must be UTF-8)";
    }
    if (byte < 0x20U) return "control character in the text (escape it inside strings)";
    if (byte < 0x80U) return std::string("syntax error at '") + static_cast<char>(byte) + "'";
  }
  return ec.message();
}

}  // namespace

Result<Value> parse_json(std::string_view text, JsonStyle style) {
  bj::parse_options options;
  options.max_depth = kJsonMaxDepth;
  bj::basic_parser<Builder> parser(options, has_flag(style, JsonStyle::typed));
  bj::error_code ec;
  std::size_t consumed = 0;
  try {
    consumed = parser.write_some(false, text.data(), text.size(), ec);
  } catch (const std::bad_alloc&) {
    return unavailable("out of memory while reading JSON");
  } catch (const std::exception& e) {
    return internal_error(std::string("JSON reader failed: ") + e.what());
  }
  if (!ec && consumed != text.size()) ec = bj::error::extra_data;
  if (ec) {
    const Builder& builder = parser.handler();
    std::size_t offset = consumed;
    if (const auto token = builder.problem_token()) {
      offset = locate(text, token->first, token->second);
    }
    const std::string what =
        builder.problem().empty() ? describe(ec, text, offset) : builder.problem();
    const text::TextPosition at = text::position_of(text, offset);
    return invalid_input("invalid JSON at " + std::to_string(at.line) + ":" +
                         std::to_string(at.column) + ": " + what);
  }
  return parser.handler().take_result();
}

}  // namespace crmflow
