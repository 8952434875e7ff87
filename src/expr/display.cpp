#include "expr/display.hpp"

#include "expr/text_functions.hpp"
#include "time/iso8601.hpp"
#include "value/json_text.hpp"

namespace crmflow::expr {
namespace {

void append(std::string& out, const Value& value, bool nested) {
  switch (value.kind()) {
    case Value::Kind::null:
      out += nested ? "null" : "";
      break;
    case Value::Kind::boolean:
      out += value.as_bool() ? "true" : "false";
      break;
    case Value::Kind::integer:
    case Value::Kind::number:
      out += format_number(value);
      break;
    case Value::Kind::string:
      if (nested) {
        json::append_quoted(out, value.as_string());
      } else {
        out += value.as_string();
      }
      break;
    case Value::Kind::date:
    case Value::Kind::datetime:
    case Value::Kind::duration: {
      std::string text = value.is_date()       ? time::format_date(value.as_date())
                         : value.is_datetime() ? time::format_datetime(value.as_datetime())
                                               : time::format_duration(value.as_duration());
      if (nested) {
        json::append_quoted(out, text);
      } else {
        out += text;
      }
      break;
    }
    case Value::Kind::list: {
      out += '[';
      bool first = true;
      for (const Value& element : value.as_list()) {
        if (!first) out += ", ";
        first = false;
        append(out, element, true);
      }
      out += ']';
      break;
    }
    case Value::Kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, member] : value.as_object()) {
        if (!first) out += ", ";
        first = false;
        json::append_quoted(out, key);
        out += ": ";
        append(out, member, true);
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

std::string display_text(const Value& value) {
  std::string out;
  append(out, value, false);
  return out;
}

}  // namespace crmflow::expr
