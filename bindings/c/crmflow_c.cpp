// The C API (include/crmflow/crmflow.h) over the C++ library: handles that own shared C++
// objects, JSON in and out, and a catch-all at every entry so that no exception crosses into C.
#include <fmt/core.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crmflow/calendar.hpp"
#include "crmflow/channel.hpp"
#include "crmflow/clock.hpp"
#include "crmflow/crmflow.h"
#include "crmflow/delivery_config.hpp"
#include "crmflow/directory.hpp"
#include "crmflow/engine.hpp"
#include "crmflow/error.hpp"
#include "crmflow/json.hpp"
#include "crmflow/memory_store.hpp"
#include "crmflow/open_store.hpp"
#include "crmflow/process.hpp"
#include "crmflow/record_json.hpp"
#include "crmflow/sqlite_store.hpp"
#include "crmflow/value.hpp"
#include "crmflow/yaml.hpp"
#include "notify/job_json.hpp"
#include "notify/notification_json.hpp"
#include "time/iso8601.hpp"

// The API's functions are exported from the shared build, where everything else is hidden.
#define CRMFLOW_C_EXPORT __attribute__((visibility("default")))

// The handles: each holds shared ownership of its C++ object, so that an engine keeps alive
// what it was created with, whatever order the caller destroys handles in.
struct crmflow_store_t {
  std::shared_ptr<crmflow::Store> store;
};

struct crmflow_clock_t {
  std::shared_ptr<crmflow::Clock> clock;
  crmflow::ManualClock* manual = nullptr;  // the same object when it is a manual clock
};

struct crmflow_directory_t {
  std::shared_ptr<crmflow::MemoryDirectory> directory;
};

struct crmflow_calendars_t {
  std::shared_ptr<const crmflow::Calendars> calendars;
};

struct crmflow_channels_t {
  std::shared_ptr<crmflow::ChannelRegistry> channels;
};

struct crmflow_engine_t {
  // Declared before the engine, so destroyed after it.
  std::shared_ptr<crmflow::Store> store;
  std::shared_ptr<crmflow::Clock> clock;
  std::shared_ptr<const crmflow::Directory> directory;
  std::shared_ptr<const crmflow::ChannelRegistry> channels;
  std::shared_ptr<const crmflow::Calendars> calendars;
  std::unique_ptr<crmflow::Engine> engine;
};

namespace {

using crmflow::Error;
using crmflow::ErrorCode;
using crmflow::Instant;
using crmflow::JsonStyle;
using crmflow::Result;
using crmflow::Status;
using crmflow::Value;

// A copy of `text` in memory crmflow_free releases; nullptr when memory runs out.
char* copy_out(std::string_view text) noexcept {
  auto* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (out == nullptr) return nullptr;
  if (!text.empty()) std::memcpy(out, text.data(), text.size());
  out[text.size()] = '\0';
  return out;
}

// Frees a caller's previous error, so that *errptr ends NULL exactly when a call succeeds.
void clear_error(char** errptr) noexcept {
  if (errptr != nullptr && *errptr != nullptr) {
    std::free(*errptr);
    *errptr = nullptr;
  }
}

crmflow_error_code c_code(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::not_found:
      return CRMFLOW_NOT_FOUND;
    case ErrorCode::not_authorized:
      return CRMFLOW_NOT_AUTHORIZED;
    case ErrorCode::invalid_input:
      return CRMFLOW_INVALID_INPUT;
    case ErrorCode::invalid_state:
      return CRMFLOW_INVALID_STATE;
    case ErrorCode::conflict:
      return CRMFLOW_CONFLICT;
    case ErrorCode::unavailable:
      return CRMFLOW_UNAVAILABLE;
    case ErrorCode::internal:
      return CRMFLOW_INTERNAL;
  }
  return CRMFLOW_INTERNAL;
}

// Stores "CODE: message" in *errptr and returns the code.
crmflow_error_code report(const Error& error, char** errptr) noexcept {
  if (errptr != nullptr) {
    try {
      *errptr = copy_out(crmflow::to_string(error));
    } catch (...) {
      *errptr = nullptr;
    }
    // Out of memory for the message itself: a fixed text still tells the caller it failed.
    if (*errptr == nullptr) *errptr = copy_out("internal: out of memory");
  }
  return c_code(error.code);
}

// Runs `body` (which returns a crmflow_error_code-compatible outcome through the callers'
// helpers), turning any exception into `internal`.
template <class Body>
crmflow_error_code guarded(char** errptr, Body&& body) noexcept {
  clear_error(errptr);
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return report(crmflow::internal_error("out of memory"), errptr);
  } catch (const std::exception& e) {
    return report(crmflow::internal_error(e.what()), errptr);
  } catch (...) {
    return report(crmflow::internal_error("an unknown exception"), errptr);
  }
}

crmflow_error_code finish(const Status& status, char** errptr) {
  return status.ok() ? CRMFLOW_OK : report(status.error(), errptr);
}

// The JSON text of a result, as a string for the caller; `internal` when memory runs out.
crmflow_error_code give_json(const Value& value, char** out, char** errptr) {
  *out = copy_out(crmflow::to_json(value));
  if (*out == nullptr) return report(crmflow::internal_error("out of memory"), errptr);
  return CRMFLOW_OK;
}

std::string_view text_in(const char* text) { return text == nullptr ? std::string_view{} : text; }

Error null_argument(std::string_view what) {
  return crmflow::invalid_input(fmt::format("{} must not be NULL", what));
}

