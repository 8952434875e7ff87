#include "yaml/fields.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "time/iso8601.hpp"
#include "yaml/reader.hpp"

namespace crmflow::yaml {
namespace {

using namespace std::string_view_literals;

Document parsed(std::string_view text) {
  Result<Document> doc = parse(text, "f.yaml");
  INFO(text);
  if (!doc) FAIL(doc.error().message);
  return *std::move(doc);
}

// A document `v: TEXT` and a reader over a fresh list of problems: `value()` is the node of v.
struct Field {
  explicit Field(std::string_view text) : doc(parsed("v: " + std::string{text} + "\n")) {}

  const Node& value() const { return *doc.root().find("v"); }
  // The only problem reported so far, formatted.
  std::string problem() const {
    REQUIRE(problems.size() == 1);
    return problems.front().format();
  }

  Document doc;
  std::vector<Diagnostic> problems;
  FieldReader fields{problems};
};

TEST_CASE("edit distance counts insertions, deletions, changes and swaps", "[yaml][fields]") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("asignee", "assignee") == 1);
  CHECK(edit_distance("form", "from") == 1);  // one swap of neighbours
  CHECK(edit_distance("ab", "ba") == 1);
}

TEST_CASE("closest suggests only likely typos", "[yaml][fields]") {
  constexpr std::string_view kWords[] = {"assignee", "candidates", "due", "form"};
  CHECK(closest("asignee", kWords) == "assignee"sv);
  CHECK(closest("candidats", kWords) == "candidates"sv);
  CHECK(closest("fomr", kWords) == "form"sv);
  CHECK(closest("dua", kWords) == "due"sv);           // short words: distance 1
  CHECK_FALSE(closest("dxx", kWords).has_value());    // short words: not distance 2
  CHECK_FALSE(closest("sgnee", kWords).has_value());  // longer words: not distance 3
  CHECK(closest("signee", kWords) == "assignee"sv);   // distance 2
  constexpr std::string_view kLetters[] = {"b"};
  CHECK_FALSE(closest("a", kLetters).has_value());  // never a change of the whole word
  CHECK_FALSE(closest("priority", kWords).has_value());
  CHECK_FALSE(closest("x", {}).has_value());
  // The first of equally close candidates.
  constexpr std::string_view kTwins[] = {"cat", "car"};
  CHECK(closest("caw", kTwins) == "cat"sv);
}

TEST_CASE("did you mean and word lists read as English", "[yaml][fields]") {
  constexpr std::string_view kWords[] = {"running", "completed", "cancelled"};
  CHECK(did_you_mean("runing", kWords) == " (did you mean 'running'?)");
  CHECK(did_you_mean("paused", kWords).empty());
  CHECK(word_list(kWords) == "running, completed or cancelled");
  CHECK(word_list(std::span{kWords}.first(2)) == "running or completed");
  CHECK(word_list(std::span{kWords}.first(1)) == "running");
  CHECK(word_list({}).empty());
}

