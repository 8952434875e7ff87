// The case state codec: archives of earlier releases keep loading (tests/data/state/), every
// field round-trips exactly, and bytes that are not a state we wrote give an error, never a crash.
#include "store/state_codec.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "crmflow/json.hpp"
#include "store/case_state.hpp"

namespace crmflow::store {
namespace {

using std::chrono::milliseconds;

// ---- Exact equality: every field, values by their typed JSON (kind and offset included) ----

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string show(const Value& v) { return to_json(v, JsonStyle::typed); }
std::string show(Instant t) { return std::to_string(t.time_since_epoch().count()); }
std::string show(std::uint64_t n) { return std::to_string(n); }
std::string show(const std::string& text) { return '"' + text + '"'; }
template <class E>
requires std::is_enum_v<E> std::string show(E e) { return std::to_string(static_cast<int>(e)); }
template <class T>
std::string show(const std::vector<T>& items) {
  std::string out = "[";
  for (const T& item : items) out += ' ' + show(item);
  return out + " ]";
}

// Every field of each record, by name. A field added to case_state.hpp must be added here (the
// every-field test below then fails until the fixture of a new release sets it).
Fields fields_of(const Token& t) {
  return {{"id", show(t.id)},          {"step", show(t.step)}, {"scope", show(t.scope)},
          {"via", show(t.via)},        {"wait", show(t.wait)}, {"ref", show(t.ref)},
          {"attempt", show(t.attempt)}};
}
Fields fields_of(const JoinState& j) {
  return {{"scope", show(j.scope)}, {"step", show(j.step)}, {"arrived", show(j.arrived)}};
}
Fields fields_of(const IncidentState& i) {
  return {{"token", show(i.token)},
          {"step", show(i.step)},
          {"phase", show(i.phase)},
          {"message", show(i.message)},
          {"at", show(i.at)}};
}
Fields fields_of(const ScopeInstance& i) {
  return {{"id", show(i.id)},
          {"parent", show(i.parent)},
          {"owner", show(i.owner)},
          {"step", show(i.step)},
          {"instance", show(std::uint64_t{i.instance})},
          {"item", show(i.item)},
          {"locals", show(i.locals)}};
}
Fields fields_of(const ArmedAlarm& a) {
  return {{"token", show(a.token)},
          {"index", show(a.index)},
          {"job", show(a.job)},
          {"fired", show(a.fired)},
          {"first", show(a.first)}};
}
Fields fields_of(const BoundaryWait& b) {
  return {{"token", show(b.token)},
          {"index", show(b.index)},
          {"job", show(b.job)},
          {"fired", show(b.fired)},
          {"anchor", show(b.anchor)}};
}
Fields fields_of(const EventRace& r) {
  return {{"gateway", show(r.gateway)}, {"scope", show(r.scope)}, {"racers", show(r.racers)}};
}
Fields fields_of(const MultiInstanceState& m) {
  return {{"token", show(m.token)},         {"step", show(m.step)},
          {"items", show(m.items)},         {"started", show(m.started)},
          {"completed", show(m.completed)}, {"results", show(m.results)}};
}
// The case's own fields (its record lists are described record by record).
Fields fields_of(const CaseState& s) {
  return {{"path", show(s.path)},
          {"error", show(s.error)},
          {"next_token", show(s.next_token)},
          {"next_scope", show(s.next_scope)},
          {"history_sequence", show(s.history_sequence)},
          {"notification_sequence", show(s.notification_sequence)}};
}

// One line per record naming every field, so that a difference reads at a glance.
std::string describe(const CaseState& s) {
  std::string out;
  const auto line = [&](const char* kind, const Fields& fields) {
    out += kind;
    for (const auto& [name, text] : fields) out += ' ' + name + '=' + text;
    out += '\n';
  };
  for (const Token& t : s.tokens) line("token", fields_of(t));
  for (const JoinState& j : s.joins) line("join", fields_of(j));
  for (const IncidentState& i : s.incidents) line("incident", fields_of(i));
  for (const ScopeInstance& i : s.scopes) line("scope", fields_of(i));
  for (const ArmedAlarm& a : s.alarms) line("alarm", fields_of(a));
  for (const BoundaryWait& b : s.boundaries) line("boundary", fields_of(b));
  for (const EventRace& r : s.races) line("race", fields_of(r));
  for (const MultiInstanceState& m : s.multis) line("multi", fields_of(m));
  line("case", fields_of(s));
  return out;
}

// The fields that hold their default value in every one of `records` (all of them when there is
// no record).
template <class T>
std::vector<std::string> unset_fields(const std::vector<T>& records) {
  const Fields defaults = fields_of(T{});
  std::vector<std::string> unset;
  for (std::size_t i = 0; i < defaults.size(); ++i) {
    const bool set = std::any_of(records.begin(), records.end(), [&](const T& record) {
      return fields_of(record)[i].second != defaults[i].second;
    });
    if (!set) unset.push_back(defaults[i].first);
  }
  return unset;
}

// ---- States ----

Instant at_millis(std::int64_t millis) { return Instant{milliseconds{millis}}; }
Date date(int y, unsigned m, unsigned d) {
  return Date{
      std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}}};
}

