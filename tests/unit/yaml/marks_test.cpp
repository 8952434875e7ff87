#include <catch2/catch.hpp>
#include <string>

#include "yaml/reader.hpp"

namespace crmflow::yaml {
namespace {

Document parsed(std::string_view text) {
  Result<Document> doc = parse(text, "marks.yaml");
  INFO(text);
  if (!doc) FAIL(doc.error().message);
  return *std::move(doc);
}

Mark at(std::uint32_t line, std::uint32_t column) { return Mark{line, column}; }

TEST_CASE("keys, values and items know their line and column", "[yaml][marks]") {
  const Document doc = parsed(
      "process: repair\n"                              // 1
      "steps:\n"                                       // 2
      "  - id: reception\n"                            // 3
      "    candidates: {groups: [reception, desk]}\n"  // 4
      "  -   id: diagnose\n"                           // 5
      "tags: [a,   'b']\n"                             // 6
      "empty:\n"                                       // 7
      "list:\n"                                        // 8
      "  -\n"                                          // 9
      "  - x\n");                                      // 10
  const Node& root = doc.root();
  CHECK(root.mark() == at(1, 1));
  CHECK(root.find_entry("process")->key.mark() == at(1, 1));
  CHECK(root.find("process")->mark() == at(1, 10));
  const Node& steps = *root.find("steps");
  CHECK(root.find_entry("steps")->key.mark() == at(2, 1));
  CHECK(steps.mark() == at(3, 3));
  CHECK(steps.items()[0].mark() == at(3, 5));
  CHECK(steps.items()[0].find_entry("id")->key.mark() == at(3, 5));
  CHECK(steps.items()[0].find("id")->mark() == at(3, 9));
  const Node& candidates = *steps.items()[0].find("candidates");
  CHECK(candidates.mark() == at(4, 17));
  CHECK(candidates.find_entry("groups")->key.mark() == at(4, 18));
  CHECK(candidates.find("groups")->items()[1].mark() == at(4, 38));
  CHECK(steps.items()[1].find("id")->mark() == at(5, 11));
  CHECK(root.find("tags")->items()[1].mark() == at(6, 13));  // the opening quote
  CHECK(root.find("empty")->mark() == at(7, 1));             // nothing written: at its key
  CHECK(root.find("list")->items()[0].mark() == at(9, 4));   // just after its '-'
  CHECK(root.find("list")->items()[1].mark() == at(10, 5));
}

TEST_CASE("columns count characters, so Persian text does not shift them", "[yaml][marks]") {
  const Document doc = parsed(
      "نام: رضا رضایی\n"
      "پیام: {متن: \"سلام\", کد: 12}\n"
      "فهرست: [الف, ب, ج]\n");
  const Node& root = doc.root();
  CHECK(root.find("نام")->mark() == at(1, 6));
  const Node& message = *root.find("پیام");
  CHECK(message.mark() == at(2, 7));
  CHECK(message.find_entry("کد")->key.mark() == at(2, 21));
  CHECK(message.find("کد")->mark() == at(2, 25));
  CHECK(message.find("متن")->mark() == at(2, 13));
  CHECK(root.find("فهرست")->items()[2].mark() == at(3, 17));
}

TEST_CASE("a tag or anchor is part of the node's place", "[yaml][marks]") {
  const Document doc = parsed("a: !!str 12\nb: &x \"q\"\n");
  CHECK(doc.root().find("a")->mark() == at(1, 4));
  CHECK(doc.root().find("a")->mark_at(1) == at(1, 11));
  CHECK(doc.root().find("b")->mark_at(0) == at(2, 8));
}

TEST_CASE("mark_at finds a character inside a plain scalar", "[yaml][marks]") {
  const Document doc = parsed("when: amount > 1000 and vip\nفارسی: مبلغ > ۱۰۰۰\n");
  const Node& when = *doc.root().find("when");
  CHECK(when.mark_at(0) == at(1, 7));
  CHECK(when.mark_at(7) == at(1, 14));
  CHECK(when.mark_at(100) == at(1, 28));  // past the end: just after the text
  const Node& persian = *doc.root().find("فارسی");
  CHECK(persian.mark_at(5) == at(2, 13));
}

TEST_CASE("mark_at skips the opening quote and counts escapes as one character", "[yaml][marks]") {
  const Document doc = parsed(
      "a: 'it''s x'\n"
      "b: \"tab\\there \\u00e9 x\"\n"
      "c: \"سلام \\\"رضا\\\" x\"\n"
      "d: [\"\\x41 y\", 'z']\n");
  const Node& a = *doc.root().find("a");
  CHECK(a.scalar() == "it's x");
  CHECK(a.mark_at(0) == at(1, 5));
  CHECK(a.mark_at(3) == at(1, 9));   // 's' after the doubled quote
  CHECK(a.mark_at(5) == at(1, 11));  // 'x'
  const Node& b = *doc.root().find("b");
  CHECK(b.scalar() == "tab\there \xc3\xa9 x");
  CHECK(b.mark_at(3) == at(2, 8));    // the '\' of \t
  CHECK(b.mark_at(4) == at(2, 10));   // 'h'
  CHECK(b.mark_at(9) == at(2, 15));   // '\' of \u00e9
  CHECK(b.mark_at(11) == at(2, 22));  // 'x'
  const Node& c = *doc.root().find("c");
  CHECK(c.mark_at(5) == at(3, 10));   // '\' of \"
  CHECK(c.mark_at(6) == at(3, 12));   // 'ر'
  CHECK(c.mark_at(11) == at(3, 18));  // 'x'
  CHECK(c.mark_at(50) == at(3, 19));  // past the end: the closing quote
  const Node& d = *doc.root().find("d");
  CHECK(d.items()[0].mark_at(1) == at(4, 10));  // the space after \x41
  CHECK(d.items()[0].mark_at(2) == at(4, 11));
  CHECK(d.items()[1].mark_at(0) == at(4, 16));
}

TEST_CASE("mark_at falls back to the scalar's start when it spans lines", "[yaml][marks]") {
  const Document doc = parsed(
      "block: |\n"
      "  amount > 1000\n"
      "folded: >\n"
      "  a\n"
      "  b\n"
      "plain: first\n"
      "  second\n"
      "quoted: \"first\n"
      "  second\"\n"
      "map: {a: 1}\n");
  const Node& root = doc.root();
  CHECK(root.find("block")->mark_at(3) == at(1, 8));
  CHECK(root.find("folded")->mark_at(1) == at(3, 9));
  CHECK(root.find("plain")->scalar() == "first second");
  CHECK(root.find("plain")->mark_at(7) == at(6, 8));
  CHECK(root.find("quoted")->mark_at(2) == at(8, 9));
  CHECK(root.find("map")->mark_at(2) == at(10, 6));
  CHECK(Node().mark_at(3) == Mark{});
}

TEST_CASE("diagnostic_at points inside the scalar", "[yaml][marks]") {
  const Document doc = parsed("steps:\n  - when: \"amount >> 3\"\n");
  const Node& when = *doc.root().find("steps")->items()[0].find("when");
  CHECK(when.diagnostic_at(8, "unexpected '>'").format() ==
        "marks.yaml:2:20: error: unexpected '>'");
}

}  // namespace
}  // namespace crmflow::yaml

