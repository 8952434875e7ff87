#include "time/jalali.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace crmflow::time {
namespace {

using testing::day;
using testing::require_invalid;

struct MonthStart {
  int year;
  int month;
  Date first;
  int length;
  bool leap;
};

// tests/data/jalali/month-starts.csv, generated from ICU (see the file's header).
std::vector<MonthStart> load_table() {
  std::ifstream in{std::string(CRMFLOW_TEST_DATA) + "/data/jalali/month-starts.csv"};
  REQUIRE(in.good());
  std::vector<MonthStart> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      REQUIRE(line == "jalali_year,jalali_month,gregorian,month_length,leap_year");
      header = false;
      continue;
    }
    std::stringstream fields{line};
    std::string year, month, gregorian, length, leap;
    std::getline(fields, year, ',');
    std::getline(fields, month, ',');
    std::getline(fields, gregorian, ',');
    std::getline(fields, length, ',');
    std::getline(fields, leap, ',');
    rows.push_back(
        {std::stoi(year), std::stoi(month), day(gregorian), std::stoi(length), leap == "1"});
  }
  return rows;
}

TEST_CASE("the Jalali calendar matches ICU's table in both directions", "[time][jalali]") {
  const std::vector<MonthStart> rows = load_table();
  REQUIRE(rows.size() == 401 * 12);  // every month of 1300-1700
  CHECK(rows.front().year == 1300);
  CHECK(rows.back().year == 1700);
  for (const MonthStart& row : rows) {
    INFO(row.year << "/" << row.month << " = " << format_date(row.first));
    const auto back = from_jalali(row.year, row.month, 1);
    REQUIRE(back.ok());
    CHECK(*back == row.first);
    CHECK(to_jalali(row.first) == JalaliDate{row.year, row.month, 1});
    CHECK(jalali_month_length(row.year, row.month) == row.length);
    CHECK(is_jalali_leap(row.year) == row.leap);
    // The last day of the month is the day before the next one starts.
    const Date last{row.first.day + std::chrono::days{row.length - 1}};
    CHECK(to_jalali(last) == JalaliDate{row.year, row.month, row.length});
  }
}

TEST_CASE("every day of 1300-1700 round-trips", "[time][jalali]") {
  const Date first = *from_jalali(1300, 1, 1);
  const Date end = *from_jalali(1701, 1, 1);
  JalaliDate expected{1300, 1, 1};
  for (Date d = first; d < end; d.day += std::chrono::days{1}) {
    const JalaliDate j = to_jalali(d);
    if (j != expected) {
      FAIL_CHECK(format_date(d) << " gave " << j.year << "/" << j.month << "/" << j.day);
      return;
    }
    const auto back = from_jalali(j.year, j.month, j.day);
    if (!back.ok() || *back != d) {
      FAIL_CHECK("round trip of " << format_date(d));
      return;
    }
    // The next expected date, counted independently of the conversion.
    if (++expected.day > jalali_month_length(expected.year, expected.month)) {
      expected.day = 1;
      if (++expected.month > 12) {
        expected.month = 1;
        ++expected.year;
      }
    }
  }
  CHECK(expected == JalaliDate{1701, 1, 1});
}

TEST_CASE("known dates and the years around 1403", "[time][jalali]") {
  CHECK(to_jalali(day("2025-03-20")) == JalaliDate{1403, 12, 30});
  CHECK(to_jalali(day("2025-03-21")) == JalaliDate{1404, 1, 1});
  CHECK(to_jalali(day("2026-03-20")) == JalaliDate{1404, 12, 29});
  CHECK(to_jalali(day("2026-03-21")) == JalaliDate{1405, 1, 1});
  CHECK(to_jalali(day("1979-02-11")) == JalaliDate{1357, 11, 22});
  CHECK(to_jalali(day("2000-01-01")) == JalaliDate{1378, 10, 11});
  CHECK(is_jalali_leap(1399));
  CHECK(is_jalali_leap(1403));
  CHECK_FALSE(is_jalali_leap(1404));
  CHECK(is_jalali_leap(1408));
  // The first year where the plain 33-year rule and the official calendar part ways.
  CHECK_FALSE(is_jalali_leap(1502));
  CHECK(is_jalali_leap(1503));
  // The rule extended backwards, as ICU does (its values): year 1 starts on 622-03-21 of the
  // proleptic Gregorian calendar, and year numbers run on through 0 to negative ones.
  CHECK(to_jalali(day("0622-03-21")) == JalaliDate{1, 1, 1});
  CHECK(to_jalali(day("0622-03-20")) == JalaliDate{0, 12, 29});
  CHECK(to_jalali(day("0000-01-01")) == JalaliDate{-622, 10, 11});
  CHECK(to_jalali(day("0000-03-21")) == JalaliDate{-621, 1, 1});
  CHECK(to_jalali(day("9999-12-31")) == JalaliDate{9378, 10, 10});
}

TEST_CASE("impossible Jalali dates are refused", "[time][jalali]") {
  CHECK(from_jalali(1403, 12, 30).ok());
  require_invalid(from_jalali(1404, 12, 30), {"1404/12/30", "اسفند", "29 days"});
  require_invalid(from_jalali(1404, 7, 31), {"30 days"});
  require_invalid(from_jalali(1404, 13, 1), {"month must be 1-12"});
  require_invalid(from_jalali(1404, 0, 1), {"month must be 1-12"});
  require_invalid(from_jalali(1404, 1, 0), {"31 days"});
  require_invalid(from_jalali(9999, 1, 1), {"outside"});
  require_invalid(from_jalali(-700, 1, 1), {"outside"});
}

TEST_CASE("Persian month names", "[time][jalali]") {
  CHECK(jalali_month_name(1) == "فروردین");
  CHECK(jalali_month_name(2) == "اردیبهشت");
  CHECK(jalali_month_name(5) == "مرداد");
  CHECK(jalali_month_name(10) == "دی");
  CHECK(jalali_month_name(12) == "اسفند");
}

}  // namespace
}  // namespace crmflow::time