// Every field of every record set, none to its default, each to a value that tells it apart:
// what this release's every-field fixture holds. Never change it once released (a later release
// writes its own fixture from its own function).
CaseState state_v1_every_field() {
  CaseState s;
  const WaitKind kinds[] = {WaitKind::moving,   WaitKind::task,      WaitKind::job,
                            WaitKind::message,  WaitKind::signal,    WaitKind::scope,
                            WaitKind::incident, WaitKind::instances, WaitKind::call};
  std::uint32_t n = 0;
  for (const WaitKind kind : kinds) {
    ++n;
    s.tokens.push_back(Token{.id = n,
                             .step = 100 + n,
                             .scope = n % 3,
                             .via = n == 1 ? 0xFFFFFFFFu : 200 + n,
                             .wait = kind,
                             .ref = 0x0123456789ABCD00ull + n,
                             .attempt = n});
  }
  s.joins.push_back(JoinState{.scope = 0, .step = 40, .arrived = {1, 0, 2}});
  s.joins.push_back(JoinState{.scope = 2, .step = 41, .arrived = {0, 3}});
  s.incidents.push_back(IncidentState{.token = 7,
                                      .step = 107,
                                      .phase = IncidentState::Phase::enter,
                                      .message = "service 'crm' answered 503: سرویس در دسترس نیست",
                                      .at = at_millis(1'769'999'400'123)});
  s.incidents.push_back(IncidentState{.token = 2,
                                      .step = 102,
                                      .phase = IncidentState::Phase::leave,
                                      .message = "no outgoing flow of 'triage' matched",
                                      .at = at_millis(-86'400'001)});
  s.scopes.push_back(ScopeInstance{
      .id = 1, .parent = 0, .owner = 6, .step = 106, .instance = false, .item = 0, .locals = {}});
  s.scopes.push_back(ScopeInstance{
      .id = 2,
      .parent = 1,
      .owner = 8,
      .step = 108,
      .instance = true,
      .item = 3,
      .locals =
          Value::Object{{"device", Value::Object{{"due", date(2026, 2, 2)}, {"model", "A52"}}},
                        {"wait", Duration{.days = 1, .millis = 7'200'000}},
                        {"back", Duration{.months = -1, .days = -2, .millis = -3}},
                        {"reminder", DateTime{at_millis(1'767'418'200'000), 210}},
                        {"cost", 1'500'000},
                        {"ratio", 0.25},
                        {"whole", 1.0},
                        {"urgent", true},
                        {"tags", Value::List{"screen", "battery"}},
                        {"note", nullptr},
                        {"$date", "a plain member whose key looks typed"}}});
  s.alarms.push_back(ArmedAlarm{
      .token = 2, .index = 1, .job = 0x7777'0000'0001ull, .fired = 2, .first = at_millis(5)});
  s.boundaries.push_back(BoundaryWait{
      .token = 3, .index = 0, .job = 78, .fired = 1, .anchor = at_millis(1'769'990'000'000)});
  s.boundaries.push_back(
      BoundaryWait{.token = 4, .index = 2, .job = 0, .fired = 0, .anchor = at_millis(-7)});
  s.races.push_back(EventRace{.gateway = 30, .scope = 1, .racers = {4, 5}});
  s.multis.push_back(MultiInstanceState{
      .token = 8,
      .step = 108,
      .items = {date(2025, 3, 20), "second", Value::Object{{"n", 3}}, Value::List{}},
      .started = 3,
      .completed = 1,
      .results = {Value::Object{{"ok", true}}, nullptr, nullptr, nullptr}});
  s.path = {0, 3, 4, 0xFFFFFFFEu};
  s.error = "credit_refused";
  s.next_token = 10;
  s.next_scope = 3;
  s.history_sequence = 9'007'199'254'740'993ull;  // 2^53 + 1: no double on the way
  s.notification_sequence = 12;
  return s;
}

