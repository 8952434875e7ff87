#include "model/calendars.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <exception>
#include <utility>

#include "time/iso8601.hpp"
#include "time/zone.hpp"
#include "yaml/reader.hpp"

namespace crmflow::model {
namespace {

using namespace std::string_view_literals;

constexpr std::array kCalendarFields = {"timezone"sv, "week"sv, "hours"sv, "holidays"sv};
constexpr std::array kFileFields = {"calendars"sv};

// Indexed by date::weekday::c_encoding(), as BusinessCalendar::working_days.
constexpr std::array kDayNames = {"sun"sv, "mon"sv, "tue"sv, "wed"sv, "thu"sv, "fri"sv, "sat"sv};
constexpr std::array kFullDayNames = {"sunday"sv,   "monday"sv, "tuesday"sv, "wednesday"sv,
                                      "thursday"sv, "friday"sv, "saturday"sv};
// In the order of the Persian week, for messages.
constexpr std::array kWrittenDays = {"sat"sv, "sun"sv, "mon"sv, "tue"sv, "wed"sv, "thu"sv, "fri"sv};

std::string lower(std::string_view text) {
  std::string out{text};
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The weekday `text` names ("sat", "Saturday", ...; any case), as a c_encoding.
std::optional<unsigned> weekday_named(std::string_view text) {
  const std::string word = lower(text);
  for (unsigned i = 0; i < kDayNames.size(); ++i) {
    if (word == kDayNames[i] || word == kFullDayNames[i]) return i;
  }
  return std::nullopt;
}

// Every zone name of the tz database (with the system's database, links such as Iran are zones
// too), for "did you mean". Empty if the database cannot be read (find_zone then fails anyway).
const std::vector<std::string_view>& zone_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    try {
      const date::tzdb& db = date::get_tzdb();
      for (const date::time_zone& zone : db.zones) out.push_back(zone.name());
    } catch (const std::exception&) {
      out.clear();
    }
    return out;
  }();
  return names;
}

class CalendarReader {
 public:
  explicit CalendarReader(yaml::FieldReader& fields) : fields_(fields) {}

  // The calendar written at `map`, or nullopt when a problem was reported.
  std::optional<time::BusinessCalendar> read(std::string name, const yaml::Node& map) {
    const std::size_t before = fields_.count();
    owner_ = fmt::format("calendar '{}'", name);
    time::BusinessCalendar calendar;
    calendar.name = std::move(name);
    fields_.check_fields(map, owner_, kCalendarFields);
    if (const yaml::Node* zone =
            fields_.require(map, owner_, "timezone",
                            "write an IANA time zone such as Asia/Tehran or Europe/Berlin")) {
      read_zone(*zone, calendar);
    }
    if (const yaml::Node* week = fields_.require(
            map, owner_, "week", "list the working days, such as [sat, sun, mon, tue, wed]")) {
      read_week(*week, calendar);
    }
    if (const yaml::Node* hours = fields_.require(
            map, owner_, "hours", "write the working hours, such as \"08:00-16:00\"")) {
      read_hours(*hours, calendar);
    }
    if (const yaml::Node* holidays = map.find("holidays")) read_holidays(*holidays, calendar);
    if (fields_.count() != before) return std::nullopt;
    return calendar;
  }

 private:
  void read_zone(const yaml::Node& node, time::BusinessCalendar& calendar) {
    const std::optional<std::string> name = fields_.non_empty_text(node, owner_, "timezone");
    if (!name) return;
    Result<const date::time_zone*> zone = time::find_zone(*name);
    if (!zone) {
      fields_.error(node, fmt::format("{}: unknown time zone '{}'{}; use an IANA name such as "
                                      "Asia/Tehran, Europe/Berlin or UTC",
                                      owner_, *name, yaml::did_you_mean(*name, zone_names())));
      return;
    }
    calendar.zone = *zone;
  }

