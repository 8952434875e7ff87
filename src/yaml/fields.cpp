// The shared typed field readers. The message wordings here are pinned by the tests of every
// file reader (tests/definitions/invalid, tests/scenarios/invalid): change them with care.
#include "yaml/fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "time/iso8601.hpp"
#include "yaml/schema.hpp"

namespace crmflow::yaml {
namespace {

// The words YAML 1.1 read as booleans and YAML 1.2 reads as text: worth a hint when a boolean
// was meant.
bool looks_like_yaml11_bool(std::string_view text) {
  static constexpr std::string_view kWords[] = {"yes",  "no",    "on",   "off",   "y",   "n",
                                                "True", "False", "TRUE", "FALSE", "Yes", "No"};
  return std::find(std::begin(kWords), std::end(kWords), text) != std::end(kWords);
}

// The value of a scalar or null node; null for collections (which no scalar reader accepts).
Value scalar_value(const Node& node) {
  return node.is_scalar() || node.is_null() ? value_of(node) : Value{};
}

// The string a node holds, nullopt for anything else (numbers included).
std::optional<std::string> string_of(const Node& node) {
  Value value = scalar_value(node);
  if (!value.is_string()) return std::nullopt;
  return value.as_string();
}

}  // namespace

// ---- words -------------------------------------------------------------------------------------

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Damerau (adjacent transposition) Levenshtein on two rows plus the one before.
  std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  std::iota(previous.begin(), previous.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    before.swap(previous);
    previous.swap(current);
  }
  return previous[b.size()];
}

std::optional<std::string_view> closest(std::string_view word,
                                        std::span<const std::string_view> candidates) {
  const std::size_t limit = word.size() <= 4 ? 1 : 2;
  std::optional<std::string_view> best;
  std::size_t best_distance = limit + 1;
  for (std::string_view candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance && d < word.size()) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
  const auto best = closest(word, candidates);
  if (!best) return {};
  return " (did you mean '" + std::string{*best} + "'?)";
}

std::string word_list(std::span<const std::string_view> words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

// ---- values ------------------------------------------------------------------------------------

Value value_of(const Node& node) {
  Result<Value> value = to_value(node);
  return value ? std::move(*value) : Value{};
}

std::optional<std::string> scalar_text(const Node& node) {
  if (!node.is_scalar()) return std::nullopt;
  Value value = value_of(node);
  if (value.is_string()) return value.as_string();
  if (value.is_integer()) return std::to_string(value.as_integer());
  if (value.is_double()) return fmt::format("{}", value.as_double());
  return std::nullopt;
}

std::string describe(const Node& node) {
  if (node.is_mapping()) return "a map";
  if (node.is_sequence()) return "a list";
  const Value value = value_of(node);
  switch (value.kind()) {
    case Value::Kind::null:
      return "nothing";
    case Value::Kind::boolean:
      return value.as_bool() ? "true" : "false";
    case Value::Kind::integer:
      return std::to_string(value.as_integer());
    case Value::Kind::number:
      return fmt::format("{}", value.as_double());
    case Value::Kind::string: {
      std::string text = value.as_string();
      if (text.size() > 60) text = text.substr(0, 57) + "...";
      std::string out = "\"";
      for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c == '\n' ? ' ' : c;
      }
      return out + "\"";
    }
    default:
      return std::string{value.kind_name()};
  }
}

// ---- FieldReader: reporting and shape ----------------------------------------------------------

void FieldReader::error(const Node& node, std::string message) {
  problems_.push_back(node.diagnostic(std::move(message)));
}

void FieldReader::check_fields(const Node& map, std::string_view owner,
                               std::span<const std::string_view> allowed) {
  for (const Node::Entry& entry : map.entries()) {
    const std::string& key = entry.key.scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    error(entry.key,
          fmt::format("{}: unknown field '{}'{}", owner, key, did_you_mean(key, allowed)));
  }
}

bool FieldReader::expect_map(const Node& node, std::string_view owner, std::string_view field) {
  if (node.is_mapping()) return true;
  error(node, fmt::format("{}: '{}' must be a map (key: value lines or {{...}}), not {}", owner,
                          field, describe(node)));
  return false;
}

bool FieldReader::expect_list(const Node& node, std::string_view owner, std::string_view field) {
  if (node.is_sequence()) return true;
  error(node, fmt::format("{}: '{}' must be a list ('- ' lines or [...]), not {}", owner, field,
                          describe(node)));
  return false;
}

const Node* FieldReader::require(const Node& map, std::string_view owner, std::string_view field,
                                 std::string_view hint) {
  const Node* found = map.find(field);
  if (found == nullptr) {
    error(map,
          fmt::format("{}: '{}' is required{}{}", owner, field, hint.empty() ? "" : ": ", hint));
  }
  return found;
}

// ---- FieldReader: scalars ----------------------------------------------------------------------

std::optional<std::string> FieldReader::text(const Node& node, std::string_view owner,
                                             std::string_view field) {
  std::optional<std::string> text = scalar_text(node);
  if (!text) {
    error(node, fmt::format("{}: '{}' must be text, not {}", owner, field, describe(node)));
  }
  return text;
}

