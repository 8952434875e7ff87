// The JSON writer: written here rather than with Boost.JSON's serializer so that the output is
// exactly specified (key order, double form, escaping) and needs no intermediate tree.
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <system_error>

#include "crmflow/json.hpp"
#include "time/iso8601.hpp"
#include "value/json_text.hpp"
#include "value/typed_json.hpp"
#include "value/utf8.hpp"

namespace crmflow {
namespace json {
namespace {

constexpr std::array<char, 16> kHex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                       '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

// The C1 controls (U+0080-U+009F, two bytes C2 80-9F) and the byte order mark U+FEFF.
bool is_nonprintable(std::string_view sequence) noexcept {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(sequence[i]); };
  if (sequence.size() == 2) return b(0) == 0xC2U && b(1) <= 0x9FU;
  return sequence == "\xEF\xBB\xBF";
}

// \u escape of a two- or three-byte sequence (code points below U+10000 only).
void append_escaped_code_point(std::string& out, std::string_view sequence) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned>(sequence[i]) & 0xFFU; };
  const unsigned cp = sequence.size() == 2
                          ? ((b(0) & 0x1FU) << 6U) | (b(1) & 0x3FU)
                          : ((b(0) & 0x0FU) << 12U) | ((b(1) & 0x3FU) << 6U) | (b(2) & 0x3FU);
  out += "\\u";
  for (unsigned shift : {12U, 8U, 4U, 0U}) out.push_back(kHex[(cp >> shift) & 0xFU]);
}

}  // namespace

void append_quoted(std::string& out, std::string_view text, bool escape_nonprintable) {
  out.push_back('"');
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte >= 0x80U) {
      const std::size_t length = text::utf8_sequence_length(text, pos);
      if (length == 0) {
        out += "\\ufffd";
        ++pos;
      } else if (escape_nonprintable && is_nonprintable(text.substr(pos, length))) {
        append_escaped_code_point(out, text.substr(pos, length));
        pos += length;
      } else {
        out.append(text.substr(pos, length));
        pos += length;
      }
      continue;
    }
    switch (byte) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (byte < 0x20U || (escape_nonprintable && byte == 0x7FU)) {
          out += "\\u00";
          out.push_back(kHex[byte >> 4U]);
          out.push_back(kHex[byte & 0xFU]);
        } else {
          out.push_back(static_cast<char>(byte));
        }
    }
    ++pos;
  }
  out.push_back('"');
}

void append_double(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  std::array<char, 32> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), d);
  const std::string_view digits(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
  out += digits;
  // Keep the kind: "1" would read back as an integer.
  if (digits.find_first_of(".e") == std::string_view::npos) out += ".0";
}

void append_integer(std::string& out, std::int64_t i) {
  std::array<char, 24> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), i);
  out.append(buffer.data(), end);
}

}  // namespace json

namespace {

class Writer {
 public:
  Writer(std::string& out, JsonStyle style)
      : out_(out),
        typed_(has_flag(style, JsonStyle::typed)),
        pretty_(has_flag(style, JsonStyle::pretty)) {}

  void write(const Value& value, int depth) {
    switch (value.kind()) {
      case Value::Kind::null:
        out_ += "null";
        break;
      case Value::Kind::boolean:
        out_ += value.as_bool() ? "true" : "false";
        break;
      case Value::Kind::integer:
        json::append_integer(out_, value.as_integer());
        break;
      case Value::Kind::number:
        json::append_double(out_, value.as_double());
        break;
      case Value::Kind::string:
        json::append_quoted(out_, value.as_string());
        break;
      case Value::Kind::list:
        write_list(value.as_list(), depth);
        break;
      case Value::Kind::object:
        write_object(value.as_object(), depth);
        break;
      case Value::Kind::date:
        write_typed("$date", time::format_date(value.as_date()), depth);
        break;
      case Value::Kind::datetime:
        write_typed("$datetime", time::format_datetime(value.as_datetime()), depth);
        break;
      case Value::Kind::duration:
        write_typed("$duration", time::format_duration(value.as_duration()), depth);
        break;
    }
  }

 private:
  void write_list(const Value::List& list, int depth) {
    if (list.empty()) {
      out_ += "[]";
      return;
    }
    out_.push_back('[');
    bool first = true;
    for (const Value& item : list) {
      separate(first, depth + 1);
      write(item, depth + 1);
    }
    close(']', depth);
  }

  void write_object(const Value::Object& object, int depth) {
    if (object.empty()) {
      out_ += "{}";
      return;
    }
    // A lone member whose key looks like a typed form is escaped with one more '$'.
    const bool escape =
        typed_ && object.size() == 1 && json::classify_key(object.begin()->first).dollars > 0;
    out_.push_back('{');
    bool first = true;
    for (const auto& [key, member] : object) {
      separate(first, depth + 1);
      json::append_quoted(out_, escape ? "$" + key : key);
      out_ += pretty_ ? ": " : ":";
      write(member, depth + 1);
    }
    close('}', depth);
  }

  void write_typed(std::string_view key, const std::string& iso, int depth) {
    if (!typed_) {
      json::append_quoted(out_, iso);
      return;
    }
    out_.push_back('{');
    bool first = true;
    separate(first, depth + 1);
    json::append_quoted(out_, key);
    out_ += pretty_ ? ": " : ":";
    json::append_quoted(out_, iso);
    close('}', depth);
  }

  // Before each element: a comma after the first, and in pretty mode a new indented line.
  void separate(bool& first, int depth) {
    if (!first) out_.push_back(',');
    first = false;
    newline(depth);
  }

  void close(char bracket, int depth) {
    newline(depth);
    out_.push_back(bracket);
  }

  void newline(int depth) {
    if (!pretty_) return;
    out_.push_back('\n');
    out_.append(static_cast<std::size_t>(depth) * 2, ' ');
  }

  std::string& out_;
  bool typed_;
  bool pretty_;
};

}  // namespace

void append_json(std::string& out, const Value& value, JsonStyle style) {
  Writer(out, style).write(value, 0);
}

std::string to_json(const Value& value, JsonStyle style) {
  std::string out;
  append_json(out, value, style);
  return out;
}

}  // namespace crmflow
