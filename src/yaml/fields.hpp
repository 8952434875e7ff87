// crmflow::yaml: the typed field readers every YAML file reader of crmflow shares (process
// definitions, scenario files, and the settings files to come).
//
// Each reader checks one field, reports what is wrong at the place it was written (as a
// Diagnostic, in the reader's list) and returns "nothing", so that the caller goes on with the
// next field and one read reports every problem of the file. Messages read
// "OWNER: 'FIELD' must be ..., not VALUE", where OWNER names the thing being read ("step
// 'diagnose'", "expect") and VALUE is describe(node).
//
//   std::vector<Diagnostic> problems;
//   yaml::FieldReader fields{problems};
//   fields.check_fields(map, "calendar 'office'", kCalendarFields);
//   if (const yaml::Node* zone = fields.require(map, "calendar 'office'", "timezone",
//                                               "write an IANA zone such as Asia/Tehran")) {
//     auto name = fields.non_empty_text(*zone, "calendar 'office'", "timezone");
//   }
//
// Thread safety: a FieldReader appends to its list; use one per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/diagnostic.hpp"
#include "crmflow/time.hpp"
#include "crmflow/value.hpp"
#include "yaml/node.hpp"

namespace crmflow::yaml {

// ---- words ----

// The edit distance between two texts (Damerau-Levenshtein: an adjacent transposition counts
// one), counted in bytes: the names it compares are ASCII.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word` when it is close enough to be a likely typo (distance at most
// 1 for words of up to 4 bytes, 2 for longer ones, and less than the word's length); the first
// of equally close candidates; nullopt when none is close.
std::optional<std::string_view> closest(std::string_view word,
                                        std::span<const std::string_view> candidates);
// " (did you mean 'x'?)" for the closest candidate, "" when none is close.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);
// "a, b or c" ("a" for one word, "" for none).
std::string word_list(std::span<const std::string_view> words);

// ---- values ----

// The node as a Value, typed by the YAML 1.2 core schema (yaml/schema.hpp). A node the schema
// refuses (an unknown tag, `!!int abc`, 1e400) reads as null: readers report those once, for the
// whole document, with to_value(root, problems).
Value value_of(const Node& node);
// The text of a scalar where text is expected: a string, or a number written plainly (`1001`
// is the text "1001", `1.5` is "1.5"). nullopt for booleans, nulls, sequences and mappings.
std::optional<std::string> scalar_text(const Node& node);
// How a wrong value is named in messages ("..., not X"): `"high"` (quoted, cut after 57
// characters, newlines as spaces), `12`, `1.5`, `true`, `nothing` (null), `a list`, `a map`.
std::string describe(const Node& node);

// How FieldReader::duration bounds and words what it accepts.
struct DurationRules {
  // Whether a zero duration (PT0S) is accepted. A negative one never is.
  bool allow_zero = true;
  // The examples messages give: "must be an ISO 8601 duration such as <examples>".
  std::string_view examples = "PT30M, PT4H or P2D";
  // Why a negative duration is refused, said after "must not be negative: "; when empty, the
  // message ends "must not be negative, not VALUE".
  std::string_view why_not_negative;
  // Text that is not a duration: true reports the parser's reason ("'F' is not a valid duration:
  // REASON (write an ISO 8601 duration such as ...)"); false gives the message of a value that is
  // not text ("'F' must be an ISO 8601 duration such as ..., not VALUE").
  bool give_reason = true;
};

class FieldReader {
 public:
  // Problems are appended to `problems`, which must outlive the reader.
  explicit FieldReader(std::vector<Diagnostic>& problems) : problems_(problems) {}

  // ---- reporting ----

  // A problem at `node` (its first character; see Node::mark).
  void error(const Node& node, std::string message);
  void error(Diagnostic diagnostic) { problems_.push_back(std::move(diagnostic)); }
  // How many problems were reported so far: callers compare before and after a read.
  std::size_t count() const noexcept { return problems_.size(); }
  // The list problems go to (for readers that hand it on, such as to_value).
  std::vector<Diagnostic>& problems() noexcept { return problems_; }

