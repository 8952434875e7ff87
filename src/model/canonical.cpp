// Canonical JSON writer. Kept apart from the value layer's JSON output on purpose: the content
// hash must not change when someone improves how values are printed elsewhere.
#include "model/canonical.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "model/canonical_sha256.hpp"

namespace crmflow::model {
namespace {

void write_string(std::string_view text, std::string& out) {
  out += '"';
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(byte));
    } else {
      out += c;
    }
  }
  out += '"';
}

void write_double(double d, std::string& out) {
  if (std::isnan(d)) return write_string(".nan", out);
  if (std::isinf(d)) return write_string(d > 0 ? "+.inf" : "-.inf", out);
  std::string text = fmt::format("{}", d);
  if (text.find_first_of(".eE") == std::string::npos) text += ".0";
  out += text;
}

void write(const Value& value, std::string& out) {
  switch (value.kind()) {
    case Value::Kind::null:
      out += "null";
      return;
    case Value::Kind::boolean:
      out += value.as_bool() ? "true" : "false";
      return;
    case Value::Kind::integer:
      out += std::to_string(value.as_integer());
      return;
    case Value::Kind::number:
      return write_double(value.as_double(), out);
    case Value::Kind::string:
      return write_string(value.as_string(), out);
    case Value::Kind::list: {
      out += '[';
      bool first = true;
      for (const Value& item : value.as_list()) {
        if (!first) out += ',';
        first = false;
        write(item, out);
      }
      out += ']';
      return;
    }
    case Value::Kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, member] : value.as_object()) {  // std::map: byte order already
        if (!first) out += ',';
        first = false;
        write_string(key, out);
        out += ':';
        write(member, out);
      }
      out += '}';
      return;
    }
    case Value::Kind::date:
      return write_string(fmt::format("date:{}", value.as_date().day.time_since_epoch().count()),
                          out);
    case Value::Kind::datetime: {
      const DateTime dt = value.as_datetime();
      return write_string(
          fmt::format("datetime:{}{:+}", dt.at.time_since_epoch().count(), dt.offset_minutes), out);
    }
    case Value::Kind::duration: {
      const Duration d = value.as_duration();
      return write_string(fmt::format("duration:{}/{}/{}", d.months, d.days, d.millis), out);
    }
  }
}

}  // namespace

std::string canonical_json(const Value& document) {
  std::string out;
  write(document, out);
  return out;
}

CanonicalForm canonical_form(const Value& document) {
  CanonicalForm form;
  form.text = canonical_json(document);
  form.hash = "sha256:" + sha256_hex(form.text);
  return form;
}

}  // namespace crmflow::model