std::optional<std::string> FieldReader::non_empty_text(const Node& node, std::string_view owner,
                                                       std::string_view field) {
  std::optional<std::string> text = this->text(node, owner, field);
  if (text && text->empty()) {
    error(node, fmt::format("{}: '{}' must not be empty", owner, field));
    return std::nullopt;
  }
  return text;
}

std::optional<std::int64_t> FieldReader::integer(const Node& node, std::string_view owner,
                                                 std::string_view field, std::int64_t min,
                                                 std::int64_t max) {
  const Value value = scalar_value(node);
  if (value.is_integer() && value.as_integer() >= min && value.as_integer() <= max) {
    return value.as_integer();
  }
  const std::string range = max == std::numeric_limits<std::int64_t>::max()
                                ? fmt::format("of at least {}", min)
                                : fmt::format("from {} to {}", min, max);
  error(node,
        fmt::format("{}: '{}' must be an integer {}, not {}", owner, field, range, describe(node)));
  return std::nullopt;
}

std::optional<bool> FieldReader::boolean(const Node& node, std::string_view owner,
                                         std::string_view field) {
  const Value value = scalar_value(node);
  if (value.is_bool()) return value.as_bool();
  const bool yaml11 = value.is_string() && looks_like_yaml11_bool(value.as_string());
  error(node, fmt::format("{}: '{}' must be true or false, not {}{}", owner, field, describe(node),
                          yaml11 ? " (only true and false are booleans in YAML 1.2)" : ""));
  return std::nullopt;
}

std::optional<std::string> FieldReader::one_of(const Node& node, std::string_view owner,
                                               std::string_view field,
                                               std::span<const std::string_view> words) {
  std::optional<std::string> text = scalar_text(node);
  if (text && std::find(words.begin(), words.end(), *text) != words.end()) return text;
  error(node, fmt::format("{}: '{}' must be {}, not {}{}", owner, field, word_list(words),
                          describe(node), text ? did_you_mean(*text, words) : ""));
  return std::nullopt;
}

std::optional<Duration> FieldReader::duration(const Node& node, std::string_view owner,
                                              std::string_view field, const DurationRules& rules) {
  const auto not_a_duration = [&] {
    error(node, fmt::format("{}: '{}' must be an ISO 8601 duration such as {}, not {}", owner,
                            field, rules.examples, describe(node)));
    return std::nullopt;
  };
  const std::optional<std::string> text = string_of(node);
  if (!text) return not_a_duration();
  Result<Duration> parsed = time::parse_duration(*text);
  if (!parsed) {
    if (!rules.give_reason) return not_a_duration();
    error(node, fmt::format("{}: '{}' is not a valid duration: {} (write an ISO 8601 duration "
                            "such as {})",
                            owner, field, parsed.error().message, rules.examples));
    return std::nullopt;
  }
  const Duration d = *parsed;
  if (d.months < 0 || d.days < 0 || d.millis < 0) {
    error(node,
          rules.why_not_negative.empty()
              ? fmt::format("{}: '{}' must not be negative, not {}", owner, field, describe(node))
              : fmt::format("{}: '{}' must not be negative: {}", owner, field,
                            rules.why_not_negative));
    return std::nullopt;
  }
  if (!rules.allow_zero && d.is_zero()) {
    error(node,
          fmt::format("{}: '{}' must be longer than zero, not {}", owner, field, describe(node)));
    return std::nullopt;
  }
  return d;
}

std::optional<DateTime> FieldReader::datetime(const Node& node, std::string_view owner,
                                              std::string_view field) {
  if (const std::optional<std::string> text = string_of(node)) {
    if (Result<DateTime> parsed = time::parse_datetime(*text, nullptr)) return *parsed;
  }
  error(node, fmt::format("{}: '{}' must be an ISO 8601 date and time such as "
                          "2026-01-03T09:00:00+03:30 (UTC without an offset), not {}",
                          owner, field, describe(node)));
  return std::nullopt;
}

// ---- FieldReader: collections ------------------------------------------------------------------

std::optional<std::vector<std::string>> FieldReader::text_list(const Node& node,
                                                               std::string_view owner,
                                                               std::string_view field) {
  if (!expect_list(node, owner, field)) return std::nullopt;
  std::vector<std::string> out;
  const std::size_t before = count();
  for (const Node& item : node.items()) {
    if (std::optional<std::string> text = scalar_text(item); text && !text->empty()) {
      out.push_back(std::move(*text));
    } else {
      error(item, fmt::format("{}: each item of '{}' must be text, not {}", owner, field,
                              describe(item)));
    }
  }
  if (count() != before) return std::nullopt;
  return out;
}

std::optional<Value> FieldReader::object(const Node& node, std::string_view owner,
                                         std::string_view field) {
  if (!expect_map(node, owner, field)) return std::nullopt;
  return to_value(node, problems_);
}

}  // namespace crmflow::yaml
