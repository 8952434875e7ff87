// What the expression and template fuzz targets evaluate against: a few variables of every kind
// (the names the seed corpus uses), the clock at a fixed moment and a zone with DST history.
#pragma once

#include <chrono>
#include <string>

#include "crmflow/value.hpp"
#include "expr/expression.hpp"
#include "time/iso8601.hpp"
#include "time/zone.hpp"

namespace crmflow::fuzz {

inline const Value& variables() {
  static const Value vars = [] {
    Value::Object customer{{"name", Value{"رضا"}},
                           {"phone", Value{"+989121234567"}},
                           {"vip", Value{true}},
                           {"tags", Value{Value::List{Value{"a"}, Value{"b"}}}}};
    Value::List items;
    for (int i = 0; i < 4; ++i) {
      items.push_back(Value{Value::Object{{"price", Value{1500 * (i + 1)}},
                                          {"name", Value{"item " + std::to_string(i)}}}});
    }
    Value::Object object{
        {"cost", Value{2'500'000}},
        {"rate", Value{0.25}},
        {"reply", Value{"YES"}},
        {"device", Value{"A52"}},
        {"count", Value{3}},
        {"empty", Value{""}},
        {"nothing", Value{}},
        {"flag", Value{false}},
        {"customer", Value{std::move(customer)}},
        {"items", Value{std::move(items)}},
        {"numbers", Value{Value::List{Value{1}, Value{-2}, Value{3.5}}}},
        {"due", Value{*time::parse_datetime("2026-03-20T09:30:00+03:30", nullptr)}},
        {"day", Value{*time::parse_date("2026-03-20")}},
        {"wait", Value{*time::parse_duration("P1DT2H")}},
    };
    return Value{std::move(object)};
  }();
  return vars;
}

inline expr::Context context() {
  expr::Context ctx;
  // An hour before Berlin's clocks go forward: date arithmetic crosses the gap.
  ctx.now = time::parse_datetime("2026-03-29T00:30:00Z", nullptr)->at;
  auto zone = time::find_zone("Europe/Berlin");
  ctx.zone = zone ? *zone : nullptr;
  return ctx;
}

}  // namespace crmflow::fuzz
