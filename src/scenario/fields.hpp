// crmflow::scenario: the typed field readers of the scenario reader. Each checks one field,
// reports what is wrong at the place it was written (as a Diagnostic), and returns nothing so
// that the caller goes on: one read reports every problem of the file.
#pragma once

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

namespace crmflow::scenario {

using yaml::Node;

class Fields {
 public:
  explicit Fields(std::vector<Diagnostic>& problems) : problems_(problems) {}

  // A problem at `node` (at its first character).
  void error(const Node& node, std::string message);
  void error(const Diagnostic& diagnostic) { problems_.push_back(diagnostic); }
  // How many problems were reported so far: callers compare before and after a read.
  std::size_t count() const { return problems_.size(); }

  // Reports every key of `map` not in `allowed`, at the key, with "did you mean".
  void check_fields(const Node& map, std::string_view owner,
                    std::span<const std::string_view> allowed);
  // The node must be a mapping / a sequence; reports it otherwise.
  bool expect_map(const Node& node, std::string_view owner, std::string_view field);
  bool expect_list(const Node& node, std::string_view owner, std::string_view field);

  // Text: a string, or a number written plainly (`key: 1001` is the text "1001"). Booleans,
  // nulls, lists and maps are refused. `non_empty`: "" is refused too.
  std::optional<std::string> text(const Node& node, std::string_view owner, std::string_view field,
                                  bool non_empty = true);
  std::optional<std::int64_t> integer(const Node& node, std::string_view owner,
                                      std::string_view field, std::int64_t min,
                                      std::int64_t max = std::numeric_limits<std::int64_t>::max());
  std::optional<std::vector<std::string>> text_list(const Node& node, std::string_view owner,
                                                    std::string_view field);
  // A map of values (`vars`, `returns`), typed by the YAML 1.2 core schema.
  std::optional<Value> object(const Node& node, std::string_view owner, std::string_view field);
  // An ISO 8601 duration, zero or positive (`PT2H`).
  std::optional<Duration> duration(const Node& node, std::string_view owner,
                                   std::string_view field);
  // An ISO 8601 datetime; without an offset it is UTC.
  std::optional<DateTime> datetime(const Node& node, std::string_view owner,
                                   std::string_view field);
  // One of `words`; "must be one of a, b or c" otherwise (with "did you mean").
  std::optional<std::string> one_of(const Node& node, std::string_view owner,
                                    std::string_view field,
                                    std::span<const std::string_view> words);

 private:
  std::vector<Diagnostic>& problems_;
};

// "a, b or c"
std::string word_list(std::span<const std::string_view> words);

}  // namespace crmflow::scenario
