#include "yaml/schema.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

namespace crmflow::yaml {
namespace {

constexpr std::string_view kCoreTag = "tag:yaml.org,2002:";

bool is_digit(char c, int base) {
  if (base == 8) return c >= '0' && c <= '7';
  if (base == 16) return std::isxdigit(static_cast<unsigned char>(c)) != 0;
  return c >= '0' && c <= '9';
}

bool all_digits(std::string_view text, int base) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [base](char c) { return is_digit(c, base); });
}

bool is_null_word(std::string_view t) {
  return t.empty() || t == "~" || t == "null" || t == "Null" || t == "NULL";
}

std::optional<bool> bool_word(std::string_view t) {
  if (t == "true" || t == "True" || t == "TRUE") return true;
  if (t == "false" || t == "False" || t == "FALSE") return false;
  return std::nullopt;
}

// An integer as the core schema writes it: [-+]? then decimal digits, 0o + octal digits or
// 0x + hex digits.
struct IntegerForm {
  bool negative = false;
  int base = 10;
  std::string_view digits;
};

std::optional<IntegerForm> integer_form(std::string_view text) {
  IntegerForm form;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    form.negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.starts_with("0o") || text.starts_with("0x")) {
    form.base = text[1] == 'o' ? 8 : 16;
    text.remove_prefix(2);
  }
  if (!all_digits(text, form.base)) return std::nullopt;
  form.digits = text;
  return form;
}

// [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE][-+]?[0-9]+ )?
bool is_decimal_float(std::string_view t) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < t.size() && is_digit(t[i], 10)) ++i;
    return i - start;
  };
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  } else {
    if (digits() == 0) return false;
    if (i < t.size() && t[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == t.size();
}

std::optional<double> special_float(std::string_view t) {
  if (t == ".nan" || t == ".NaN" || t == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  double sign = 1.0;
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) {
    sign = t[0] == '-' ? -1.0 : 1.0;
    t.remove_prefix(1);
  }
  if (t == ".inf" || t == ".Inf" || t == ".INF")
    return sign * std::numeric_limits<double>::infinity();
  return std::nullopt;
}

Result<Value> too_large(std::string_view text) {
  return invalid_input("the number " + std::string(text) + " is too large for a double");
}

Result<Value> decimal_float_value(std::string_view text) {
  std::string_view digits = text.starts_with('+') ? text.substr(1) : text;
  double d = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), d);
  if (ec == std::errc::result_out_of_range) {
    // Underflow reads as zero; only overflow is refused.
    const std::size_t e = digits.find_first_of("eE");
    if (e != std::string_view::npos && digits.substr(e + 1).starts_with('-')) {
      return Value{digits.starts_with('-') ? -0.0 : 0.0};
    }
    return too_large(text);
  }
  if (ec != std::errc{} || end != digits.data() + digits.size()) {
    return internal_error("cannot read the number " + std::string(text));
  }
  return Value{d};
}

Result<Value> integer_value(std::string_view text, const IntegerForm& form) {
  std::uint64_t magnitude = 0;
  const auto [end, ec] = std::from_chars(
      form.digits.data(), form.digits.data() + form.digits.size(), magnitude, form.base);
  constexpr std::uint64_t kMinMagnitude = std::uint64_t{1} << 63U;  // |INT64_MIN|
  if (ec == std::errc{} && end == form.digits.data() + form.digits.size()) {
    if (!form.negative && magnitude < kMinMagnitude) {
      return Value{static_cast<std::int64_t>(magnitude)};
    }
    if (form.negative && magnitude <= kMinMagnitude) {
      return Value{
          static_cast<std::int64_t>(0 - magnitude)};  // two's complement; exact for INT64_MIN
    }
  }
  // Past 64 bits: a double, like JSON numbers that do not fit.
  if (form.base == 10) return decimal_float_value(text);
  double d = 0;
  for (char c : form.digits) {
    const int digit = std::isdigit(static_cast<unsigned char>(c)) != 0
                          ? c - '0'
                          : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
    d = d * form.base + digit;
  }
  if (!std::isfinite(d)) return too_large(text);
  return Value{form.negative ? -d : d};
}

std::string tag_name(std::string_view tag) {
  if (tag.starts_with(kCoreTag)) return "!!" + std::string(tag.substr(kCoreTag.size()));
  return std::string(tag);
}

// Records the problem at `node` and returns it as an Error.
Result<Value> fail(const Node& node, std::string message, Diagnostic& problem) {
  problem = node.diagnostic(std::move(message));
  return to_error(problem);
}

