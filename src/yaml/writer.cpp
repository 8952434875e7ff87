// to_yaml and parse_yaml: the public face of the YAML reader and a block-style writer whose
// output the reader gives back as the same Value.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "crmflow/yaml.hpp"
#include "time/iso8601.hpp"
#include "value/json_text.hpp"
#include "value/utf8.hpp"
#include "yaml/reader.hpp"
#include "yaml/schema.hpp"

namespace crmflow {
namespace {

// Characters that give a plain scalar another meaning when they come first.
constexpr std::string_view kLeadingIndicators = "-?:,[]{}#&*!|>'\"%@`.<=~ ";

// Whether the UTF-8 sequence at `pos` may stand in a plain scalar: printable ASCII, or a
// multi-byte character that is not a C1 control, NEL, LS, PS or the byte order mark.
std::size_t plain_char_length(std::string_view text, std::size_t pos) {
  const auto byte = static_cast<unsigned char>(text[pos]);
  if (byte < 0x80U) return byte >= 0x20U && byte < 0x7FU ? 1 : 0;
  const std::size_t length = text::utf8_sequence_length(text, pos);
  const std::string_view sequence = text.substr(pos, length);
  if (length == 2 && byte == 0xC2U && static_cast<unsigned char>(sequence[1]) <= 0x9FU) return 0;
  if (sequence == "\xE2\x80\xA8" || sequence == "\xE2\x80\xA9" || sequence == "\xEF\xBB\xBF") {
    return 0;
  }
  return length;
}

// The YAML 1.1 booleans. They are text in the core schema, but tools that follow YAML 1.1
// (PyYAML, older yaml-cpp code) would read them as booleans: quoting them costs nothing.
bool is_yaml11_boolean(std::string_view text) {
  static constexpr std::array<std::string_view, 16> kWords = {
      "y",  "Y",  "yes", "Yes", "YES", "n",   "N",   "no",
      "No", "NO", "on",  "On",  "ON",  "off", "Off", "OFF"};
  return std::find(kWords.begin(), kWords.end(), text) != kWords.end();
}

// True when `text` written plain reads back as exactly this string, in a block context.
bool can_be_plain(std::string_view text) {
  if (text.empty() || yaml::plain_type(text) != yaml::PlainType::string) return false;
  if (is_yaml11_boolean(text)) return false;
  if (kLeadingIndicators.find(text.front()) != std::string_view::npos) return false;
  if (text.back() == ' ' || text.back() == ':') return false;
  if (text.find(": ") != std::string_view::npos || text.find(" #") != std::string_view::npos) {
    return false;
  }
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t length = plain_char_length(text, pos);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

void write_string(std::string& out, std::string_view text) {
  if (can_be_plain(text)) {
    out += text;
  } else {
    json::append_quoted(out, text, /*escape_nonprintable=*/true);
  }
}

bool is_block(const Value& value) {
  return (value.is_list() || value.is_object()) && value.size() > 0;
}

void write_scalar(std::string& out, const Value& value) {
  switch (value.kind()) {
    case Value::Kind::null:
      out += "null";
      break;
    case Value::Kind::boolean:
      out += value.as_bool() ? "true" : "false";
      break;
    case Value::Kind::integer:
      json::append_integer(out, value.as_integer());
      break;
    case Value::Kind::number: {
      const double d = value.as_double();
      if (std::isnan(d)) {
        out += ".nan";
      } else if (std::isinf(d)) {
        out += d < 0 ? "-.inf" : ".inf";
      } else {
        json::append_double(out, d);
      }
      break;
    }
    case Value::Kind::string:
      write_string(out, value.as_string());
      break;
    case Value::Kind::list:
      out += "[]";
      break;
    case Value::Kind::object:
      out += "{}";
      break;
    case Value::Kind::date:
      write_string(out, time::format_date(value.as_date()));
      break;
    case Value::Kind::datetime:
      write_string(out, time::format_datetime(value.as_datetime()));
      break;
    case Value::Kind::duration:
      write_string(out, time::format_duration(value.as_duration()));
      break;
  }
}

class BlockWriter {
 public:
  explicit BlockWriter(std::string& out) : out_(out) {}

  void document(const Value& value) {
    if (value.is_object() && value.size() > 0) {
      bool first = true;
      for (const auto& [key, member] : value.as_object()) {
        if (!first) out_.push_back('\n');
        first = false;
        entry(key, member, 0);
      }
    } else if (value.is_list() && value.size() > 0) {
      bool first = true;
      for (const Value& item : value.as_list()) {
        if (!first) out_.push_back('\n');
        first = false;
        out_.push_back('-');
        after_dash(item, 0);
      }
    } else {
      write_scalar(out_, value);
    }
    out_.push_back('\n');
  }

 private:
  // `key:` and its value; the key starts where the output is now, at column `indent`.
  void entry(const std::string& key, const Value& value, int indent) {
    write_string(out_, key);
    out_.push_back(':');
    if (!is_block(value)) {
      out_.push_back(' ');
      write_scalar(out_, value);
      return;
    }
    if (value.is_object()) {
      for (const auto& [child_key, child] : value.as_object()) {
        newline(indent + 2);
        entry(child_key, child, indent + 2);
      }
    } else {
      for (const Value& item : value.as_list()) {
        newline(indent + 2);
        out_.push_back('-');
        after_dash(item, indent + 2);
      }
    }
  }

  // A list item after its '-', which stands at column `indent`.
  void after_dash(const Value& item, int indent) {
    out_.push_back(' ');
    if (!is_block(item)) {
      write_scalar(out_, item);
      return;
    }
    bool first = true;
    if (item.is_object()) {
      for (const auto& [key, member] : item.as_object()) {
        if (!first) newline(indent + 2);
        first = false;
        entry(key, member, indent + 2);
      }
    } else {
      for (const Value& inner : item.as_list()) {
        if (!first) newline(indent + 2);
        first = false;
        out_.push_back('-');
        after_dash(inner, indent + 2);
      }
    }
  }

  void newline(int indent) {
    out_.push_back('\n');
    out_.append(static_cast<std::size_t>(indent), ' ');
  }

  std::string& out_;
};

}  // namespace

Result<Value> parse_yaml(std::string_view text, std::string_view file_name) {
  Result<yaml::Document> document = yaml::parse(text, file_name);
  if (!document) return std::move(document).error();
  return yaml::to_value(*document);
}

std::string to_yaml(const Value& value) {
  std::string out;
  BlockWriter(out).document(value);
  return out;
}

}  // namespace crmflow