// A case waiting at two tasks and a timer, with one arrival held at a join.
CaseState typical_state() {
  CaseState s;
  s.tokens = {Token{.id = 3, .step = 5, .via = 4, .wait = WaitKind::task, .ref = 17},
              Token{.id = 4, .step = 6, .via = 5, .wait = WaitKind::task, .ref = 18},
              Token{.id = 5, .step = 9, .via = 8, .wait = WaitKind::job, .ref = 31}};
  s.joins = {JoinState{.scope = 0, .step = 11, .arrived = {1, 0}}};
  s.path = {0, 1, 2, 8};
  s.next_token = 6;
  s.history_sequence = 14;
  s.notification_sequence = 2;
  return s;
}

// ---- Fixtures ----

struct Fixture {
  const char* file;                  // in tests/data/state/
  std::function<CaseState()> state;  // what it holds
  bool current;                      // written by this build byte for byte (the newest format)
};

const std::vector<Fixture>& fixtures() {
  static const std::vector<Fixture> all = {
      {"state-v1-every-field.bin", state_v1_every_field, true},
      {"state-v1-empty.bin", [] { return CaseState{}; }, true},
  };
  return all;
}

std::filesystem::path fixture_path(const char* file) {
  return std::filesystem::path{CRMFLOW_TEST_DATA} / "data" / "state" / file;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  REQUIRE(in.good());
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

bool writing_fixtures() {
  const char* flag = std::getenv("CRMFLOW_WRITE_STATE_FIXTURES");
  return flag != nullptr && std::string_view{flag} == "1";
}

// ---- Bytes ----

std::string le(std::uint64_t n, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
  return out;
}

// Where `needle` stands in `bytes`; it must stand there exactly once.
std::size_t offset_of(const std::string& bytes, const std::string& needle) {
  const std::size_t at = bytes.find(needle);
  REQUIRE(at != std::string::npos);
  REQUIRE(bytes.find(needle, at + 1) == std::string::npos);
  return at;
}

std::shared_ptr<const CaseState> decoded(std::string_view bytes) {
  auto state = decode_state(bytes);
  if (!state) FAIL(to_string(state.error()));
  return *state;
}

void check_error(std::string_view bytes, const std::string& part) {
  const auto state = decode_state(bytes);
  REQUIRE_FALSE(state.ok());
  CHECK(state.error().code == ErrorCode::internal);
  CHECK_THAT(state.error().message, Catch::StartsWith("case state: ") && Catch::Contains(part));
}

// Whatever decode_state makes of `bytes`: an internal "case state:" error, or a state that
// encodes and decodes to itself.
void check_error_or_state(std::string_view bytes) {
  const auto state = decode_state(bytes);
  if (state.ok()) {
    const std::string again = encode_state(**state);
    REQUIRE(describe(*decoded(again)) == describe(**state));
  } else {
    REQUIRE(state.error().code == ErrorCode::internal);
    REQUIRE_THAT(state.error().message, Catch::StartsWith("case state: "));
  }
}

// ---- Tests ----

TEST_CASE("fixtures written by earlier releases load field for field", "[store][codec]") {
  for (const Fixture& fixture : fixtures()) {
    INFO(fixture.file);
    const std::filesystem::path path = fixture_path(fixture.file);
    // Only missing fixtures are written: a released one is never rewritten (see the README).
    if (writing_fixtures() && fixture.current && !std::filesystem::exists(path)) {
      std::ofstream out{path, std::ios::binary};
      out << encode_state(fixture.state());
      REQUIRE(out.good());
    }
    const std::string bytes = read_file(path);
    CHECK(describe(*decoded(bytes)) == describe(fixture.state()));
    if (fixture.current) CHECK(encode_state(fixture.state()) == bytes);
  }
}

TEST_CASE("the every-field fixture sets every field away from its default", "[store][codec]") {
  const CaseState s = state_v1_every_field();
  const std::vector<std::string> none;
  CHECK(unset_fields(s.tokens) == none);
  CHECK(unset_fields(s.joins) == none);
  CHECK(unset_fields(s.incidents) == none);
  CHECK(unset_fields(s.scopes) == none);
  CHECK(unset_fields(s.alarms) == none);
  CHECK(unset_fields(s.boundaries) == none);
  CHECK(unset_fields(s.races) == none);
  CHECK(unset_fields(s.multis) == none);
  CHECK(unset_fields(std::vector<CaseState>{s}) == none);
  // Every wait kind and both incident phases, and the typed values the JSON text must keep.
  std::set<std::string> kinds;
  for (const Token& t : s.tokens) kinds.insert(show(t.wait));
  CHECK(kinds.size() == 9);
  CHECK(s.incidents[0].phase != s.incidents[1].phase);
  const Value& locals = s.scopes[1].locals;
  CHECK(locals["device"]["due"].is_date());
  CHECK(locals["reminder"].as_datetime().offset_minutes == 210);
  CHECK(locals["wait"].is_duration());
  CHECK(locals["whole"].is_double());
  CHECK(s.multis[0].items[0].is_date());
}

TEST_CASE("states round-trip exactly", "[store][codec]") {
  SECTION("every field") {
    const CaseState s = state_v1_every_field();
    const std::string bytes = encode_state(s);
    CHECK(describe(*decoded(bytes)) == describe(s));
    CHECK(encode_state(*decoded(bytes)) == bytes);  // and deterministically
  }
  SECTION("the empty state") {
    const std::string bytes = encode_state(CaseState{});
    const auto s = decoded(bytes);
    CHECK(describe(*s) == describe(CaseState{}));
    CHECK(s->next_token == 1);
    CHECK(s->next_scope == 1);
  }
  SECTION("extreme numbers") {
    CaseState s;
    s.tokens.push_back(Token{.id = 0xFFFFFFFFu,
                             .step = 0xFFFFFFFFu,
                             .scope = 0xFFFFFFFFu,
                             .via = 0,
                             .wait = WaitKind::call,
                             .ref = std::numeric_limits<std::uint64_t>::max(),
                             .attempt = 0});
    s.incidents.emplace_back().at = Instant{milliseconds::min()};
    s.alarms.push_back(ArmedAlarm{.first = Instant{milliseconds::max()}});
    s.history_sequence = std::numeric_limits<std::uint64_t>::max();
    CHECK(describe(*decoded(encode_state(s))) == describe(s));
  }
  SECTION("values of every kind, exactly") {
    CaseState s;
    MultiInstanceState m;
    m.items = {nullptr,
               false,
               std::numeric_limits<std::int64_t>::min(),
               std::numeric_limits<std::int64_t>::max(),
               0.1,
               1e300,
               -0.0,
               std::string("tab\tquote\"nul") + '\0' + "end",
               "تعمیر گوشی",
               date(1, 1, 1),
               date(9999, 12, 31),
               DateTime{at_millis(-1), -210},
               DateTime{at_millis(1'767'418'200'123), 0},
               Duration{.months = 14, .days = 21, .millis = 1},
               Duration{},
               Value::Object{{"$$date", "two dollars"}, {"$datetime", Value::Object{}}},
               Value::List{Value::List{Value::List{}}}};
    m.results = m.items;
    s.multis.push_back(m);
    const auto back = decoded(encode_state(s));
    CHECK(describe(*back) == describe(s));
    CHECK(back->multis[0].items[6].as_double() == 0.0);
    CHECK(back->multis[0].items[11].as_datetime().offset_minutes == -210);
    CHECK(back->multis[0].items[7].as_string().size() == 17);
  }
  SECTION("a large state") {
    CaseState s;
    for (std::uint32_t i = 0; i < 10'000; ++i) {
      s.tokens.push_back(Token{.id = i + 1,
                               .step = i % 97,
                               .scope = i % 5,
                               .via = i,
                               .wait = static_cast<WaitKind>(i % 9),
                               .ref = i * 1'000'003ull,
                               .attempt = 1 + i % 4});
      s.path.push_back(i % 97);
    }
    for (std::uint32_t i = 0; i < 1'000; ++i) {
      s.scopes.push_back(ScopeInstance{.id = i + 1,
                                       .owner = i,
                                       .step = 3,
                                       .instance = true,
                                       .item = i,
                                       .locals = Value::Object{{"item", i}}});
    }
    s.next_token = 10'001;
    const std::string bytes = encode_state(s);
    CHECK(bytes.size() < 10'000 * 40 + 1'000 * 60);  // about 33 bytes a token
    CHECK(describe(*decoded(bytes)) == describe(s));
  }
}

TEST_CASE("a typical case's state is small", "[store][codec]") {
  const std::string bytes = encode_state(typical_state());
  INFO("bytes: " << bytes.size());
  CHECK(bytes.size() <= 320);
  CHECK(describe(*decoded(bytes)) == describe(typical_state()));
}

TEST_CASE("the header is checked before the archive", "[store][codec]") {
  const std::string good = encode_state(typical_state());
  REQUIRE(good.substr(0, 4) == "CFST");
  REQUIRE(good.substr(4, 4) == le(1, 4));

  check_error("", "not a crmflow case state");
  check_error("CFST", "not a crmflow case state");
  check_error(good.substr(0, 11), "not a crmflow case state");
  check_error("CFSU" + good.substr(4), "not a crmflow case state");
  check_error("PK\x03\x04 and the rest of a zip file", "not a crmflow case state");
  check_error("CFST" + le(0, 4) + good.substr(8), "not a crmflow case state (format 0)");

  const auto newer = decode_state("CFST" + le(2, 4) + good.substr(8));
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.error().code == ErrorCode::internal);
  CHECK(newer.error().message ==
        "case state: written by a newer crmflow (format 2, this build reads up to 1)");
  check_error("CFST" + le(0xFFFFFFFFu, 4) + good.substr(8), "(format 4294967295, this build");

  std::string swapped = good;
  std::swap(swapped[8], swapped[9]);
  check_error(swapped, "written on a machine of another byte order");

  std::string old_boost = good;
  old_boost.replace(10, 2, le(18, 2));
  check_error(old_boost, "Boost archive version 18, this build reads 19 to");
  std::string new_boost = good;
  new_boost.replace(10, 2, le(999, 2));
  check_error(new_boost, "Boost archive version 999");
}