// Parses a JSON argument; NULL or an empty text is null. `what` names it in errors.
Result<Value> json_in(const char* text, std::string_view what) {
  if (text == nullptr || *text == '\0') return Value{};
  auto parsed = crmflow::parse_json(text, JsonStyle::typed);
  if (!parsed) return crmflow::invalid_input(fmt::format("{}: {}", what, parsed.error().message));
  return parsed;
}

// An object argument (or null), for options, queries and variables.
Result<Value> object_in(const char* text, std::string_view what) {
  auto value = json_in(text, what);
  if (!value) return value;
  if (!value->is_null() && !value->is_object()) {
    return crmflow::invalid_input(
        fmt::format("{} must be a JSON object, not {}", what, value->kind_name()));
  }
  return value;
}

// Reads the members of an options object, each checked for its type; unknown members are
// refused so that a misspelt option does not pass silently.
class Fields {
 public:
  Fields(const Value& object, std::string_view what) : object_(object), what_(what) {}

  // Every member must be one of `known`.
  std::optional<Error> only(std::initializer_list<std::string_view> known) const {
    if (!object_.is_object()) return std::nullopt;
    for (const auto& [name, value] : object_.as_object()) {
      bool found = false;
      for (std::string_view k : known) found = found || k == name;
      if (!found)
        return crmflow::invalid_input(fmt::format("{}: unknown member '{}'", what_, name));
    }
    return std::nullopt;
  }
  Result<std::string> text(std::string_view name) const {
    const Value* v = find(name);
    if (v == nullptr || v->is_null()) return std::string{};
    if (!v->is_string()) return wrong(name, "a string", *v);
    return v->as_string();
  }
  Result<bool> flag(std::string_view name) const {
    const Value* v = find(name);
    if (v == nullptr || v->is_null()) return false;
    if (!v->is_bool()) return wrong(name, "true or false", *v);
    return v->as_bool();
  }
  Result<std::int64_t> count(std::string_view name) const {
    const Value* v = find(name);
    if (v == nullptr || v->is_null()) return std::int64_t{0};
    if (!v->is_integer() || v->as_integer() < 0) return wrong(name, "a whole number >= 0", *v);
    return v->as_integer();
  }
  Value object(std::string_view name) const {
    const Value* v = find(name);
    return v == nullptr ? Value{} : *v;
  }
  bool has(std::string_view name) const {
    const Value* v = find(name);
    return v != nullptr && !v->is_null();
  }

 private:
  const Value* find(std::string_view name) const {
    return object_.is_object() ? object_.find(name) : nullptr;
  }
  Error wrong(std::string_view name, std::string_view expected, const Value& v) const {
    return crmflow::invalid_input(
        fmt::format("{}: '{}' must be {}, not {}", what_, name, expected, v.kind_name()));
  }
  const Value& object_;
  std::string_view what_;
};

// ---- JSON ----

std::string moment(Instant at) { return crmflow::time::format_instant(at); }
Value text_or_null(const std::string& text) { return text.empty() ? Value{} : Value{text}; }
std::int64_t millis(Instant at) { return at.time_since_epoch().count(); }
Instant instant(std::int64_t ms) { return Instant{std::chrono::milliseconds{ms}}; }

// The record shapes are the library's (include/crmflow/record_json.hpp), those of the command
// line's --json; history events add their "sequence".
Value event_json(const crmflow::HistoryEvent& e) {
  Value out = crmflow::event_to_json(e);
  out.set("sequence", static_cast<std::int64_t>(e.sequence));
  return out;
}

// A job as a handler callback gets it: what the `command` and `http` handlers send, with "now".
Value job_json(const crmflow::JobContext& job) {
  Value out = crmflow::notify::job_value(job);
  out.set("now", moment(job.now));
  return out;
}

Value ids_json(const std::vector<crmflow::CaseId>& ids) {
  Value::List out;
  out.reserve(ids.size());
  for (crmflow::CaseId id : ids) out.emplace_back(static_cast<std::int64_t>(id));
  return Value{std::move(out)};
}

// Every diagnostic of a file, one per line: FILE:LINE:COL: error: MESSAGE.
Error diagnostics_error(const std::vector<crmflow::Diagnostic>& diagnostics) {
  std::string message;
  for (const crmflow::Diagnostic& d : diagnostics) {
    if (!message.empty()) message += '\n';
    message += d.format();
  }
  return crmflow::invalid_input(std::move(message));
}

// ---- Users: an entry of a users file, `{groups: [...], manages: [...], CHANNEL: ADDRESS}` ----

Result<std::vector<std::string>> text_items(const Value& v, std::string_view owner,
                                            std::string_view field) {
  const auto wrong = [&] {
    return crmflow::invalid_input(fmt::format("{}: '{}' must be a list of names", owner, field));
  };
  if (!v.is_list()) return wrong();
  std::vector<std::string> out;
  for (const Value& item : v.as_list()) {
    if (!item.is_string() || item.as_string().empty()) return wrong();
    for (const std::string& seen : out) {
      if (seen == item.as_string()) {
        return crmflow::invalid_input(fmt::format("{}: '{}' lists '{}' twice", owner, field, seen));
      }
    }
    out.push_back(item.as_string());
  }
  return out;
}