  void read_week(const yaml::Node& node, time::BusinessCalendar& calendar) {
    if (!fields_.expect_list(node, owner_, "week")) return;
    if (node.items().empty()) {
      fields_.error(node, fmt::format("{}: 'week' must name at least one working day, such as "
                                      "[sat, sun, mon, tue, wed]",
                                      owner_));
      return;
    }
    for (const yaml::Node& item : node.items()) {
      const std::optional<std::string> text = yaml::scalar_text(item);
      const std::optional<unsigned> day = text ? weekday_named(*text) : std::nullopt;
      if (!day) {
        fields_.error(item, fmt::format("{}: 'week': {} is not a day{}; write {}", owner_,
                                        yaml::describe(item),
                                        text ? yaml::did_you_mean(lower(*text), kWrittenDays) : "",
                                        yaml::word_list(kWrittenDays)));
        continue;
      }
      if (calendar.working_days[*day]) {
        fields_.error(item, fmt::format("{}: 'week' names {} twice", owner_, kDayNames[*day]));
        continue;
      }
      calendar.working_days[*day] = true;
    }
  }

  void read_hours(const yaml::Node& node, time::BusinessCalendar& calendar) {
    const std::optional<std::string> text = fields_.text(node, owner_, "hours");
    if (!text) return;
    Result<std::vector<time::WorkingPeriod>> hours = time::parse_working_hours(*text);
    if (!hours) {
      fields_.error(node, fmt::format("{}: {}", owner_, hours.error().message));
      return;
    }
    calendar.hours = std::move(*hours);
  }

  void read_holidays(const yaml::Node& node, time::BusinessCalendar& calendar) {
    if (!fields_.expect_list(node, owner_, "holidays")) return;
    for (const yaml::Node& item : node.items()) {
      std::optional<Date> date;
      if (const std::optional<std::string> text = yaml::scalar_text(item)) {
        if (Result<Date> parsed = time::parse_date(*text)) date = *parsed;
      }
      if (!date) {
        fields_.error(
            item, fmt::format("{}: each holiday must be a date such as 2026-03-20, not {}", owner_,
                              yaml::describe(item)));
        continue;
      }
      calendar.holidays.insert(*date);
    }
  }

  yaml::FieldReader& fields_;
  std::string owner_;
};

}  // namespace

const time::BusinessCalendar* CalendarSet::find(std::string_view name) const {
  const auto found = calendars.find(name);
  return found == calendars.end() ? nullptr : &found->second;
}

std::vector<std::string> CalendarSet::names() const {
  std::vector<std::string> out;
  out.reserve(calendars.size());
  for (const auto& entry : calendars) out.push_back(entry.first);
  return out;
}

std::optional<CalendarSet> read_calendars(const yaml::Node& map, yaml::FieldReader& fields) {
  if (!fields.expect_map(map, "calendars", "calendars")) return std::nullopt;
  const std::size_t before = fields.count();
  CalendarSet set;
  CalendarReader reader{fields};
  for (const yaml::Node::Entry& entry : map.entries()) {
    const std::string& name = entry.key.scalar();
    if (name.empty()) {
      fields.error(entry.key, "calendars: a calendar's name must not be empty");
      continue;
    }
    if (!fields.expect_map(entry.value, "calendars", name)) continue;
    if (auto calendar = reader.read(name, entry.value)) {
      set.calendars.emplace(name, *std::move(calendar));
    }
  }
  if (fields.count() != before) return std::nullopt;
  return set;
}

std::optional<CalendarSet> read_calendars_document(const yaml::Node& root,
                                                   yaml::FieldReader& fields) {
  if (!root.is_mapping()) {
    fields.error(root, fmt::format("a calendars file must be a map, calendars: {{NAME: {{timezone, "
                                   "week, hours, holidays}}}}, not {}",
                                   yaml::describe(root)));
    return std::nullopt;
  }
  const yaml::Node* wrapped = root.find("calendars");
  if (wrapped == nullptr) return read_calendars(root, fields);
  const std::size_t before = fields.count();
  fields.check_fields(root, "calendars file", kFileFields);
  std::optional<CalendarSet> set = read_calendars(*wrapped, fields);
  if (fields.count() != before) return std::nullopt;
  return set;
}

CalendarsLoad load_calendars(std::string_view text, std::string_view file_name) {
  CalendarsLoad out;
  std::optional<yaml::Document> document = yaml::parse(text, file_name, out.diagnostics);
  if (document) {
    yaml::FieldReader fields{out.diagnostics};
    std::optional<CalendarSet> set = read_calendars_document(document->root(), fields);
    if (out.diagnostics.empty()) out.calendars = std::move(set);
  }
  std::stable_sort(out.diagnostics.begin(), out.diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::pair{a.line, a.column} < std::pair{b.line, b.column};
                   });
  return out;
}

}  // namespace crmflow::model