TEST_CASE("bad bytes inside the archive give errors", "[store][codec]") {
  SECTION("data after the end") {
    check_error(encode_state(typical_state()) + '\0', "1 more bytes");
  }
  SECTION("a newer record version") {
    // The body opens with the case state's class information: tracking (1 byte), version (u32).
    std::string bytes = encode_state(CaseState{});
    REQUIRE(bytes.substr(12, 5) == std::string(5, '\0'));
    bytes[13] = '\x01';
    check_error(bytes,
                "written by a newer crmflow (case state record version 1, this build "
                "reads up to 0)");
  }
  SECTION("a count far beyond the data fails without allocating it") {
    CaseState s;
    s.path = {0xA1B2C3D4u};
    std::string bytes = encode_state(s);
    const std::size_t at = offset_of(bytes, le(1, 8) + le(0xA1B2C3D4u, 4));
    bytes.replace(at, 8, le(std::numeric_limits<std::uint64_t>::max(), 8));
    check_error(bytes, "truncated or corrupt data (input stream error)");
  }
  SECTION("a text length far beyond the data fails without allocating it") {
    CaseState s;
    s.error = "ERRCODE";
    std::string bytes = encode_state(s);
    const std::size_t at = offset_of(bytes, le(7, 8) + "ERRCODE");
    bytes.replace(at, 8, le(std::uint64_t{1} << 62, 8));
    check_error(bytes, "truncated or corrupt data (input stream error)");
  }
  SECTION("an unknown wait kind") {
    CaseState s;
    s.tokens.push_back(Token{.via = 0x52525252u, .wait = WaitKind::call});
    std::string bytes = encode_state(s);
    const std::size_t at = offset_of(bytes, le(0x52525252u, 4) + '\x08');
    bytes[at + 4] = '\x09';
    check_error(bytes, "token wait kind 9 is unknown");
  }
  SECTION("an unknown incident phase") {
    CaseState s;
    IncidentState& incident = s.incidents.emplace_back();
    incident.step = 0x51515151u;
    incident.phase = IncidentState::Phase::leave;
    std::string bytes = encode_state(s);
    const std::size_t at = offset_of(bytes, le(0x51515151u, 4) + '\x01');
    bytes[at + 4] = '\xC8';
    check_error(bytes, "incident phase 200 is unknown");
  }
  SECTION("a flag that is neither 0 nor 1") {
    CaseState s;
    s.scopes.push_back(ScopeInstance{.step = 0x53535353u, .instance = true});
    std::string bytes = encode_state(s);
    const std::size_t at = offset_of(bytes, le(0x53535353u, 4) + '\x01');
    bytes[at + 4] = '\x02';
    check_error(bytes, "the scope's instance flag is 2");
  }
  SECTION("a value that is not JSON") {
    CaseState s;
    s.scopes.push_back(ScopeInstance{.locals = "ABCDEFGH"});
    std::string bytes = encode_state(s);
    bytes[offset_of(bytes, "\"ABCDEFGH\"")] = '{';
    check_error(bytes, "a stored value is not typed JSON: invalid JSON at 1:2");
  }
  SECTION("a typed value with a bad date") {
    CaseState s;
    s.multis.emplace_back().items = {date(2026, 2, 2)};
    std::string bytes = encode_state(s);
    bytes.replace(offset_of(bytes, "2026-02-02"), 10, "2026-13-02");
    check_error(bytes, "a stored value is not typed JSON");
  }
}