crmflow::Status add_user(crmflow::MemoryDirectory& directory, std::string_view name,
                         const Value& entry, std::string_view where) {
  const std::string owner = fmt::format("{}user '{}'", where, name);
  if (name.empty())
    return crmflow::invalid_input(fmt::format("{}a user name must not be empty", where));
  if (!entry.is_null() && !entry.is_object()) {
    return crmflow::invalid_input(
        fmt::format("{}: an entry is {{groups: [...], manages: [...], CHANNEL: ADDRESS}}, not {}",
                    owner, entry.kind_name()));
  }
  std::vector<std::string> groups;
  std::vector<std::string> manages;
  std::map<std::string, std::string, std::less<>> addresses;
  if (entry.is_object()) {
    for (const auto& [field, value] : entry.as_object()) {
      if (field == "groups" || field == "manages") {
        auto items = text_items(value, owner, field);
        if (!items) return items.error();
        (field == "groups" ? groups : manages) = std::move(*items);
      } else if (value.is_string() && !value.as_string().empty()) {
        addresses.emplace(field, value.as_string());  // the user's address on channel `field`
      } else {
        return crmflow::invalid_input(
            fmt::format("{}: the address on channel '{}' must be a non-empty text", owner, field));
      }
    }
  }
  directory.add_user(std::string{name}, std::move(groups), std::move(addresses));
  directory.set_managed_groups(name, std::move(manages));
  return {};
}

// ---- Callbacks as a handler and a channel ----

// Frees what a callback left in its out-struct, on every path.
struct Owned {
  char* text = nullptr;
  ~Owned() { std::free(text); }
  std::string str() const { return text == nullptr ? std::string{} : std::string{text}; }
};

crmflow::HandlerResult call_handler(crmflow_handler_fn callback, void* user_data,
                                    const crmflow::JobContext& job) {
  const std::string job_text = crmflow::to_json(job_json(job));
  crmflow_handler_result out{CRMFLOW_HANDLER_OK, nullptr, nullptr, nullptr};
  callback(user_data, job_text.c_str(), &out);
  const Owned result{out.result_json};
  const Owned code{out.error_code};
  const Owned message{out.message};
  switch (out.kind) {
    case CRMFLOW_HANDLER_OK: {
      if (result.text == nullptr) return crmflow::HandlerResult::ok();
      auto value = crmflow::parse_json(result.text, JsonStyle::typed);
      if (!value) {
        return crmflow::HandlerResult::failure(fmt::format(
            "handler '{}' answered with bad result JSON: {}", job.handler, value.error().message));
      }
      if (!value->is_null() && !value->is_object()) {
        return crmflow::HandlerResult::failure(
            fmt::format("handler '{}' answered with a result that is {}, not an object",
                        job.handler, value->kind_name()));
      }
      return crmflow::HandlerResult::ok(std::move(*value));
    }
    case CRMFLOW_HANDLER_ERROR:
      if (code.text == nullptr || *code.text == '\0') {
        return crmflow::HandlerResult::failure(
            fmt::format("handler '{}' answered a business error without a code", job.handler));
      }
      return crmflow::HandlerResult::error(code.str(), message.str());
    case CRMFLOW_HANDLER_FAILURE:
      return crmflow::HandlerResult::failure(message.text == nullptr
                                                 ? fmt::format("handler '{}' failed", job.handler)
                                                 : message.str());
  }
  return crmflow::HandlerResult::failure(fmt::format("handler '{}' answered an unknown kind {}",
                                                     job.handler, static_cast<int>(out.kind)));
}

class CallbackChannel final : public crmflow::Channel {
 public:
  CallbackChannel(crmflow_channel_fn callback, void* user_data)
      : callback_(callback), user_data_(user_data) {}

  crmflow::DeliveryOutcome deliver(const crmflow::Notification& notification) override {
    const std::string text = crmflow::notify::notification_json(notification);
    crmflow_delivery out{CRMFLOW_DELIVERED, nullptr, -1};
    callback_(user_data_, text.c_str(), &out);
    const Owned detail{out.detail};
    switch (out.kind) {
      case CRMFLOW_DELIVERED:
        return crmflow::DeliveryOutcome::delivered(detail.str());
      case CRMFLOW_RETRY:
        return crmflow::DeliveryOutcome::retry(
            detail.str(), out.retry_after_ms < 0
                              ? std::nullopt
                              : std::optional{std::chrono::milliseconds{out.retry_after_ms}});
      case CRMFLOW_FAILED:
        return crmflow::DeliveryOutcome::failed(detail.str());
    }
    return crmflow::DeliveryOutcome::retry(
        fmt::format("the channel answered an unknown kind {}", static_cast<int>(out.kind)));
  }

 private:
  crmflow_channel_fn callback_;
  void* user_data_;
};

// A directory nobody is in, for an engine created without one.
const std::shared_ptr<const crmflow::Directory>& empty_directory() {
  static const std::shared_ptr<const crmflow::Directory> empty =
      std::make_shared<crmflow::MemoryDirectory>();
  return empty;
}

// Checks the engine handle and runs `body` guarded.
template <class Body>
crmflow_error_code on_engine(crmflow_engine_t* engine, char** errptr, Body&& body) noexcept {
  return guarded(errptr, [&]() -> crmflow_error_code {
    if (engine == nullptr) return report(null_argument("engine"), errptr);
    return body(*engine->engine);
  });
}

crmflow::TaskId task_id_in(std::int64_t id) { return static_cast<crmflow::TaskId>(id); }
crmflow::CaseId case_id_in(std::int64_t id) { return static_cast<crmflow::CaseId>(id); }

