// Value <-> Python, times, and crmflow.Duration.
//
// The mapping (docs/python.md, "Values"): None/bool/int/float/str/list/dict are null, boolean,
// integer (64-bit), number, string, list and object; datetime.date is a date; an aware
// datetime.datetime is a datetime keeping its UTC offset; crmflow.Duration is a duration (a
// datetime.timedelta is accepted too and becomes days and milliseconds). Every kind comes back
// as the Python type it was given as, except tuples (lists) and timedeltas (crmflow.Duration):
// what is accepted round-trips exactly, and what cannot be exact (a naive datetime, sub-millisecond
// parts, an int beyond 64 bits, a dict key that is not a str) is refused with crmflow.InvalidInput.
#include <pybind11/operators.h>
#include <pybind11/stl.h>

#include <climits>
#include <cstdint>
#include <string>

#include "common.hpp"
#include "crmflow/json.hpp"

namespace crmflow::python {
namespace {

// 1970-01-01 as a proleptic Gregorian ordinal (date.toordinal()).
constexpr std::int64_t kEpochOrdinal = 719163;
constexpr std::int64_t kMillisPerDay = 86'400'000;

py::module_ datetime_module() { return py::module_::import("datetime"); }

[[noreturn]] void refuse(const std::string& where, const std::string& what) {
  raise_error(invalid_input(where.empty() ? what : where + ": " + what));
}

std::string type_name(py::handle object) {
  return py::str(py::type::handle_of(object).attr("__qualname__"));
}

// A timedelta's parts; Python normalises them to days (any sign), 0 <= seconds < 86400 and
// 0 <= microseconds < 1e6.
struct TimedeltaParts {
  std::int64_t days;
  std::int64_t seconds;
  std::int64_t micros;
};
TimedeltaParts parts_of(py::handle delta) {
  return {delta.attr("days").cast<std::int64_t>(), delta.attr("seconds").cast<std::int64_t>(),
          delta.attr("microseconds").cast<std::int64_t>()};
}

std::int64_t exact_millis(py::handle delta, const std::string& where) {
  const TimedeltaParts p = parts_of(delta);
  if (p.micros % 1000 != 0) refuse(where, "sub-millisecond timedelta (crmflow keeps milliseconds)");
  return p.days * kMillisPerDay + p.seconds * 1000 + p.micros / 1000;
}

Duration duration_from_timedelta(py::handle delta, const std::string& where) {
  // Days and the clock part keep one sign, as a parsed ISO 8601 duration does.
  const std::int64_t total = exact_millis(delta, where);
  const std::int64_t magnitude = total < 0 ? -total : total;
  const std::int64_t sign = total < 0 ? -1 : 1;
  return Duration{.months = 0,
                  .days = static_cast<std::int32_t>(sign * (magnitude / kMillisPerDay)),
                  .millis = sign * (magnitude % kMillisPerDay)};
}

std::string duration_iso(const Duration& duration) {
  const std::string json = to_json(Value{duration});
  return json.substr(1, json.size() - 2);  // a JSON string without escapes: "P2DT1H"
}

Duration parse_duration(const std::string& text) {
  // The library's ISO 8601 reader, through its typed JSON form.
  const std::string json = to_json(Value{Value::Object{{"$duration", Value{text}}}});
  Result<Value> parsed = parse_json(json, JsonStyle::typed);
  if (!parsed.ok() || !parsed->is_duration()) {
    raise_error(invalid_input("not an ISO 8601 duration: '" + text + "'"));
  }
  return parsed->as_duration();
}

py::object date_to_python(Date date) {
  return datetime_module().attr("date").attr("fromordinal")(date.day.time_since_epoch().count() +
                                                            kEpochOrdinal);
}

py::object datetime_to_python(const DateTime& dt) {
  py::module_ datetime = datetime_module();
  py::object zone =
      datetime.attr("timezone")(datetime.attr("timedelta")(py::arg("minutes") = dt.offset_minutes));
  return instant_to_python(dt.at).attr("astimezone")(zone);
}

DateTime datetime_from_python(py::handle object, const std::string& where) {
  py::object offset = object.attr("utcoffset")();
  if (offset.is_none()) refuse(where, "a naive datetime (give it a tzinfo)");
  const std::int64_t offset_millis = exact_millis(offset, where);
  if (offset_millis % 60'000 != 0) refuse(where, "a UTC offset that is not whole minutes");
  if (object.attr("microsecond").cast<std::int64_t>() % 1000 != 0) {
    refuse(where, "sub-millisecond datetime (crmflow keeps milliseconds)");
  }
  return DateTime{.at = instant_from_python(object),
                  .offset_minutes = static_cast<std::int32_t>(offset_millis / 60'000)};
}

Value convert(py::handle object, const std::string& where, std::size_t depth) {
  if (depth > kJsonMaxDepth) refuse(where, "nested deeper than " + std::to_string(kJsonMaxDepth));
  if (object.is_none()) return Value{};
  if (py::isinstance<py::bool_>(object)) return Value{object.cast<bool>()};
  if (py::isinstance<py::int_>(object)) {
    int overflow = 0;
    const long long number = PyLong_AsLongLongAndOverflow(object.ptr(), &overflow);
    if (overflow != 0) refuse(where, "an int outside the 64-bit range");
    if (number == -1 && PyErr_Occurred()) throw py::error_already_set();
    return Value{static_cast<std::int64_t>(number)};
  }
  if (py::isinstance<py::float_>(object)) return Value{object.cast<double>()};
  if (py::isinstance<py::str>(object)) return Value{object.cast<std::string>()};
  if (py::isinstance<py::dict>(object)) {
    Value::Object members;
    for (auto [key, item] : object.cast<py::dict>()) {
      if (!py::isinstance<py::str>(key)) {
        refuse(where, "a dict key that is not a str (" + type_name(key) + ")");
      }
      std::string name = key.cast<std::string>();
      std::string inner = where.empty() ? name : where + "." + name;
      members.emplace(std::move(name), convert(item, inner, depth + 1));
    }
    return Value{std::move(members)};
  }
  if (py::isinstance<py::list>(object) || py::isinstance<py::tuple>(object)) {
    Value::List items;
    std::size_t index = 0;
    for (py::handle item : object) {
      items.push_back(convert(item, where + "[" + std::to_string(index++) + "]", depth + 1));
    }
    return Value{std::move(items)};
  }
  if (py::isinstance<Duration>(object)) return Value{object.cast<Duration>()};
  py::module_ datetime = datetime_module();
  if (py::isinstance(object, datetime.attr("datetime"))) {
    return Value{datetime_from_python(object, where)};
  }
  if (py::isinstance(object, datetime.attr("date"))) {
    return Value{Date{std::chrono::sys_days{
        std::chrono::days{object.attr("toordinal")().cast<std::int64_t>() - kEpochOrdinal}}}};
  }
  if (py::isinstance(object, datetime.attr("timedelta"))) {
    return Value{duration_from_timedelta(object, where)};
  }
  refuse(where, "a " + type_name(object) +
                    " has no crmflow value (use None, bool, int, float, str, list, dict, "
                    "datetime.date, an aware datetime.datetime, datetime.timedelta or "
                    "crmflow.Duration)");
}

}  // namespace

py::object to_python(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::null:
      return py::none();
    case Value::Kind::boolean:
      return py::bool_(value.as_bool());
    case Value::Kind::integer:
      return py::int_(value.as_integer());
    case Value::Kind::number:
      return py::float_(value.as_double());
    case Value::Kind::string:
      return py::str(value.as_string());
    case Value::Kind::list: {
      py::list out;
      for (const Value& item : value.as_list()) out.append(to_python(item));
      return out;
    }
    case Value::Kind::object: {
      py::dict out;
      for (const auto& [key, item] : value.as_object()) out[py::str(key)] = to_python(item);
      return out;
    }
    case Value::Kind::date:
      return date_to_python(value.as_date());
    case Value::Kind::datetime:
      return datetime_to_python(value.as_datetime());
    case Value::Kind::duration:
      return py::cast(value.as_duration());
  }
  raise_error(internal_error("a Value of an unknown kind"));
}

Value from_python(py::handle object) { return convert(object, "", 0); }

Value vars_from_python(py::handle object) {
  if (object.is_none()) return Value{};
  if (!py::isinstance<py::dict>(object)) {
    raise_error(invalid_input("vars must be a dict (or None), not a " + type_name(object)));
  }
  return convert(object, "", 0);
}

py::object instant_to_python(Instant at) {
  py::module_ datetime = datetime_module();
  py::object epoch = datetime.attr("datetime")(
      1970, 1, 1, py::arg("tzinfo") = datetime.attr("timezone").attr("utc"));
  return epoch +
         datetime.attr("timedelta")(py::arg("milliseconds") = at.time_since_epoch().count());
}

Instant instant_from_python(py::handle object) {
  py::module_ datetime = datetime_module();
  if (!py::isinstance(object, datetime.attr("datetime"))) {
    raise_error(invalid_input("expected a datetime.datetime, not a " + type_name(object)));
  }
  if (object.attr("utcoffset")().is_none()) {
    raise_error(invalid_input("a naive datetime (give it a tzinfo, e.g. datetime.timezone.utc)"));
  }
  py::object epoch = datetime.attr("datetime")(
      1970, 1, 1, py::arg("tzinfo") = datetime.attr("timezone").attr("utc"));
  return Instant{std::chrono::milliseconds{exact_millis(object - epoch, "")}};
}

py::object optional_instant_to_python(const std::optional<Instant>& at) {
  return at ? instant_to_python(*at) : py::none();
}

std::chrono::milliseconds millis_from_timedelta(py::handle object) {
  if (!py::isinstance(object, datetime_module().attr("timedelta"))) {
    raise_error(invalid_input("expected a datetime.timedelta, not a " + type_name(object)));
  }
  return std::chrono::milliseconds{exact_millis(object, "")};
}

py::object timedelta_from_millis(std::chrono::milliseconds millis) {
  return datetime_module().attr("timedelta")(py::arg("milliseconds") = millis.count());
}

void bind_values(py::module_& module) {
  py::class_<Duration>(module, "Duration", R"doc(
An ISO 8601 duration as crmflow keeps it: months (years count 12), days, and milliseconds (the
clock part), each with the same sign. Months and days stay apart from the clock part because their
length depends on the calendar (P1M from January 31, P1D across a DST change).

``Duration(days=2, millis=3_600_000)`` is ``P2DT1H``; ``Duration.parse("P1Y2M")`` has 14 months.
)doc")
      .def(py::init([](std::int32_t months, std::int32_t days, std::int64_t millis) {
             return Duration{.months = months, .days = days, .millis = millis};
           }),
           py::arg("months") = 0, py::arg("days") = 0, py::arg("millis") = 0)
      .def_static("parse", &parse_duration, py::arg("text"),
                  "Reads ISO 8601 text (``PT4H``, ``P2D``, ``-P1W``); InvalidInput otherwise.")
      .def_static(
          "from_timedelta", [](py::handle delta) { return duration_from_timedelta(delta, ""); },
          py::arg("delta"),
          "Whole days and the rest in milliseconds; InvalidInput for sub-millisecond parts.")
      .def_readonly("months", &Duration::months)
      .def_readonly("days", &Duration::days)
      .def_readonly("millis", &Duration::millis)
      .def(
          "to_timedelta",
          [](const Duration& d) {
            if (d.months != 0) {
              raise_error(invalid_input("a duration with months (" + duration_iso(d) +
                                        ") has no fixed length"));
            }
            return timedelta_from_millis(
                std::chrono::milliseconds{d.days * kMillisPerDay + d.millis});
          },
          "As a timedelta, counting a day as 24 hours; InvalidInput when it has months.")
      .def("__str__", &duration_iso)
      .def("__repr__",
           [](const Duration& d) { return "crmflow.Duration.parse('" + duration_iso(d) + "')"; })
      .def(py::self == py::self)
      .def(py::self != py::self)
      .def("__hash__", [](const Duration& d) { return Value{d}.hash(); });
}

}  // namespace crmflow::python
