// Scopes: how an expression finds its root names, and the compiled expression's accessors.
#include "support.hpp"

namespace crmflow::expr {
namespace {

TEST_CASE("chained scopes look names up in order", "[expr][scope]") {
  Value item = Value::Object{{"sku", "A52"}};
  Value vars = Value::Object{{"item", "shadowed"}, {"qty", 2}, {"note", nullptr}};
  Value kase = Value::Object{{"key", "R-1001"}, {"id", 7}};
  NamedScope item_scope{"item", item};
  ValueScope var_scope{vars};
  NamedScope case_scope{"case", kase};
  ChainedScope inner{item_scope, var_scope};
  ChainedScope all{inner, case_scope};

  auto e = Expression::compile("item.sku + ':' + string(qty) + ':' + case.key");
  REQUIRE(e.ok());
  auto v = e->evaluate(all, Context{});
  REQUIRE(v.ok());
  CHECK(v->as_string() == "A52:2:R-1001");

  CHECK(all.find("item") == &item);
  CHECK(all.find("qty") == vars.find("qty"));
  REQUIRE(all.find("note") != nullptr);  // bound to null: found, and null
  CHECK(all.find("note")->is_null());
  CHECK(all.find("nobody") == nullptr);
  CHECK(EmptyScope{}.find("x") == nullptr);
  Value not_an_object = 5;
  CHECK(ValueScope{not_an_object}.find("x") == nullptr);
}

TEST_CASE("a compiled expression keeps its text and evaluates many times", "[expr][scope]") {
  auto e = Expression::compile("  total * 2 ");
  REQUIRE(e.ok());
  CHECK(e->text() == "  total * 2 ");
  for (int i = 0; i < 5; ++i) {
    Value vars = Value::Object{{"total", i}};
    ValueScope scope{vars};
    auto v = e->evaluate(scope, Context{});
    REQUIRE(v.ok());
    CHECK(v->as_integer() == 2 * i);
  }
}

TEST_CASE("compile_at shifts columns by the text's position", "[expr][scope]") {
  auto bad = Expression::compile_at("a +", 10);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().column == 14);
  auto good = Expression::compile_at(" a.b", 1);
  REQUIRE(good.ok());
  REQUIRE(good->reads().size() == 1);
  CHECK(good->reads()[0].column == 3);
}

}  // namespace
}  // namespace crmflow::expr