  // ---- shape ----

  // Reports each key of `map` that is not in `allowed`, at the key: "OWNER: unknown field 'k'"
  // with " (did you mean 'x'?)" when one is close. Nothing for a node that is not a mapping.
  void check_fields(const Node& map, std::string_view owner,
                    std::span<const std::string_view> allowed);
  // True when `node` is a mapping; otherwise reports "'F' must be a map (key: value lines or
  // {...}), not VALUE".
  bool expect_map(const Node& node, std::string_view owner, std::string_view field);
  // True when `node` is a sequence; otherwise reports "'F' must be a list ('- ' lines or [...]),
  // not VALUE".
  bool expect_list(const Node& node, std::string_view owner, std::string_view field);
  // The value of the required `field` of `map`; when absent, reports at the map
  // "OWNER: 'F' is required: HINT" (HINT says what to write; without one the message ends at
  // "required") and returns nullptr. A `map` that is not a mapping has no fields.
  const Node* require(const Node& map, std::string_view owner, std::string_view field,
                      std::string_view hint);

  // ---- scalars ----

  // Text as scalar_text() reads it, "" included; otherwise reports "'F' must be text, not
  // VALUE".
  std::optional<std::string> text(const Node& node, std::string_view owner, std::string_view field);
  // As text(), and "" is refused too: "'F' must not be empty".
  std::optional<std::string> non_empty_text(const Node& node, std::string_view owner,
                                            std::string_view field);
  // An integer from `min` to `max`; otherwise reports "'F' must be an integer from MIN to MAX,
  // not VALUE" ("of at least MIN" when `max` is the largest int64). Floats (`3.0`) and quoted
  // numbers are not integers.
  std::optional<std::int64_t> integer(const Node& node, std::string_view owner,
                                      std::string_view field, std::int64_t min,
                                      std::int64_t max = std::numeric_limits<std::int64_t>::max());
  // `true` or `false` (also True/TRUE/False/FALSE); otherwise reports "'F' must be true or
  // false, not VALUE", adding that only true and false are booleans in YAML 1.2 for the words
  // YAML 1.1 read as booleans (yes, no, on, off, ...).
  std::optional<bool> boolean(const Node& node, std::string_view owner, std::string_view field);
  // One of `words`; otherwise reports "'F' must be a, b or c, not VALUE" with "did you mean".
  std::optional<std::string> one_of(const Node& node, std::string_view owner,
                                    std::string_view field,
                                    std::span<const std::string_view> words);
  // An ISO 8601 duration written as a string (`PT2H`, `P1DT30M`), bounded and worded by
  // `rules`. Messages: see DurationRules; a zero duration refused reads "'F' must be longer
  // than zero, not VALUE".
  std::optional<Duration> duration(const Node& node, std::string_view owner, std::string_view field,
                                   const DurationRules& rules = {});
  // An ISO 8601 date and time written as a string (`2026-01-03T09:00:00+03:30`; UTC when it
  // has no offset); otherwise reports "'F' must be an ISO 8601 date and time such as
  // 2026-01-03T09:00:00+03:30 (UTC without an offset), not VALUE".
  std::optional<DateTime> datetime(const Node& node, std::string_view owner,
                                   std::string_view field);

  // ---- collections ----

  // A sequence of non-empty texts; reports a node that is not a sequence (expect_list), and each
  // other item: "each item of 'F' must be text, not VALUE". nullopt when anything was reported.
  std::optional<std::vector<std::string>> text_list(const Node& node, std::string_view owner,
                                                    std::string_view field);
  // A mapping as a Value object, typed by the YAML 1.2 core schema (yaml/schema.hpp); reports a
  // node that is not a mapping (expect_map) and what the schema refuses (`!!int abc`).
  std::optional<Value> object(const Node& node, std::string_view owner, std::string_view field);

 private:
  std::vector<Diagnostic>& problems_;
};

}  // namespace crmflow::yaml
