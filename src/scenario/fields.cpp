#include "scenario/fields.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "model/compile.hpp"
#include "model/fields.hpp"
#include "time/iso8601.hpp"
#include "yaml/schema.hpp"

namespace crmflow::scenario {
namespace {

using model::describe;

// Text of a scalar usable where text is expected: strings, and numbers written as such.
std::optional<std::string> scalar_text(const Node& node) {
  if (!node.is_scalar()) return std::nullopt;
  const Value value = model::value_of(node);
  if (value.is_string()) return value.as_string();
  if (value.is_integer()) return std::to_string(value.as_integer());
  if (value.is_double()) return fmt::format("{}", value.as_double());
  return std::nullopt;
}

}  // namespace

std::string word_list(std::span<const std::string_view> words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

void Fields::error(const Node& node, std::string message) {
  problems_.push_back(node.diagnostic(std::move(message)));
}

void Fields::check_fields(const Node& map, std::string_view owner,
                          std::span<const std::string_view> allowed) {
  for (const Node::Entry& entry : map.entries()) {
    const std::string& key = entry.key.scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    error(entry.key,
          fmt::format("{}: unknown field '{}'{}", owner, key, model::did_you_mean(key, allowed)));
  }
}

bool Fields::expect_map(const Node& node, std::string_view owner, std::string_view field) {
  if (node.is_mapping()) return true;
  error(node, fmt::format("{}: '{}' must be a map (key: value lines or {{...}}), not {}", owner,
                          field, describe(node)));
  return false;
}

bool Fields::expect_list(const Node& node, std::string_view owner, std::string_view field) {
  if (node.is_sequence()) return true;
  error(node, fmt::format("{}: '{}' must be a list ('- ' lines or [...]), not {}", owner, field,
                          describe(node)));
  return false;
}

std::optional<std::string> Fields::text(const Node& node, std::string_view owner,
                                        std::string_view field, bool non_empty) {
  std::optional<std::string> text = scalar_text(node);
  if (!text) {
    error(node, fmt::format("{}: '{}' must be text, not {}", owner, field, describe(node)));
  } else if (non_empty && text->empty()) {
    error(node, fmt::format("{}: '{}' must not be empty", owner, field));
    return std::nullopt;
  }
  return text;
}

std::optional<std::int64_t> Fields::integer(const Node& node, std::string_view owner,
                                            std::string_view field, std::int64_t min,
                                            std::int64_t max) {
  const Value value = node.is_scalar() ? model::value_of(node) : Value{};
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

std::optional<std::vector<std::string>> Fields::text_list(const Node& node, std::string_view owner,
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

std::optional<Value> Fields::object(const Node& node, std::string_view owner,
                                    std::string_view field) {
  if (!expect_map(node, owner, field)) return std::nullopt;
  return yaml::to_value(node, problems_);
}

std::optional<Duration> Fields::duration(const Node& node, std::string_view owner,
                                         std::string_view field) {
  const std::optional<std::string> text = scalar_text(node);
  if (text) {
    Result<Duration> parsed = time::parse_duration(*text);
    if (parsed && parsed->months >= 0 && parsed->days >= 0 && parsed->millis >= 0) return *parsed;
    if (parsed) {
      error(node, fmt::format("{}: '{}' must not be negative: the clock never goes back (use "
                              "'at' to move it to a moment)",
                              owner, field));
      return std::nullopt;
    }
  }
  error(node, fmt::format("{}: '{}' must be an ISO 8601 duration such as PT2H, P1D or P1DT30M, "
                          "not {}",
                          owner, field, describe(node)));
  return std::nullopt;
}

std::optional<DateTime> Fields::datetime(const Node& node, std::string_view owner,
                                         std::string_view field) {
  const std::optional<std::string> text = scalar_text(node);
  if (text) {
    Result<DateTime> parsed = time::parse_datetime(*text, nullptr);
    if (parsed) return *parsed;
  }
  error(node, fmt::format("{}: '{}' must be an ISO 8601 date and time such as "
                          "2026-01-03T09:00:00+03:30 (UTC without an offset), not {}",
                          owner, field, describe(node)));
  return std::nullopt;
}

std::optional<std::string> Fields::one_of(const Node& node, std::string_view owner,
                                          std::string_view field,
                                          std::span<const std::string_view> words) {
  const std::optional<std::string> text = scalar_text(node);
  if (text && std::find(words.begin(), words.end(), *text) != words.end()) return text;
  error(node, fmt::format("{}: '{}' must be {}, not {}{}", owner, field, word_list(words),
                          describe(node), text ? model::did_you_mean(*text, words) : ""));
  return std::nullopt;
}

}  // namespace crmflow::scenario