namespace crmflow::yaml {
namespace {

TEST_CASE("marks survive CRLF line ends, comments and explicit nulls", "[yaml][marks]") {
  const Document doc = parse("a: 1\r\nb: two words\r\n# note\r\nc: [null, ~]\r\nd:", "crlf.yaml")
                           .value();
  const Node& root = doc.root();
  CHECK(root.find("b")->scalar() == "two words");
  CHECK(root.find("b")->mark() == Mark{2, 4});
  CHECK(root.find("b")->mark_at(4) == Mark{2, 8});
  CHECK(root.find("c")->items()[0].scalar() == "null");
  CHECK(root.find("c")->items()[0].mark() == Mark{4, 5});
  CHECK(root.find("c")->items()[1].mark() == Mark{4, 11});
  CHECK(root.find("d")->is_null());
  CHECK(root.find("d")->mark() == Mark{5, 1});  // empty at the end of the file: at its key
}

TEST_CASE("an aliased key and a commented anchor keep their places", "[yaml][marks]") {
  const Document doc =
      parse("k: &name id\n*name : 7\nv: &x # why\n  text\n", "alias.yaml").value();
  const Node& root = doc.root();
  REQUIRE(root.find("id") != nullptr);
  CHECK(root.find("id")->scalar() == "7");
  CHECK(root.find("v")->scalar() == "text");
  CHECK(root.find("v")->mark_at(1) == Mark{4, 4});
}

}  // namespace
}  // namespace crmflow::yaml