TEST_CASE("describe names a wrong value the way messages quote it", "[yaml][fields]") {
  CHECK(describe(Field{"{a: 1}"}.value()) == "a map");
  CHECK(describe(Field{"[1, 2]"}.value()) == "a list");
  CHECK(describe(Field{"high"}.value()) == "\"high\"");
  CHECK(describe(Field{"'12'"}.value()) == "\"12\"");
  CHECK(describe(Field{"12"}.value()) == "12");
  CHECK(describe(Field{"1.5"}.value()) == "1.5");
  CHECK(describe(Field{"true"}.value()) == "true");
  CHECK(describe(Field{"False"}.value()) == "false");
  CHECK(describe(Field{"~"}.value()) == "nothing");
  CHECK(describe(Field{""}.value()) == "nothing");
  CHECK(describe(Field{R"("say \"hi\"\nthere")"}.value()) == R"("say \"hi\" there")");
  const std::string long_text(70, 'x');
  CHECK(describe(Field{long_text}.value()) == "\"" + std::string(57, 'x') + "...\"");
}

TEST_CASE("value_of and scalar_text type scalars by the YAML 1.2 core schema", "[yaml][fields]") {
  CHECK(value_of(Field{"12"}.value()) == Value{std::int64_t{12}});
  CHECK(value_of(Field{"yes"}.value()) == Value{"yes"});
  CHECK(value_of(Field{"!!int abc"}.value()).is_null());  // refused by the schema
  CHECK(scalar_text(Field{"1001"}.value()) == "1001");
  CHECK(scalar_text(Field{"1.5"}.value()) == "1.5");
  CHECK(scalar_text(Field{"'x'"}.value()) == "x");
  CHECK_FALSE(scalar_text(Field{"true"}.value()).has_value());
  CHECK_FALSE(scalar_text(Field{"~"}.value()).has_value());
  CHECK_FALSE(scalar_text(Field{"[a]"}.value()).has_value());
}

TEST_CASE("check_fields reports each unknown key at the key", "[yaml][fields]") {
  constexpr std::string_view kAllowed[] = {"assignee", "due", "نام"};
  Field f{"{نام: علی, asignee: x, due: P1D, colour: red}"};
  f.fields.check_fields(f.value(), "step 'a'", kAllowed);
  REQUIRE(f.problems.size() == 2);
  // Columns count characters: the Persian key and value before do not shift them.
  CHECK(f.problems[0].format() ==
        "f.yaml:1:15: error: step 'a': unknown field 'asignee' (did you mean 'assignee'?)");
  CHECK(f.problems[1].format() == "f.yaml:1:37: error: step 'a': unknown field 'colour'");

  Field scalar{"x"};
  scalar.fields.check_fields(scalar.value(), "step 'a'", kAllowed);
  CHECK(scalar.problems.empty());
}

TEST_CASE("expect_map and expect_list refuse other shapes", "[yaml][fields]") {
  Field map{"{a: 1}"};
  CHECK(map.fields.expect_map(map.value(), "o", "f"));
  CHECK_FALSE(map.fields.expect_list(map.value(), "o", "f"));
  CHECK(map.problem() ==
        "f.yaml:1:4: error: o: 'f' must be a list ('- ' lines or [...]), not a map");

  Field list{"[1]"};
  CHECK(list.fields.expect_list(list.value(), "o", "f"));
  CHECK_FALSE(list.fields.expect_map(list.value(), "o", "f"));
  CHECK(list.problem() ==
        "f.yaml:1:4: error: o: 'f' must be a map (key: value lines or {...}), not a list");

  Field text{"hello"};
  CHECK_FALSE(text.fields.expect_map(text.value(), "o", "f"));
  CHECK_THAT(text.problem(), Catch::EndsWith("not \"hello\""));
}

TEST_CASE("require reports a missing field at the map, saying what to do", "[yaml][fields]") {
  const Document doc = parsed(
      "steps:\n"
      "  - id: a\n"
      "    type: user\n");
  const Node& step = doc.root().find("steps")->items().at(0);
  std::vector<Diagnostic> problems;
  FieldReader fields{problems};
  const Node* id = fields.require(step, "step", "id", "give the step an id");
  REQUIRE(id != nullptr);
  CHECK(id->scalar() == "a");
  CHECK(problems.empty());

  CHECK(fields.require(step, "step 'a'", "next", "name the step that follows") == nullptr);
  CHECK(fields.require(step, "step 'a'", "name", "") == nullptr);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].format() ==
        "f.yaml:2:5: error: step 'a': 'next' is required: name the step that follows");
  CHECK(problems[1].format() == "f.yaml:2:5: error: step 'a': 'name' is required");
  CHECK(fields.count() == 2);
}

TEST_CASE("text accepts strings and plain numbers, refuses the rest", "[yaml][fields]") {
  for (const auto& [written, read] :
       std::vector<std::pair<std::string, std::string>>{{"hello world", "hello world"},
                                                        {"1001", "1001"},
                                                        {"-7", "-7"},
                                                        {"1.5", "1.5"},
                                                        {"'007'", "007"},
                                                        {"''", ""},
                                                        {"yes", "yes"},
                                                        {"سلام", "سلام"}}) {
    Field f{written};
    INFO(written);
    CHECK(f.fields.text(f.value(), "o", "f") == read);
    CHECK(f.problems.empty());
  }
  for (const auto& [written, shown] : std::vector<std::pair<std::string, std::string>>{
           {"true", "true"}, {"~", "nothing"}, {"[a]", "a list"}, {"{a: b}", "a map"}}) {
    Field f{written};
    INFO(written);
    CHECK_FALSE(f.fields.text(f.value(), "start", "key").has_value());
    CHECK(f.problem() == "f.yaml:1:4: error: start: 'key' must be text, not " + shown);
  }
}