TEST_CASE("every truncation of an archive is an error", "[store][codec]") {
  const std::string bytes = encode_state(state_v1_every_field());
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    INFO("prefix of " << size << " of " << bytes.size() << " bytes");
    const auto state = decode_state(std::string_view{bytes}.substr(0, size));
    REQUIRE_FALSE(state.ok());
    REQUIRE(state.error().code == ErrorCode::internal);
  }
}

TEST_CASE("flipped bits give an error or a state, never a crash", "[store][codec]") {
  const std::string bytes = encode_state(state_v1_every_field());
  std::string changed = bytes;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      INFO("byte " << i << " bit " << bit);
      changed[i] = static_cast<char>(bytes[i] ^ (1 << bit));
      check_error_or_state(changed);
    }
    changed[i] = bytes[i];
  }
}

TEST_CASE("random bytes behind a good header give an error or a state", "[store][codec]") {
  const std::string header = encode_state(CaseState{}).substr(0, 12);
  std::mt19937 random{20'260'202};
  std::uniform_int_distribution<int> byte{0, 255};
  std::uniform_int_distribution<int> small{0, 3};
  for (int round = 0; round < 3'000; ++round) {
    std::string bytes = header;
    const int size = round % 300;
    for (int i = 0; i < size; ++i) {
      // Mostly small bytes, so that counts and flags are often plausible and the decoder gets far.
      bytes.push_back(static_cast<char>(round % 2 == 0 ? byte(random) : small(random)));
    }
    INFO("round " << round);
    check_error_or_state(bytes);
  }
}

}  // namespace
}  // namespace crmflow::store
