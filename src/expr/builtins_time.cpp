// now, today, date, datetime, duration, days_between, format_date.
#include <string>

#include "expr/builtin_groups.hpp"
#include "time/arithmetic.hpp"
#include "time/date_format.hpp"
#include "time/iso8601.hpp"
#include "time/zone.hpp"

namespace crmflow::expr {
namespace {

Date start_date(const DateTime& dt, const Context& ctx) {
  return time::local_date(dt.at, ctx.zone);
}

Value to_date(const Value& v, EvalState& state) {
  if (v.is_null() || v.is_date()) return v;
  if (v.is_datetime()) return Value{start_date(v.as_datetime(), state.context())};
  if (!v.is_string()) return argument_error(Builtin::date, "a text or a datetime", v, state);
  auto parsed = time::parse_date(v.as_string());
  return parsed ? Value{*parsed} : Value{};
}

Value to_datetime(const Value& v, EvalState& state) {
  const auto* zone = state.context().zone;
  if (v.is_null() || v.is_datetime()) return v;
  if (v.is_date()) {
    const Instant start =
        time::from_local(time::LocalTime{v.as_date().day.time_since_epoch()}, zone);
    return Value{time::in_zone(start, zone)};
  }
  if (!v.is_string()) return argument_error(Builtin::datetime, "a text or a date", v, state);
  auto parsed = time::parse_datetime(v.as_string(), zone);
  return parsed ? Value{*parsed} : Value{};
}

Value to_duration(const Value& v, EvalState& state) {
  if (v.is_null() || v.is_duration()) return v;
  if (!v.is_string()) return argument_error(Builtin::duration, "a text", v, state);
  auto parsed = time::parse_duration(v.as_string());
  return parsed ? Value{*parsed} : Value{};
}

Value days_between(const Value& a, const Value& b, EvalState& state) {
  if (a.is_null() || b.is_null()) return Value{};
  for (const Value* v : {&a, &b}) {
    if (!v->is_date() && !v->is_datetime()) {
      return argument_error(Builtin::days_between, "dates or datetimes", *v, state);
    }
  }
  const Context& ctx = state.context();
  const Date from = a.is_date() ? a.as_date() : start_date(a.as_datetime(), ctx);
  const Date to = b.is_date() ? b.as_date() : start_date(b.as_datetime(), ctx);
  return Value{time::days_between(from, to)};
}

Value format_date(Args args, EvalState& state) {
  for (const Value& v : args) {
    if (v.is_null()) return Value{};
  }
  const Value& d = args[0];
  if (!d.is_date() && !d.is_datetime()) {
    return argument_error(Builtin::format_date, "a date or a datetime", d, state);
  }
  if (!args[1].is_string()) {
    return argument_error(Builtin::format_date, "\"gregorian\" or \"jalali\"", args[1], state);
  }
  auto calendar = time::parse_calendar(args[1].as_string());
  if (!calendar) return state.fail("'format_date': " + calendar.error().message);
  std::string_view pattern = time::kDefaultDatePattern;
  if (args.size() == 3) {
    if (!args[2].is_string()) {
      return argument_error(Builtin::format_date, "a text pattern", args[2], state);
    }
    pattern = args[2].as_string();
  }
  if (!state.charge_work(pattern.size())) return Value{};
  auto text = d.is_date() ? time::format_date(d.as_date(), *calendar, pattern)
                          : time::format_datetime(d.as_datetime(), *calendar, pattern,
                                                  state.context().zone);
  if (!text) return state.fail("'format_date': " + text.error().message);
  if (!state.check_string(text->size())) return Value{};
  return Value{std::move(text).value()};
}

}  // namespace

Value call_time(Builtin builtin, Args args, EvalState& state) {
  const Context& ctx = state.context();
  switch (builtin) {
    case Builtin::now:
      return Value{time::in_zone(ctx.now, ctx.zone)};
    case Builtin::today:
      return Value{time::local_date(ctx.now, ctx.zone)};
    case Builtin::date:
      return to_date(args[0], state);
    case Builtin::datetime:
      return to_datetime(args[0], state);
    case Builtin::duration:
      return to_duration(args[0], state);
    case Builtin::days_between:
      return days_between(args[0], args[1], state);
    case Builtin::format_date:
      return format_date(args, state);
    default:
      return state.fail("internal: not a time built-in");
  }
}

}  // namespace crmflow::expr