TEST_CASE("non_empty_text refuses the empty text too", "[yaml][fields]") {
  Field ok{"x"};
  CHECK(ok.fields.non_empty_text(ok.value(), "o", "f") == "x");
  Field empty{"\"\""};
  CHECK_FALSE(empty.fields.non_empty_text(empty.value(), "claim", "by").has_value());
  CHECK(empty.problem() == "f.yaml:1:4: error: claim: 'by' must not be empty");
  Field wrong{"false"};
  CHECK_FALSE(wrong.fields.non_empty_text(wrong.value(), "claim", "by").has_value());
  CHECK(wrong.problem() == "f.yaml:1:4: error: claim: 'by' must be text, not false");
}

TEST_CASE("integer accepts whole numbers in range", "[yaml][fields]") {
  Field f{"42"};
  CHECK(f.fields.integer(f.value(), "o", "f", 0, 100) == 42);
  Field low{"0"};
  CHECK(low.fields.integer(low.value(), "o", "f", 0, 100) == 0);
  Field high{"100"};
  CHECK(high.fields.integer(high.value(), "o", "f", 0, 100) == 100);
  Field hex{"0x10"};
  CHECK(hex.fields.integer(hex.value(), "o", "f", 0) == 16);
  CHECK(low.problems.empty());
  CHECK(high.problems.empty());

  for (const auto& [written, shown] :
       std::vector<std::pair<std::string, std::string>>{{"101", "101"},
                                                        {"-1", "-1"},
                                                        {"3.0", "3"},
                                                        {"'5'", "\"5\""},
                                                        {"five", "\"five\""},
                                                        {"~", "nothing"},
                                                        {"[1]", "a list"},
                                                        {"true", "true"}}) {
    Field bad{written};
    INFO(written);
    CHECK_FALSE(bad.fields.integer(bad.value(), "expect", "progress", 0, 100).has_value());
    CHECK(bad.problem() ==
          "f.yaml:1:4: error: expect: 'progress' must be an integer from 0 to 100, not " + shown);
  }
  Field unbounded{"0"};
  CHECK_FALSE(unbounded.fields.integer(unbounded.value(), "start", "version", 1).has_value());
  CHECK(unbounded.problem() ==
        "f.yaml:1:4: error: start: 'version' must be an integer of at least 1, not 0");
}

TEST_CASE("boolean accepts only the YAML 1.2 words", "[yaml][fields]") {
  for (const auto& [written, read] : std::vector<std::pair<std::string, bool>>{
           {"true", true}, {"True", true}, {"TRUE", true}, {"false", false}, {"FALSE", false}}) {
    Field f{written};
    INFO(written);
    CHECK(f.fields.boolean(f.value(), "o", "f") == read);
  }
  for (const char* written : {"yes", "no", "on", "off", "Yes", "y"}) {
    Field f{written};
    INFO(written);
    CHECK_FALSE(f.fields.boolean(f.value(), "end", "terminate").has_value());
    CHECK(f.problem() == "f.yaml:1:4: error: end: 'terminate' must be true or false, not \"" +
                             std::string{written} +
                             "\" (only true and false are booleans in YAML 1.2)");
  }
  Field one{"1"};
  CHECK_FALSE(one.fields.boolean(one.value(), "end", "terminate").has_value());
  CHECK(one.problem() == "f.yaml:1:4: error: end: 'terminate' must be true or false, not 1");
  Field quoted{"'true'"};
  CHECK_FALSE(quoted.fields.boolean(quoted.value(), "end", "terminate").has_value());
  CHECK(quoted.problem() ==
        "f.yaml:1:4: error: end: 'terminate' must be true or false, not \"true\"");
}

TEST_CASE("one_of accepts the listed words, suggesting the closest", "[yaml][fields]") {
  constexpr std::string_view kStatuses[] = {"running", "completed", "cancelled"};
  Field ok{"completed"};
  CHECK(ok.fields.one_of(ok.value(), "expect", "status", kStatuses) == "completed");
  CHECK(ok.problems.empty());
  Field typo{"runing"};
  CHECK_FALSE(typo.fields.one_of(typo.value(), "expect", "status", kStatuses).has_value());
  CHECK(typo.problem() ==
        "f.yaml:1:4: error: expect: 'status' must be running, completed or cancelled, not "
        "\"runing\" (did you mean 'running'?)");
  Field list{"[running]"};
  CHECK_FALSE(list.fields.one_of(list.value(), "expect", "status", kStatuses).has_value());
  CHECK_THAT(list.problem(), Catch::EndsWith("not a list"));
}