// The definition at `path` or in `text`, deployed.
crmflow_error_code deploy(crmflow_engine_t& handle, const crmflow::LoadOutcome& loaded, char** out,
                          char** errptr) {
  if (!loaded.ok()) return report(diagnostics_error(loaded.diagnostics), errptr);
  auto deployed = handle.engine->deploy(loaded.process);
  if (!deployed) return report(deployed.error(), errptr);
  return give_json(Value::Object{{"process", deployed->process_id},
                                 {"version", deployed->version},
                                 {"changed", deployed->changed}},
                   out, errptr);
}

crmflow::LoadOptions load_options(const crmflow_engine_t& handle) {
  crmflow::LoadOptions options;
  if (handle.calendars) options.calendars = handle.calendars->names();
  return options;
}

}  // namespace

extern "C" {

// ---- Errors and memory ----

CRMFLOW_C_EXPORT crmflow_error_code crmflow_error_code_of(const char* error) {
  if (error == nullptr) return CRMFLOW_OK;
  const std::string_view text{error};
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return CRMFLOW_INTERNAL;
  const auto code = crmflow::parse_error_code(text.substr(0, colon));
  return code ? c_code(*code) : CRMFLOW_INTERNAL;
}

CRMFLOW_C_EXPORT const char* crmflow_error_code_name(crmflow_error_code code) {
  switch (code) {
    case CRMFLOW_OK:
      return "ok";
    case CRMFLOW_NOT_FOUND:
      return "not_found";
    case CRMFLOW_NOT_AUTHORIZED:
      return "not_authorized";
    case CRMFLOW_INVALID_INPUT:
      return "invalid_input";
    case CRMFLOW_INVALID_STATE:
      return "invalid_state";
    case CRMFLOW_CONFLICT:
      return "conflict";
    case CRMFLOW_UNAVAILABLE:
      return "unavailable";
    case CRMFLOW_INTERNAL:
      return "internal";
  }
  return "internal";
}

CRMFLOW_C_EXPORT void crmflow_free(void* p) { std::free(p); }

CRMFLOW_C_EXPORT char* crmflow_strdup(const char* text) {
  return text == nullptr ? nullptr : copy_out(text);
}

// ---- Stores ----

CRMFLOW_C_EXPORT crmflow_store_t* crmflow_store_create_memory(void) {
  try {
    return new crmflow_store_t{std::make_shared<crmflow::MemoryStore>()};
  } catch (...) {
    return nullptr;
  }
}

CRMFLOW_C_EXPORT crmflow_store_t* crmflow_store_open_sqlite(const char* path, char** errptr) {
  crmflow_store_t* out = nullptr;
  guarded(errptr, [&]() -> crmflow_error_code {
    if (path == nullptr) return report(null_argument("path"), errptr);
    auto store = crmflow::SqliteStore::open(path);
    if (!store) return report(store.error(), errptr);
    out = new crmflow_store_t{std::shared_ptr<crmflow::Store>{std::move(*store)}};
    return CRMFLOW_OK;
  });
  return out;
}

CRMFLOW_C_EXPORT crmflow_store_t* crmflow_store_open(const char* location, char** errptr) {
  crmflow_store_t* out = nullptr;
  guarded(errptr, [&]() -> crmflow_error_code {
    if (location == nullptr) return report(null_argument("location"), errptr);
    auto store = crmflow::open_store(location);
    if (!store) return report(store.error(), errptr);
    out = new crmflow_store_t{std::shared_ptr<crmflow::Store>{std::move(*store)}};
    return CRMFLOW_OK;
  });
  return out;
}

CRMFLOW_C_EXPORT void crmflow_store_destroy(crmflow_store_t* store) { delete store; }

// ---- Clocks ----

CRMFLOW_C_EXPORT crmflow_clock_t* crmflow_clock_create_system(void) {
  try {
    return new crmflow_clock_t{std::make_shared<crmflow::SystemClock>(), nullptr};
  } catch (...) {
    return nullptr;
  }
}

CRMFLOW_C_EXPORT crmflow_clock_t* crmflow_clock_create_manual(int64_t start_ms) {
  try {
    auto clock = std::make_shared<crmflow::ManualClock>(instant(start_ms));
    crmflow::ManualClock* manual = clock.get();
    return new crmflow_clock_t{std::move(clock), manual};
  } catch (...) {
    return nullptr;
  }
}

CRMFLOW_C_EXPORT int64_t crmflow_clock_now(const crmflow_clock_t* clock) {
  return clock == nullptr ? 0 : millis(clock->clock->now());
}

CRMFLOW_C_EXPORT crmflow_error_code crmflow_clock_set(crmflow_clock_t* clock, int64_t at_ms,
                                                      char** errptr) {
  return guarded(errptr, [&]() -> crmflow_error_code {
    if (clock == nullptr) return report(null_argument("clock"), errptr);
    if (clock->manual == nullptr) {
      return report(crmflow::invalid_state("only a manual clock can be set"), errptr);
    }
    clock->manual->set(instant(at_ms));
    return CRMFLOW_OK;
  });
}

CRMFLOW_C_EXPORT crmflow_error_code crmflow_clock_advance(crmflow_clock_t* clock, int64_t by_ms,
                                                          char** errptr) {
  return guarded(errptr, [&]() -> crmflow_error_code {
    if (clock == nullptr) return report(null_argument("clock"), errptr);
    if (clock->manual == nullptr) {
      return report(crmflow::invalid_state("only a manual clock can be advanced"), errptr);
    }
    if (by_ms < 0) {
      return report(crmflow::invalid_input(
                        fmt::format("a clock advances by 0 milliseconds or more, not {}", by_ms)),
                    errptr);
    }
    clock->manual->advance(std::chrono::milliseconds{by_ms});
    return CRMFLOW_OK;
  });
}

CRMFLOW_C_EXPORT void crmflow_clock_destroy(crmflow_clock_t* clock) { delete clock; }

// ---- Directory ----

CRMFLOW_C_EXPORT crmflow_directory_t* crmflow_directory_create(void) {
  try {
    return new crmflow_directory_t{std::make_shared<crmflow::MemoryDirectory>()};
  } catch (...) {
    return nullptr;
  }
}

CRMFLOW_C_EXPORT crmflow_directory_t* crmflow_directory_load_file(const char* path, char** errptr) {
  crmflow_directory_t* out = nullptr;
  guarded(errptr, [&]() -> crmflow_error_code {
    if (path == nullptr) return report(null_argument("path"), errptr);
    crmflow::UsersOutcome loaded = crmflow::load_users_file(path);
    if (!loaded.ok()) return report(diagnostics_error(loaded.diagnostics), errptr);
    std::shared_ptr<crmflow::MemoryDirectory> directory = std::move(loaded.directory);
    out = new crmflow_directory_t{std::move(directory)};
    return CRMFLOW_OK;
  });
  return out;
}

CRMFLOW_C_EXPORT crmflow_error_code crmflow_directory_add_user(crmflow_directory_t* directory,
                                                               const char* user,
                                                               const char* user_json,
                                                               char** errptr) {
  return guarded(errptr, [&]() -> crmflow_error_code {
    if (directory == nullptr) return report(null_argument("directory"), errptr);
    if (user == nullptr) return report(null_argument("user"), errptr);
    auto entry = json_in(user_json, fmt::format("user '{}'", user));
    if (!entry) return report(entry.error(), errptr);
    return finish(add_user(*directory->directory, user, *entry, ""), errptr);
  });
}

CRMFLOW_C_EXPORT void crmflow_directory_destroy(crmflow_directory_t* directory) {
  delete directory;
}

// ---- Calendars ----

CRMFLOW_C_EXPORT crmflow_calendars_t* crmflow_calendars_load_file(const char* path, char** errptr) {
  crmflow_calendars_t* out = nullptr;
  guarded(errptr, [&]() -> crmflow_error_code {
    if (path == nullptr) return report(null_argument("path"), errptr);
    crmflow::CalendarsOutcome loaded = crmflow::Calendars::load_file(path);
    if (!loaded.ok()) return report(diagnostics_error(loaded.diagnostics), errptr);
    out = new crmflow_calendars_t{std::make_shared<const crmflow::Calendars>(loaded.calendars)};
    return CRMFLOW_OK;
  });
  return out;
}

CRMFLOW_C_EXPORT void crmflow_calendars_destroy(crmflow_calendars_t* calendars) {
  delete calendars;
}

// ---- Channels ----

CRMFLOW_C_EXPORT crmflow_channels_t* crmflow_channels_create(void) {
  try {
    return new crmflow_channels_t{std::make_shared<crmflow::ChannelRegistry>()};
  } catch (...) {
    return nullptr;
  }
}

CRMFLOW_C_EXPORT crmflow_channels_t* crmflow_channels_load_file(const char* path, char** errptr) {
  crmflow_channels_t* out = nullptr;
  guarded(errptr, [&]() -> crmflow_error_code {
    if (path == nullptr) return report(null_argument("path"), errptr);
    crmflow::ChannelsOutcome loaded = crmflow::load_channels_file(path);
    if (!loaded.ok()) return report(diagnostics_error(loaded.diagnostics), errptr);
    out = new crmflow_channels_t{
        std::make_shared<crmflow::ChannelRegistry>(std::move(loaded.channels))};
    return CRMFLOW_OK;
  });
  return out;
}

CRMFLOW_C_EXPORT crmflow_error_code crmflow_channels_add(crmflow_channels_t* channels,
                                                         const char* name,
                                                         crmflow_channel_fn callback,
                                                         void* user_data, char** errptr) {
  return guarded(errptr, [&]() -> crmflow_error_code {
    if (channels == nullptr) return report(null_argument("channels"), errptr);
    if (callback == nullptr) return report(null_argument("callback"), errptr);
    if (name == nullptr || *name == '\0') {
      return report(crmflow::invalid_input("a channel name must not be empty"), errptr);
    }
    channels->channels->add(name, std::make_shared<CallbackChannel>(callback, user_data));
    return CRMFLOW_OK;
  });
}

CRMFLOW_C_EXPORT void crmflow_channels_destroy(crmflow_channels_t* channels) { delete channels; }

// ---- Engine ----

CRMFLOW_C_EXPORT crmflow_engine_t* crmflow_engine_create(
    crmflow_store_t* store, crmflow_clock_t* clock, crmflow_directory_t* directory,
    crmflow_channels_t* channels, crmflow_calendars_t* calendars, char** errptr) {
  crmflow_engine_t* out = nullptr;
  guarded(errptr, [&]() -> crmflow_error_code {
    if (store == nullptr) return report(null_argument("store"), errptr);
    auto handle = std::make_unique<crmflow_engine_t>();
    handle->store = store->store;
    handle->clock = clock != nullptr ? clock->clock : std::make_shared<crmflow::SystemClock>();
    handle->directory = directory != nullptr
                            ? std::shared_ptr<const crmflow::Directory>{directory->directory}
                            : empty_directory();
    if (channels != nullptr) handle->channels = channels->channels;
    if (calendars != nullptr) handle->calendars = calendars->calendars;
    handle->engine = std::make_unique<crmflow::Engine>(
        *handle->store, crmflow::EngineOptions{.clock = handle->clock.get(),
                                               .directory = handle->directory.get(),
                                               .channels = handle->channels.get(),
                                               .calendars = handle->calendars.get()});
    out = handle.release();
    return CRMFLOW_OK;
  });
  return out;
}

CRMFLOW_C_EXPORT void crmflow_engine_destroy(crmflow_engine_t* engine) { delete engine; }

CRMFLOW_C_EXPORT char* crmflow_engine_deploy_yaml(crmflow_engine_t* engine, const char* yaml_text,
                                                  const char* file_name, char** errptr) {
  char* out = nullptr;
  on_engine(engine, errptr, [&](crmflow::Engine&) -> crmflow_error_code {
    if (yaml_text == nullptr) return report(null_argument("yaml_text"), errptr);
    const std::string_view name = file_name == nullptr ? "<text>" : file_name;
    return deploy(*engine, crmflow::load_process(yaml_text, name, load_options(*engine)), &out,
                  errptr);
  });
  return out;
}

CRMFLOW_C_EXPORT char* crmflow_engine_deploy_file(crmflow_engine_t* engine, const char* path,
                                                  char** errptr) {
  char* out = nullptr;
  on_engine(engine, errptr, [&](crmflow::Engine&) -> crmflow_error_code {
    if (path == nullptr) return report(null_argument("path"), errptr);
    return deploy(*engine, crmflow::load_process_file(path, load_options(*engine)), &out, errptr);
  });
  return out;
}

CRMFLOW_C_EXPORT crmflow_error_code crmflow_engine_add_handler(crmflow_engine_t* engine,
                                                               const char* name,
                                                               crmflow_handler_fn callback,
                                                               void* user_data, char** errptr) {
  return on_engine(engine, errptr, [&](crmflow::Engine& e) -> crmflow_error_code {
    if (callback == nullptr) return report(null_argument("callback"), errptr);
    if (name == nullptr || *name == '\0') {
      return report(crmflow::invalid_input("a handler name must not be empty"), errptr);
    }
    e.handlers().add(name, [callback, user_data](const crmflow::JobContext& job) {
      return call_handler(callback, user_data, job);
    });
    return CRMFLOW_OK;
  });
}

CRMFLOW_C_EXPORT int64_t crmflow_engine_start(crmflow_engine_t* engine, const char* process_id,
                                              const char* options_json, char** errptr) {
  int64_t out = 0;
  on_engine(engine, errptr, [&](crmflow::Engine& e) -> crmflow_error_code {
    if (process_id == nullptr) return report(null_argument("process_id"), errptr);
    auto options = object_in(options_json, "start options");
    if (!options) return report(options.error(), errptr);
    const Fields fields{*options, "start options"};
    if (auto bad = fields.only({"key", "by", "vars", "version"})) return report(*bad, errptr);
    crmflow::StartOptions start;
    auto key = fields.text("key");
    if (!key) return report(key.error(), errptr);
    auto by = fields.text("by");
    if (!by) return report(by.error(), errptr);
    start.key = std::move(*key);
    start.by = std::move(*by);
    start.vars = fields.object("vars");
    if (fields.has("version")) {
      auto version = fields.count("version");
      if (!version) return report(version.error(), errptr);
      start.version = *version;
    }
    auto id = e.start(process_id, start);
    if (!id) return report(id.error(), errptr);
    out = static_cast<int64_t>(*id);
    return CRMFLOW_OK;
  });
  return out;
}

CRMFLOW_C_EXPORT crmflow_error_code crmflow_engine_complete(crmflow_engine_t* engine,
                                                            int64_t task_id,
                                                            const char* options_json,
                                                            char** errptr) {
  return on_engine(engine, errptr, [&](crmflow::Engine& e) -> crmflow_error_code {
    auto options = object_in(options_json, "complete options");
    if (!options) return report(options.error(), errptr);
    const Fields fields{*options, "complete options"};
    if (auto bad = fields.only({"by", "vars", "admin_override"})) return report(*bad, errptr);
    auto by = fields.text("by");
    if (!by) return report(by.error(), errptr);
    auto admin = fields.flag("admin_override");
    if (!admin) return report(admin.error(), errptr);
    return finish(
        e.complete(task_id_in(task_id),
                   {.by = std::move(*by), .vars = fields.object("vars"), .admin_override = *admin}),
        errptr);
  });
}

CRMFLOW_C_EXPORT crmflow_error_code crmflow_engine_claim(crmflow_engine_t* engine, int64_t task_id,
                                                         const char* by, char** errptr) {
  return on_engine(engine, errptr, [&](crmflow::Engine& e) {
    return finish(e.claim(task_id_in(task_id), text_in(by)), errptr);
  });
}

CRMFLOW_C_EXPORT crmflow_error_code crmflow_engine_unclaim(crmflow_engine_t* engine,
                                                           int64_t task_id, const char* by,
                                                           char** errptr) {
  return on_engine(engine, errptr, [&](crmflow::Engine& e) {
    return finish(e.unclaim(task_id_in(task_id), text_in(by)), errptr);
  });
}

CRMFLOW_C_EXPORT crmflow_error_code crmflow_engine_delegate(crmflow_engine_t* engine,
                                                            int64_t task_id, const char* by,
                                                            const char* to, char** errptr) {
  return on_engine(engine, errptr, [&](crmflow::Engine& e) {
    return finish(e.delegate(task_id_in(task_id), text_in(by), text_in(to)), errptr);
  });
}

CRMFLOW_C_EXPORT crmflow_error_code crmflow_engine_reassign(crmflow_engine_t* engine,
                                                            int64_t task_id,
                                                            const char* options_json,
                                                            char** errptr) {
  return on_engine(engine, errptr, [&](crmflow::Engine& e) -> crmflow_error_code {
    auto options = object_in(options_json, "reassign options");
    if (!options) return report(options.error(), errptr);
    const Fields fields{*options, "reassign options"};
    if (auto bad = fields.only({"by", "to", "admin_override"})) return report(*bad, errptr);
    auto by = fields.text("by");
    if (!by) return report(by.error(), errptr);
    auto to = fields.text("to");
    if (!to) return report(to.error(), errptr);
    auto admin = fields.flag("admin_override");
    if (!admin) return report(admin.error(), errptr);
    return finish(
        e.reassign(task_id_in(task_id),
                   {.by = std::move(*by), .to = std::move(*to), .admin_override = *admin}),
        errptr);
  });
}

CRMFLOW_C_EXPORT char* crmflow_engine_tasks(crmflow_engine_t* engine, const char* query_json,
                                            char** errptr) {
  char* out = nullptr;
  on_engine(engine, errptr, [&](crmflow::Engine& e) -> crmflow_error_code {
    auto query = object_in(query_json, "task query");
    if (!query) return report(query.error(), errptr);
    const Fields fields{*query, "task query"};
    if (auto bad = fields.only(
            {"user", "group", "manager", "case", "step", "overdue_only", "limit", "offset"})) {
      return report(*bad, errptr);
    }
    crmflow::TaskQuery q;
    for (auto [name, target] : {std::pair{"user", &q.user}, std::pair{"group", &q.group},
                                std::pair{"manager", &q.manager}, std::pair{"step", &q.step_id}}) {
      auto text = fields.text(name);
      if (!text) return report(text.error(), errptr);
      *target = std::move(*text);
    }
    auto case_id = fields.count("case");
    auto overdue = fields.flag("overdue_only");
    auto limit = fields.count("limit");
    auto offset = fields.count("offset");
    if (!case_id) return report(case_id.error(), errptr);
    if (!overdue) return report(overdue.error(), errptr);
    if (!limit) return report(limit.error(), errptr);
    if (!offset) return report(offset.error(), errptr);
    q.case_id = case_id_in(*case_id);
    q.overdue_only = *overdue;
    q.limit = static_cast<std::size_t>(*limit);
    q.offset = static_cast<std::size_t>(*offset);
    auto tasks = e.tasks(q);
    if (!tasks) return report(tasks.error(), errptr);
    const Instant now = engine->clock->now();
    Value::List list;
    list.reserve(tasks->size());
    for (const crmflow::Task& t : *tasks) list.push_back(crmflow::task_to_json(t, now));
    return give_json(Value{std::move(list)}, &out, errptr);
  });
  return out;
}

CRMFLOW_C_EXPORT char* crmflow_engine_task(crmflow_engine_t* engine, int64_t task_id,
                                           char** errptr) {
  char* out = nullptr;
  on_engine(engine, errptr, [&](crmflow::Engine& e) -> crmflow_error_code {
    auto task = e.task(task_id_in(task_id));
    if (!task) return report(task.error(), errptr);
    Value json = crmflow::task_to_json(*task, engine->clock->now());
    json.set("status", std::string{crmflow::to_string(task->status)});
    json.set("completed_by", text_or_null(task->completed_by));
    return give_json(json, &out, errptr);
  });
  return out;
}

CRMFLOW_C_EXPORT char* crmflow_engine_get_case(crmflow_engine_t* engine, int64_t case_id,
                                               char** errptr) {
  char* out = nullptr;
  on_engine(engine, errptr, [&](crmflow::Engine& e) -> crmflow_error_code {
    auto c = e.get_case(case_id_in(case_id));
    if (!c) return report(c.error(), errptr);
    return give_json(crmflow::case_detail_to_json(*c), &out, errptr);
  });
  return out;
}

CRMFLOW_C_EXPORT char* crmflow_engine_cases(crmflow_engine_t* engine, const char* query_json,
                                            char** errptr) {
  char* out = nullptr;
  on_engine(engine, errptr, [&](crmflow::Engine& e) -> crmflow_error_code {
    auto query = object_in(query_json, "case query");
    if (!query) return report(query.error(), errptr);
    const Fields fields{*query, "case query"};
    if (auto bad = fields.only({"process", "status", "key", "limit", "offset"})) {
      return report(*bad, errptr);
    }
    crmflow::CaseQuery q;
    auto process = fields.text("process");
    auto status = fields.text("status");
    auto key = fields.text("key");
    auto limit = fields.count("limit");
    auto offset = fields.count("offset");
    if (!process) return report(process.error(), errptr);
    if (!status) return report(status.error(), errptr);
    if (!key) return report(key.error(), errptr);
    if (!limit) return report(limit.error(), errptr);
    if (!offset) return report(offset.error(), errptr);
    if (!status->empty()) {
      q.status = crmflow::parse_case_status(*status);
      if (!q.status) {
        return report(crmflow::invalid_input(fmt::format(
                          "case query: unknown status '{}' (active, completed, terminated, "
                          "cancelled, incident)",
                          *status)),
                      errptr);
      }
    }
    q.process_id = std::move(*process);
    q.key = std::move(*key);
    q.limit = static_cast<std::size_t>(*limit);
    q.offset = static_cast<std::size_t>(*offset);
    auto cases = e.cases(q);
    if (!cases) return report(cases.error(), errptr);
    Value::List list;
    list.reserve(cases->size());
    for (const crmflow::Case& c : *cases) list.push_back(crmflow::case_to_json(c));
    return give_json(Value{std::move(list)}, &out, errptr);
  });
  return out;
}

CRMFLOW_C_EXPORT char* crmflow_engine_history(crmflow_engine_t* engine, int64_t case_id,
                                              char** errptr) {
  char* out = nullptr;
  on_engine(engine, errptr, [&](crmflow::Engine& e) -> crmflow_error_code {
    auto events = e.history(case_id_in(case_id));
    if (!events) return report(events.error(), errptr);
    Value::List list;
    list.reserve(events->size());
    for (const crmflow::HistoryEvent& event : *events) list.push_back(event_json(event));
    return give_json(Value{std::move(list)}, &out, errptr);
  });
  return out;
}

CRMFLOW_C_EXPORT char* crmflow_engine_waiting(crmflow_engine_t* engine, int64_t case_id,
                                              char** errptr) {
  char* out = nullptr;
  on_engine(engine, errptr, [&](crmflow::Engine& e) -> crmflow_error_code {
    auto waits = e.waiting(case_id_in(case_id));
    if (!waits) return report(waits.error(), errptr);
    Value::List list;
    list.reserve(waits->size());
    for (const crmflow::Waiting& w : *waits) list.push_back(crmflow::waiting_to_json(w));
    return give_json(Value{std::move(list)}, &out, errptr);
  });
  return out;
}

CRMFLOW_C_EXPORT char* crmflow_engine_correlate(crmflow_engine_t* engine, const char* name,
                                                const char* key, const char* vars_json,
                                                char** errptr) {
  char* out = nullptr;
  on_engine(engine, errptr, [&](crmflow::Engine& e) -> crmflow_error_code {
    if (name == nullptr) return report(null_argument("name"), errptr);
    auto vars = object_in(vars_json, "message variables");
    if (!vars) return report(vars.error(), errptr);
    auto reached = e.correlate(name, text_in(key), *vars);
    if (!reached) return report(reached.error(), errptr);
    return give_json(ids_json(*reached), &out, errptr);
  });
  return out;
}

CRMFLOW_C_EXPORT char* crmflow_engine_signal(crmflow_engine_t* engine, const char* name,
                                             const char* vars_json, char** errptr) {
  char* out = nullptr;
  on_engine(engine, errptr, [&](crmflow::Engine& e) -> crmflow_error_code {
    if (name == nullptr) return report(null_argument("name"), errptr);
    auto vars = object_in(vars_json, "signal variables");
    if (!vars) return report(vars.error(), errptr);
    auto reached = e.signal(name, *vars);
    if (!reached) return report(reached.error(), errptr);
    return give_json(ids_json(*reached), &out, errptr);
  });
  return out;
}

CRMFLOW_C_EXPORT crmflow_error_code crmflow_engine_cancel(crmflow_engine_t* engine, int64_t case_id,
                                                          const char* reason, char** errptr) {
  return on_engine(engine, errptr, [&](crmflow::Engine& e) {
    return finish(e.cancel(case_id_in(case_id), text_in(reason)), errptr);
  });
}

CRMFLOW_C_EXPORT crmflow_error_code crmflow_engine_retry(crmflow_engine_t* engine, int64_t case_id,
                                                         const char* step_id, const char* vars_json,
                                                         char** errptr) {
  return on_engine(engine, errptr, [&](crmflow::Engine& e) -> crmflow_error_code {
    if (step_id == nullptr) return report(null_argument("step_id"), errptr);
    auto vars = object_in(vars_json, "retry variables");
    if (!vars) return report(vars.error(), errptr);
    return finish(e.retry(case_id_in(case_id), step_id, *vars), errptr);
  });
}

CRMFLOW_C_EXPORT crmflow_error_code crmflow_engine_run_due(crmflow_engine_t* engine, int64_t now_ms,
                                                           crmflow_run_due_counts* counts,
                                                           char** errptr) {
  return on_engine(engine, errptr, [&](crmflow::Engine& e) -> crmflow_error_code {
    crmflow::RunDueCounts done;
    auto ran = e.run_due(instant(now_ms), {.counts = &done});
    if (counts != nullptr) *counts = crmflow_run_due_counts{done.jobs, done.deliveries};
    return ran ? CRMFLOW_OK : report(ran.error(), errptr);
  });
}

CRMFLOW_C_EXPORT int crmflow_engine_next_due(crmflow_engine_t* engine, int64_t* due_ms,
                                             char** errptr) {
  int out = -1;
  on_engine(engine, errptr, [&](crmflow::Engine& e) -> crmflow_error_code {
    auto due = e.next_due();
    if (!due) return report(due.error(), errptr);
    out = due->has_value() ? 1 : 0;
    if (*due && due_ms != nullptr) *due_ms = millis(**due);
    return CRMFLOW_OK;
  });
  return out;
}

}  // extern "C"