Result<Value> tagged_scalar(const Node& node, Diagnostic& problem) {
  const std::string& tag = node.tag();
  const std::string& text = node.scalar();
  if (tag == "!") return Value{text};
  const std::string_view type =
      tag.starts_with(kCoreTag) ? std::string_view(tag).substr(kCoreTag.size()) : "";
  const auto refuse = [&](std::string_view what) {
    return fail(node, tag_name(tag) + " needs " + std::string(what) + ", not '" + text + "'",
                problem);
  };
  if (type == "str") return Value{text};
  if (type == "null") return is_null_word(text) ? Result<Value>{Value{}} : refuse("null or ~");
  if (type == "bool") {
    const auto b = bool_word(text);
    return b ? Result<Value>{Value{*b}} : refuse("true or false");
  }
  if (type == "int" || type == "float") {
    const auto form = integer_form(text);
    const bool is_float = type == "float";
    if (!form && !(is_float && (is_decimal_float(text) || special_float(text)))) {
      return refuse(is_float ? "a number" : "an integer");
    }
    Result<Value> value = plain_value(text);
    if (!value) return fail(node, value.error().message, problem);
    if (is_float && value->is_integer()) return Value{value->as_double()};
    return value;
  }
  if (type == "seq" || type == "map")
    return fail(node, tag_name(tag) + " does not fit a scalar", problem);
  return fail(node,
              "unknown tag '" + tag_name(tag) +
                  "'; only !!str, !!int, !!float, !!bool, !!null, !!seq and !!map are read",
              problem);
}

}  // namespace

PlainType plain_type(std::string_view text) noexcept {
  if (is_null_word(text)) return PlainType::null;
  if (bool_word(text)) return PlainType::boolean;
  if (integer_form(text)) return PlainType::integer;
  if (is_decimal_float(text) || special_float(text)) return PlainType::number;
  return PlainType::string;
}

Result<Value> plain_value(std::string_view text) {
  switch (plain_type(text)) {
    case PlainType::null:
      return Value::null_value();  // (a fresh Value{} trips GCC 12's -Wmaybe-uninitialized)
    case PlainType::boolean:
      return Value{*bool_word(text)};
    case PlainType::integer:
      return integer_value(text, *integer_form(text));
    case PlainType::number:
      if (const auto special = special_float(text)) return Value{*special};
      return decimal_float_value(text);
    case PlainType::string:
      break;
  }
  return Value{std::string(text)};
}

namespace {

Result<Value> convert(const Node& node, Diagnostic& problem) {
  const std::string& tag = node.tag();
  switch (node.kind()) {
    case NodeKind::null:
      return Value::null_value();
    case NodeKind::scalar: {
      if (!tag.empty()) return tagged_scalar(node, problem);
      if (!node.is_plain()) return Value{node.scalar()};
      Result<Value> value = plain_value(node.scalar());
      if (!value) return fail(node, value.error().message, problem);
      return value;
    }
    case NodeKind::sequence: {
      if (!tag.empty() && tag != std::string(kCoreTag) + "seq") {
        return fail(node, "tag '" + tag_name(tag) + "' does not fit a sequence", problem);
      }
      Value::List list;
      list.reserve(node.size());
      for (const Node& item : node.items()) {
        Result<Value> value = convert(item, problem);
        if (!value) return value;
        list.push_back(std::move(*value));
      }
      return Value{std::move(list)};
    }
    case NodeKind::mapping: {
      if (!tag.empty() && tag != std::string(kCoreTag) + "map") {
        return fail(node, "tag '" + tag_name(tag) + "' does not fit a mapping", problem);
      }
      Value::Object object;
      for (const Node::Entry& entry : node.entries()) {
        Result<Value> value = convert(entry.value, problem);
        if (!value) return value;
        object.insert_or_assign(entry.key.scalar(), std::move(*value));
      }
      return Value{std::move(object)};
    }
  }
  return internal_error("unknown YAML node kind");
}

}  // namespace

Result<Value> to_value(const Node& node) {
  Diagnostic problem;
  return convert(node, problem);
}

std::optional<Value> to_value(const Node& node, std::vector<Diagnostic>& problems) {
  Diagnostic problem;
  Result<Value> value = convert(node, problem);
  if (!value) {
    problems.push_back(std::move(problem));
    return std::nullopt;
  }
  return *std::move(value);
}

}  // namespace crmflow::yaml