TEST_CASE("duration reads ISO 8601 durations, zero only when allowed", "[yaml][fields]") {
  Field f{"P1DT2H"};
  CHECK(f.fields.duration(f.value(), "o", "f") ==
        Duration{.months = 0, .days = 1, .millis = 7'200'000});
  Field zero{"PT0S"};
  CHECK(zero.fields.duration(zero.value(), "o", "f") == Duration{});
  CHECK(zero.problems.empty());

  DurationRules positive;
  positive.allow_zero = false;
  CHECK_FALSE(zero.fields.duration(zero.value(), "step 'a'", "retry_backoff", positive));
  CHECK(zero.problem() ==
        "f.yaml:1:4: error: step 'a': 'retry_backoff' must be longer than zero, not \"PT0S\"");
}

TEST_CASE("duration refuses what is not a duration, in the caller's words", "[yaml][fields]") {
  Field number{"5"};
  CHECK_FALSE(number.fields.duration(number.value(), "step 'a'", "due"));
  CHECK(number.problem() ==
        "f.yaml:1:4: error: step 'a': 'due' must be an ISO 8601 duration such as PT30M, PT4H or "
        "P2D, not 5");

  Field words{"4 hours"};
  CHECK_FALSE(words.fields.duration(words.value(), "step 'a'", "due"));
  CHECK_THAT(words.problem(),
             Catch::StartsWith("f.yaml:1:4: error: step 'a': 'due' is not a valid duration: "
                               "invalid duration '4 hours'") &&
                 Catch::EndsWith("(write an ISO 8601 duration such as PT30M, PT4H or P2D)"));

  Field negative{"-PT1H"};
  CHECK_FALSE(negative.fields.duration(negative.value(), "step 'a'", "due"));
  CHECK(negative.problem() ==
        "f.yaml:1:4: error: step 'a': 'due' must not be negative, not \"-PT1H\"");

  DurationRules clock;
  clock.examples = "PT2H or P1D";
  clock.why_not_negative = "the clock never goes back";
  clock.give_reason = false;
  Field back{"-PT1H"};
  CHECK_FALSE(back.fields.duration(back.value(), "advance", "advance", clock));
  CHECK(back.problem() ==
        "f.yaml:1:4: error: advance: 'advance' must not be negative: the clock never goes back");
  Field hours{"2 hours"};
  CHECK_FALSE(hours.fields.duration(hours.value(), "advance", "advance", clock));
  CHECK(hours.problem() ==
        "f.yaml:1:4: error: advance: 'advance' must be an ISO 8601 duration such as PT2H or P1D, "
        "not \"2 hours\"");
}

TEST_CASE("datetime reads ISO 8601 date and time, UTC without an offset", "[yaml][fields]") {
  Field f{"2026-01-03T09:00:00+03:30"};
  const std::optional<DateTime> read = f.fields.datetime(f.value(), "o", "f");
  REQUIRE(read.has_value());
  CHECK(read->offset_minutes == 210);
  CHECK(*read == *time::parse_datetime("2026-01-03T05:30:00Z", nullptr));
  Field utc{"2026-01-03T09:00:00"};
  CHECK(*utc.fields.datetime(utc.value(), "o", "f") ==
        *time::parse_datetime("2026-01-03T09:00:00Z", nullptr));

  for (const auto& [written, shown] : std::vector<std::pair<std::string, std::string>>{
           {"2026-02-30T09:00:00Z", "\"2026-02-30T09:00:00Z\""},
           {"2026-01-03", "\"2026-01-03\""},
           {"20260103", "20260103"},
           {"[a]", "a list"}}) {
    Field bad{written};
    INFO(written);
    CHECK_FALSE(bad.fields.datetime(bad.value(), "at", "at").has_value());
    CHECK(bad.problem() ==
          "f.yaml:1:4: error: at: 'at' must be an ISO 8601 date and time such as "
          "2026-01-03T09:00:00+03:30 (UTC without an offset), not " +
              shown);
  }
}

