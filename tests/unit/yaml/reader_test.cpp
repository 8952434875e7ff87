#include "yaml/reader.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "yaml/schema.hpp"

namespace crmflow::yaml {
namespace {

Document parsed(std::string_view text, const Limits& limits = {}) {
  Result<Document> doc = parse(text, "test.yaml", limits);
  INFO(text);
  if (!doc) FAIL(doc.error().message);
  return *std::move(doc);
}

std::string error_of(std::string_view text, const Limits& limits = {}) {
  Result<Document> doc = parse(text, "test.yaml", limits);
  INFO(text);
  REQUIRE_FALSE(doc.ok());
  CHECK(doc.error().code == ErrorCode::invalid_input);
  return doc.error().message;
}

std::string keys_of(const Node& mapping) {
  std::string keys;
  for (const Node::Entry& entry : mapping.entries()) keys += entry.key.scalar() + " ";
  return keys;
}

TEST_CASE("the tree keeps kinds, text and document order", "[yaml]") {
  const Document doc = parsed(
      "process: phone-repair\n"
      "zeta: 1\n"
      "alpha: [a, 'b', \"c\"]\n"
      "empty:\n"
      "steps:\n"
      "  - id: reception\n"
      "  - id: diagnose\n");
  const Node& root = doc.root();
  CHECK(doc.file() == "test.yaml");
  REQUIRE(root.is_mapping());
  CHECK(keys_of(root) == "process zeta alpha empty steps ");
  CHECK(root.size() == 5);
  CHECK(root.find("process")->scalar() == "phone-repair");
  CHECK(root.find("zeta")->is_scalar());
  CHECK(root.find("empty")->is_null());
  CHECK(root.find("empty")->scalar().empty());
  CHECK(root.find("missing") == nullptr);
  const Node& alpha = *root.find("alpha");
  REQUIRE(alpha.is_sequence());
  CHECK(alpha.size() == 3);
  CHECK(alpha.items()[0].style() == ScalarStyle::plain);
  CHECK(alpha.items()[1].style() == ScalarStyle::single_quoted);
  CHECK(alpha.items()[2].style() == ScalarStyle::double_quoted);
  CHECK(root.find("steps")->items()[1].find("id")->scalar() == "diagnose");
  // Accessors on the wrong kind are empty, not errors.
  CHECK(alpha.entries().empty());
  CHECK(alpha.find("x") == nullptr);
  CHECK(root.items().empty());
  CHECK(root.find("zeta")->size() == 0);
  CHECK(root.file() == "test.yaml");
}

TEST_CASE("plain and quoted scalars stay apart", "[yaml]") {
  const Document doc = parsed("a: 12\nb: \"12\"\nc: '12'\nd: |\n  12\ne: >\n  12\nf: ~\ng: null\n");
  const Node& root = doc.root();
  CHECK(root.find("a")->is_plain());
  CHECK_FALSE(root.find("b")->is_plain());
  CHECK(root.find("b")->scalar() == "12");
  CHECK(root.find("c")->style() == ScalarStyle::single_quoted);
  CHECK(root.find("d")->style() == ScalarStyle::literal);
  CHECK(root.find("d")->scalar() == "12\n");
  CHECK(root.find("e")->style() == ScalarStyle::folded);
  CHECK(root.find("f")->is_null());
  CHECK(root.find("f")->scalar() == "~");
  CHECK(root.find("g")->scalar() == "null");
}

TEST_CASE("explicit tags are kept, standard ones in full", "[yaml]") {
  const Document doc = parsed("a: !!str 12\nb: !money 5\nc: !!int \"7\"\nd: ! 12\ne: \"x\"\n");
  const Node& root = doc.root();
  CHECK(root.find("a")->tag() == "tag:yaml.org,2002:str");
  CHECK(root.find("a")->is_plain());
  CHECK(root.find("b")->tag() == "!money");
  CHECK(root.find("c")->tag() == "tag:yaml.org,2002:int");
  CHECK(root.find("c")->style() == ScalarStyle::double_quoted);
  CHECK(root.find("d")->tag() == "!");
  CHECK(root.find("e")->tag().empty());
}

TEST_CASE("an empty text or one of comments is a null document", "[yaml]") {
  CHECK(parsed("").root().is_null());
  CHECK(parsed("# nothing here\n").root().is_null());
  CHECK(parsed("\xEF\xBB\xBFkey: v\n").root().find("key")->scalar() == "v");  // byte order mark
  CHECK(parsed("---\na: 1\n...\n").root().is_mapping());
}

TEST_CASE("duplicate keys are errors at the second key", "[yaml]") {
  CHECK(error_of("id: a\nname: x\nid: b\n") ==
        "test.yaml:3:1: error: duplicate key 'id' (first defined at line 1)");
  CHECK(error_of("steps:\n  - id: a\n    type: user\n    type: service\n") ==
        "test.yaml:4:5: error: duplicate key 'type' (first defined at line 3)");
  CHECK_THAT(error_of("{a: 1, b: 2, a: 3}"),
             Catch::StartsWith("test.yaml:1:14: error: duplicate key 'a'"));
  // Keys are compared by their text: a quoted "1" and a plain 1 collide.
  CHECK_THAT(error_of("1: a\n\"1\": b\n"),
             Catch::StartsWith("test.yaml:2:1: error: duplicate key '1'"));
  // The same key in different mappings is fine.
  CHECK(parsed("a: {x: 1}\nb: {x: 2}\n").root().find("b")->find("x")->scalar() == "2");
}

TEST_CASE("keys must be scalars", "[yaml]") {
  CHECK_THAT(
      error_of("? [a, b]\n: c\n"),
      Catch::StartsWith("test.yaml:1:3: error: a mapping key must be a plain or quoted text, "
                        "not sequence"));
  CHECK_THAT(error_of("~: c\n"), Catch::Contains("not empty or null"));
  CHECK(parsed("\"null\": c\n").root().find("null")->scalar() == "c");
}

TEST_CASE("aliases are expanded and shared", "[yaml]") {
  const Document doc = parsed(
      "base: &contact {sms: \"+98912\", lang: fa}\n"
      "ali: *contact\n"
      "list: [&one 1, *one]\n");
  const Node& ali = *doc.root().find("ali");
  REQUIRE(ali.is_mapping());
  CHECK(ali.find("lang")->scalar() == "fa");
  // The aliased node keeps the place where its text is written.
  CHECK(ali.mark() == doc.root().find("base")->mark());
  CHECK(doc.root().find("list")->items()[1].scalar() == "1");
}

TEST_CASE("a billion-laughs document is refused", "[yaml]") {
  const std::string bomb =
      "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
      "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
      "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
  CHECK_THAT(error_of(bomb),
             Catch::StartsWith("test.yaml:5:") &&
                 Catch::Contains("aliases expand to more than 10000 nodes (at alias '*d')"));
  // The bound is configurable.
  CHECK_THAT(error_of("a: &a [1, 2, 3]\nb: [*a, *a]\n", Limits{.max_alias_nodes = 7}),
             Catch::StartsWith("test.yaml:2:9: error: aliases expand to more than 7 nodes"));
  CHECK(parsed("a: &a [1, 2, 3]\nb: [*a, *a]\n", Limits{.max_alias_nodes = 8}).root().size() == 2);
}

TEST_CASE("unknown and recursive aliases are errors", "[yaml]") {
  CHECK_THAT(
      error_of("a: *nowhere\n"),
      Catch::StartsWith("test.yaml:1:4: error: an alias names an anchor that is not defined"));
  CHECK_THAT(error_of("a: &x [1, *x]\n"), Catch::Contains("recursive aliases are not allowed"));
}

TEST_CASE("merge keys copy the entries a mapping does not define", "[yaml]") {
  const Document doc = parsed(
      "defaults: &d {retries: 3, channel: sms, lang: fa}\n"
      "more: &m {lang: en, sender: crm}\n"
      "one:\n"
      "  channel: email\n"
      "  <<: *d\n"
      "  extra: 1\n"
      "two:\n"
      "  <<: [*m, *d]\n"
      "three:\n"
      "  \"<<\": plain key\n");
  const Node& one = *doc.root().find("one");
  CHECK(keys_of(one) == "channel retries lang extra ");
  CHECK(one.find("channel")->scalar() == "email");
  CHECK(one.find("retries")->scalar() == "3");
  const Node& two = *doc.root().find("two");
  CHECK(keys_of(two) == "lang sender retries channel ");
  CHECK(two.find("lang")->scalar() == "en");  // the earlier merged mapping wins
  CHECK(doc.root().find("three")->find("<<")->scalar() == "plain key");
  CHECK_THAT(error_of("a:\n  <<: 5\n"),
             Catch::StartsWith("test.yaml:2:7: error: a merge key '<<' needs a mapping"));
}

TEST_CASE("syntax errors come back with their place in characters", "[yaml]") {
  CHECK(error_of("a: [1, 2\nb: 3\n").starts_with("test.yaml:"));
  CHECK(error_of("a: 'open\n") ==
        "test.yaml:1:4: error: a quoted text is not closed before the end of the file");
  CHECK_THAT(error_of("a: \"open \\\" still\nb: 1\n"), Catch::StartsWith("test.yaml:1:4: error: "));
  CHECK(parsed("a: 'it''s'\nb: \"q\\\"\"\n").root().find("b")->scalar() == "q\"");
  CHECK_THAT(error_of("steps:\n  - id: a\n - id: b\n"),
             Catch::StartsWith("test.yaml:3:2: error: "));
  CHECK_THAT(error_of("name: \"bad \\q escape\"\n"), Catch::Contains("unknown escape '\\q'"));
  // The column counts Persian characters, not their bytes.
  CHECK_THAT(error_of("نام: [رضا, \"علی\"\n"), Catch::StartsWith("test.yaml:2:1: error: "));
  CHECK_THAT(error_of("a: b: c\n"), Catch::StartsWith("test.yaml:1:5: error: unexpected ':'"));
  CHECK_THAT(error_of("الف: ب: ج\n"), Catch::StartsWith("test.yaml:1:7: error: unexpected ':'"));
}

TEST_CASE("a file holds one UTF-8 document", "[yaml]") {
  CHECK(error_of("a: 1\n---\nb: 2\n") ==
        "test.yaml:2:1: error: a second YAML document; a crmflow file holds exactly one "
        "(remove this '---' line or split the file)");
  CHECK_THAT(error_of("- a\nb: 1\n"),
             Catch::StartsWith("test.yaml:2:1: error: text after the end of the document's "
                               "top-level value"));
  CHECK(error_of("a: 1\nb: caf\xe9\n") ==
        "test.yaml:2:7: error: the file is not valid UTF-8 text (save it as UTF-8)");
}

TEST_CASE("nesting is bounded", "[yaml]") {
  const std::string deep = std::string(300, '[') + std::string(300, ']');
  CHECK_THAT(error_of(deep), Catch::Contains("nest deeper than 256 levels"));
  CHECK(parsed(std::string(20, '[') + std::string(20, ']')).root().is_sequence());
}

TEST_CASE("parse_file names the file in messages", "[yaml]") {
  const std::string path = "/tmp/crmflow_yaml_reader_test.yaml";
  {
    std::ofstream out(path);
    out << "a: 1\na: 2\n";
  }
  Result<Document> doc = parse_file(path);
  REQUIRE_FALSE(doc.ok());
  CHECK(doc.error().message == path + ":2:1: error: duplicate key 'a' (first defined at line 1)");
  Result<Document> missing = parse_file("/tmp/no/such/file.yaml");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::not_found);
  CHECK_THAT(missing.error().message, Catch::StartsWith("/tmp/no/such/file.yaml: cannot open"));
}

TEST_CASE("Diagnostic formats as FILE:LINE:COL: error: MESSAGE", "[yaml]") {
  CHECK(Diagnostic{"p.yaml", 21, 11, "unknown field"}.format() ==
        "p.yaml:21:11: error: unknown field");
  CHECK(Diagnostic{"p.yaml", 0, 0, "cannot read"}.format() == "p.yaml: error: cannot read");
  const Document doc = parsed("a:\n  b: x\n");
  const Diagnostic d = doc.root().find("a")->find("b")->diagnostic("bad b");
  CHECK(d == Diagnostic{"test.yaml", 2, 6, "bad b"});
  CHECK(to_error(d).message == "test.yaml:2:6: error: bad b");
}

}  // namespace
}  // namespace crmflow::yaml

namespace crmflow::yaml {
namespace {

TEST_CASE("loaders can collect problems as Diagnostics", "[yaml]") {
  std::vector<Diagnostic> problems;
  CHECK_FALSE(parse("a: 1\na: 2\n", "p.yaml", problems).has_value());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] == Diagnostic{"p.yaml", 2, 1, "duplicate key 'a' (first defined at line 1)"});
  std::optional<Document> doc = parse("x: !!int abc\ny: !!int 5\n", "p.yaml", problems);
  REQUIRE(doc.has_value());
  CHECK_FALSE(to_value(doc->root(), problems).has_value());
  REQUIRE(problems.size() == 2);
  CHECK(problems[1] == Diagnostic{"p.yaml", 1, 4, "!!int needs an integer, not 'abc'"});
  const std::optional<Value> y = to_value(*doc->root().find("y"), problems);
  REQUIRE(y.has_value());
  CHECK(*y == Value(5));
  CHECK(problems.size() == 2);
}

}  // namespace
}  // namespace crmflow::yaml
