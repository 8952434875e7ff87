// Templates `text {{ expr }} text` and value fields `= expr`.
#include "expr/template.hpp"

#include <string>
#include <vector>

#include "expr/value_field.hpp"
#include "support.hpp"

namespace crmflow::expr {
namespace {

Rendered render(std::string_view text, const Value& vars, const Context& ctx = {}) {
  auto t = Template::compile(text);
  INFO("template: " << text);
  if (!t) FAIL("compile error at " << t.error().column << ": " << t.error().message);
  ValueScope scope{vars};
  auto r = t->render(scope, ctx);
  if (!r) FAIL("render error: " << r.error().message);
  return *r;
}

const Value& vars() {
  static const Value v = Value::Object{
      {"customer", Value::Object{{"name", "رضا"}, {"phone", "+98912"}, {"email", nullptr}}},
      {"device", "A52"},
      {"cost", 2500000},
      {"case", Value::Object{{"key", "R-1001"}}},
  };
  return v;
}

TEST_CASE("templates replace their parts and copy the rest byte for byte", "[expr][template]") {
  const std::string persian =
      "{{ customer.name }}، گوشی {{device}} شما دریافت شد. رسید {{ case.key }}.";
  Rendered r = render(persian, vars());
  CHECK(r.text == "رضا، گوشی A52 شما دریافت شد. رسید R-1001.");
  CHECK(r.gaps.empty());

  CHECK(render("Cost: {{ cost }}.", vars()).text == "Cost: 2500000.");
  CHECK(render("{{ cost * 1.5 }}", vars()).text == "3750000");
  CHECK(render("{{ persian_digits(cost) }} ریال", vars()).text == "۲۵۰۰۰۰۰ ریال");
  CHECK(render("no parts at all ‏RTL‎ mark", vars()).text == "no parts at all ‏RTL‎ mark");
  CHECK(render("", vars()).text.empty());
  CHECK(render("{{ {a: {b: 'x'}}.a.b }}", vars()).text == "x");        // object braces inside
  CHECK(render("{{ 'a}}b' }}", vars()).text == "a}}b");                // '}}' inside a text
  CHECK(render("{{ \"{{\" }} literal", vars()).text == "{{ literal");  // the escape for '{{'
  CHECK(render("a }} b", vars()).text == "a }} b");                    // a lone '}}' is text
  CHECK(render("{{ [1, 2] }}", vars()).text == "[1, 2]");
}

TEST_CASE("templates report the parts that were null or missing", "[expr][template]") {
  Rendered r =
      render("Hi {{ customer.name }} {{ customer.email }}{{ customer.fax }}{{ nobody }}!", vars());
  CHECK(r.text == "Hi رضا !");
  std::vector<TemplateGap> expected = {
      {"customer.email", 24, false},
      {"customer.fax", 44, true},
      {"nobody", 62, true},
  };
  CHECK(r.gaps == expected);
}

TEST_CASE("template errors carry the column in the template text", "[expr][template]") {
  struct Row {
    const char* text;
    std::size_t column;
    const char* message;
  };
  const std::vector<Row> rows = {
      {"Hello {{ name", 7, "'{{' has no closing '}}'"},
      {"سلام {{ a + }}", 13, "expected a value after '+'"},
      {"ok {{ x }} then {{ 'abc }}", 20, "unterminated text"},
      {"{{ }}", 4, "the expression is empty"},
      {"{{ a } }}", 6, "unexpected '}'"},
      {"x {{ nope(1) }}", 6, "unknown function 'nope'"},
  };
  for (const auto& row : rows) {
    INFO(row.text);
    auto t = Template::compile(row.text);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().column == row.column);
    CHECK_THAT(t.error().message, Catch::Contains(row.message));
  }
}

TEST_CASE("template rendering errors and output bound", "[expr][template]") {
  auto t = Template::compile("Total: {{ cost * 'x' }}");
  REQUIRE(t.ok());
  ValueScope scope{vars()};
  auto r = t->render(scope, Context{});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::invalid_input);
  CHECK_THAT(r.error().message, Catch::StartsWith("in {{ cost * 'x' }}: type error: '*'"));

  auto long_text = Template::compile("{{ device }}{{ device }}{{ device }}");
  REQUIRE(long_text.ok());
  Context ctx;
  ctx.limits.max_string_bytes = 8;
  auto too_long = long_text->render(scope, ctx);
  REQUIRE_FALSE(too_long.ok());
  CHECK_THAT(too_long.error().message, Catch::Contains("limit max_string_bytes"));
}

TEST_CASE("a template lists what it reads", "[expr][template]") {
  auto t = Template::compile("{{ customer.name }} {{ device }} {{ customer.name }}");
  REQUIRE(t.ok());
  CHECK_FALSE(t->is_literal());
  std::vector<ReadPath> expected = {{"customer", "customer.name", 4}, {"device", "device", 24}};
  CHECK(t->reads() == expected);
  auto plain = Template::compile("plain");
  REQUIRE(plain.ok());
  CHECK(plain->is_literal());
}

TEST_CASE("value fields: '=' starts an expression, anything else is literal", "[expr][template]") {
  ValueScope scope{Value::Object{}};
  Value price_vars = Value::Object{{"price", 2}, {"qty", 3}};
  ValueScope prices{price_vars};

  auto total = ValueField::compile(Value{"= price * qty"});
  REQUIRE(total.ok());
  REQUIRE(total->expression() != nullptr);
  CHECK(total->evaluate(prices, Context{})->as_integer() == 6);

  auto status = ValueField::compile(Value{"approved"});
  REQUIRE(status.ok());
  CHECK(status->expression() == nullptr);
  CHECK(status->evaluate(scope, Context{})->as_string() == "approved");

  auto number = ValueField::compile(Value{12});
  REQUIRE(number.ok());
  CHECK(number->literal().as_integer() == 12);

  auto list = ValueField::compile(Value{Value::List{"= x"}});  // only a top-level text counts
  REQUIRE(list.ok());
  CHECK(list->expression() == nullptr);

  auto quoted = ValueField::compile(Value{"= \"=5\""});
  REQUIRE(quoted.ok());
  CHECK(quoted->evaluate(scope, Context{})->as_string() == "=5");

  auto bad = ValueField::compile(Value{"= a +"});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().column == 6);
  CHECK(bad.error().message == "expected a value after '+'");
}

}  // namespace
}  // namespace crmflow::expr