TEST_CASE("text_list reads a list of non-empty texts, reporting each bad item", "[yaml][fields]") {
  Field f{"[sales, 1001, 'x y']"};
  CHECK(f.fields.text_list(f.value(), "o", "f") ==
        std::vector<std::string>{"sales", "1001", "x y"});
  Field empty{"[]"};
  CHECK(empty.fields.text_list(empty.value(), "o", "f") == std::vector<std::string>{});

  Field bad{"[گروه, true, '', [a]]"};
  CHECK_FALSE(bad.fields.text_list(bad.value(), "task", "groups").has_value());
  REQUIRE(bad.problems.size() == 3);
  CHECK(bad.problems[0].format() ==
        "f.yaml:1:11: error: task: each item of 'groups' must be text, not true");
  CHECK(bad.problems[1].format() ==
        "f.yaml:1:17: error: task: each item of 'groups' must be text, not \"\"");
  CHECK(bad.problems[2].format() ==
        "f.yaml:1:21: error: task: each item of 'groups' must be text, not a list");

  Field scalar{"sales"};
  CHECK_FALSE(scalar.fields.text_list(scalar.value(), "task", "groups").has_value());
  CHECK(scalar.problem() ==
        "f.yaml:1:4: error: task: 'groups' must be a list ('- ' lines or [...]), not \"sales\"");
}

TEST_CASE("object reads a map as a typed Value", "[yaml][fields]") {
  Field f{"{amount: 12, vip: true, note: yes, tags: [a], when: ~}"};
  const std::optional<Value> read = f.fields.object(f.value(), "start", "vars");
  REQUIRE(read.has_value());
  CHECK((*read)["amount"] == Value{std::int64_t{12}});
  CHECK((*read)["vip"] == Value{true});
  CHECK((*read)["note"] == Value{"yes"});
  CHECK((*read)["tags"].size() == 1);
  CHECK((*read)["when"].is_null());

  Field list{"[a]"};
  CHECK_FALSE(list.fields.object(list.value(), "start", "vars").has_value());
  CHECK(list.problem() ==
        "f.yaml:1:4: error: start: 'vars' must be a map (key: value lines or {...}), not a list");

  Field tagged{"{n: !!int abc}"};
  CHECK_FALSE(tagged.fields.object(tagged.value(), "start", "vars").has_value());
  REQUIRE(tagged.problems.size() == 1);
  CHECK(tagged.problems[0].line == 1);
  CHECK(tagged.problems[0].column == 8);
}

TEST_CASE("places after Persian text count characters, not bytes", "[yaml][fields]") {
  const Document doc = parsed(
      "# توضیح فارسی\n"
      "مشتری: {نام: علی رضایی, سن: ده, فعال: بله}\n");
  const Node& customer = *doc.root().find("مشتری");
  std::vector<Diagnostic> problems;
  FieldReader fields{problems};
  CHECK(fields.non_empty_text(*customer.find("نام"), "customer", "نام") == "علی رضایی");
  CHECK_FALSE(fields.integer(*customer.find("سن"), "customer", "سن", 0, 150));
  CHECK_FALSE(fields.boolean(*customer.find("فعال"), "customer", "فعال"));
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].format() ==
        "f.yaml:2:29: error: customer: 'سن' must be an integer from 0 to 150, not \"ده\"");
  CHECK(problems[1].format() ==
        "f.yaml:2:39: error: customer: 'فعال' must be true or false, not \"بله\"");
}

TEST_CASE("error and count report into the caller's list", "[yaml][fields]") {
  std::vector<Diagnostic> problems{Diagnostic{"other.yaml", 1, 1, "earlier"}};
  FieldReader fields{problems};
  CHECK(fields.count() == 1);
  Field f{"x"};
  fields.error(f.value(), "a problem");
  fields.error(Diagnostic{"f.yaml", 3, 2, "placed"});
  REQUIRE(problems.size() == 3);
  CHECK(problems[1].format() == "f.yaml:1:4: error: a problem");
  CHECK(problems[2].format() == "f.yaml:3:2: error: placed");
  CHECK(fields.count() == 3);
  CHECK(&fields.problems() == &problems);
}

}  // namespace
}  // namespace crmflow::yaml
