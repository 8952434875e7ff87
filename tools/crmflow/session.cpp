// The session every store command opens: the store of --db, the directory of --users, the clock,
// the Engine over them, and how results and refusals leave the process.
#include "session.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <utility>
#include <variant>

#include "commands.hpp"
#include "crmflow/delivery_config.hpp"
#include "crmflow/json.hpp"
#include "crmflow/log.hpp"
#include "crmflow/open_store.hpp"
#include "crmflow/process.hpp"
#include "model/definition.hpp"
#include "runtime/variables.hpp"
#include "time/iso8601.hpp"
#include "yaml/fields.hpp"
#include "yaml/reader.hpp"
#include "yaml/schema.hpp"

namespace crmflow::cli {
namespace {

constexpr std::string_view kDefaultStore = "crmflow.db";

// The directory without --users: every non-empty name is a user, nobody is in any group, and
// nobody has an address. The engine's checks stay as they are: a task offered to named users is
// theirs, a task offered to nobody is anyone's, and a task offered only to groups is nobody's
// (pass --users to say who is in which group).
class OpenDirectory final : public Directory {
 public:
  bool has_user(std::string_view user) const override { return !user.empty(); }
  std::vector<std::string> groups_of(std::string_view) const override { return {}; }
  std::vector<std::string> members_of(std::string_view) const override { return {}; }
  std::optional<std::string> address(std::string_view, std::string_view) const override {
    return std::nullopt;
  }
};

// The clock of a session: the system clock, or one moment for the whole command.
class SessionClock final : public Clock {
 public:
  explicit SessionClock(std::optional<Instant> pinned) : pinned_(pinned) {}
  Instant now() const override { return pinned_ ? *pinned_ : SystemClock::instance().now(); }

 private:
  std::optional<Instant> pinned_;
};

// One refusal for a file with problems: the first, and how many more there are.
Error file_problems(const std::vector<Diagnostic>& problems) {
  std::string message = problems.front().format();
  if (problems.size() > 1) {
    message += fmt::format(" (and {} more problem{} in the file)", problems.size() - 1,
                           problems.size() == 2 ? "" : "s");
  }
  return invalid_input(std::move(message));
}

// A parse_file error as invalid_input: a file that cannot be opened or read is a bad option
// value like a malformed one.
Error file_error(const Error& error) {
  return error.code == ErrorCode::invalid_input ? error : invalid_input(error.message);
}

// The directory of a users file (load_users_file). Errors: as the calendars'.
Result<std::unique_ptr<Directory>> read_users_file(const std::string& path) {
  UsersOutcome loaded = load_users_file(path);
  if (!loaded.ok()) return file_problems(loaded.diagnostics);
  return std::unique_ptr<Directory>{std::make_unique<MemoryDirectory>(*loaded.directory)};
}

bool is_text_name(const std::vector<std::string>& text_names, std::string_view name) {
  return std::find(text_names.begin(), text_names.end(), name) != text_names.end();
}

// The object of a --vars-file: a YAML map of variables, typed by the core schema.
Result<Value> read_vars_file(const std::string& path, const std::vector<std::string>& text_names) {
  auto document = yaml::parse_file(path);
  if (!document) return file_error(document.error());
  const yaml::Node& root = document->root();
  if (!root.is_mapping()) {
    return invalid_input(Diagnostic{path, root.mark().line, root.mark().column,
                                    fmt::format("--vars-file: the file must be a map of variables "
                                                "(NAME: VALUE lines), not {}",
                                                root.is_null() ? "nothing" : yaml::describe(root))}
                             .format());
  }
  auto value = yaml::to_value(root);
  if (!value) return file_error(value.error());
  for (const yaml::Node::Entry& entry : root.entries()) {
    const yaml::Node& given = entry.value;
    if (given.is_scalar() && given.is_plain() && given.tag().empty() &&
        is_text_name(text_names, entry.key.scalar())) {
      value->set(entry.key.scalar(), Value{given.scalar()});
    }
  }
  return value;
}

bool is_text_type(model::ValueType type) {
  return type == model::ValueType::string || type == model::ValueType::text;
}

// The compiled definition of a deployed version (`version` nullopt: the latest), or null when
// there is none or the store cannot say: callers then leave the refusal to the engine.
std::shared_ptr<const Process> deployed_process(Store& store, std::string_view process_id,
                                                std::optional<std::int64_t> version) {
  auto record =
      version ? store.definition(process_id, *version) : store.latest_definition(process_id);
  if (!record || !record->has_value()) return nullptr;
  if ((*record)->process) return (*record)->process;
  // A record read from disk keeps only the canonical text.
  LoadOutcome loaded = load_process((*record)->canonical, (*record)->process_id);
  return loaded.process;
}

}  // namespace

Result<std::optional<Calendars>> read_calendars_option(const Arguments& args) {
  const std::optional<std::string> path = args.get("calendars");
  if (!path) return std::optional<Calendars>{};
  CalendarsOutcome loaded = Calendars::load_file(*path);
  if (!loaded.ok()) return file_problems(loaded.diagnostics);
  return std::optional<Calendars>{std::move(loaded.calendars)};
}

// The channels of --channels FILE, nullopt without the option. Errors: as the calendars'.
Result<std::optional<ChannelRegistry>> read_channels_option(const Arguments& args) {
  const std::optional<std::string> path = args.get("channels");
  if (!path) return std::optional<ChannelRegistry>{};
  ChannelsOutcome loaded = load_channels_file(*path);
  if (!loaded.ok()) return file_problems(loaded.diagnostics);
  return std::optional<ChannelRegistry>{std::move(loaded.channels)};
}

// The handlers of --handlers FILE (none without the option). Errors: as the calendars'.
Result<HandlersOutcome> read_handlers_option(const Arguments& args) {
  const std::optional<std::string> path = args.get("handlers");
  if (!path) return HandlersOutcome{};
  HandlersOutcome loaded = load_handlers_file(*path);
  if (!loaded.ok()) return file_problems(loaded.diagnostics);
  return loaded;
}

// What the engine did on its own (a job set aside, a notification given up) goes to stderr, so
// that `tick` and `run` show it and scripts reading stdout are not disturbed. A refused task
// operation is the command's own refusal: its one `crmflow: error:` line says it (spec/cli.md).
void print_log(const LogRecord& record) {
  if (record.event == "refused") return;
  fmt::print(stderr, "crmflow: {}: {}\n", to_string(record.level), record.message);
}

struct Session::Parts {
  std::unique_ptr<Store> store;
  std::unique_ptr<Directory> directory;
  std::unique_ptr<SessionClock> clock;
  std::unique_ptr<Engine> engine;
  bool json = false;
  bool users_file = false;
  std::optional<Calendars> calendars;
  std::optional<ChannelRegistry> channels;
};

Session::Session(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::open(const Arguments& args) { return open(args, {}); }

Result<std::unique_ptr<Session>> Session::open(const Arguments& args,
                                               const SessionOptions& options) {
  auto parts = std::make_unique<Parts>();
  parts->json = args.has("json");
  // The directory first: a bad users file must not leave a new, empty database behind.
  if (auto users = args.get("users")) {
    auto directory = read_users_file(*users);
    if (!directory) return std::move(directory).error();
    parts->directory = *std::move(directory);
    parts->users_file = true;
  } else {
    parts->directory = std::make_unique<OpenDirectory>();
  }
  // The calendars too: a bad file must not leave a database behind either.
  if (options.calendars) {
    parts->calendars = options.calendars;
  } else {
    auto calendars = read_calendars_option(args);
    if (!calendars) return std::move(calendars).error();
    parts->calendars = *std::move(calendars);
  }
  // And the channels and handlers (their programs and folders are checked here too).
  auto channels = read_channels_option(args);
  if (!channels) return std::move(channels).error();
  parts->channels = *std::move(channels);
  auto handlers = read_handlers_option(args);
  if (!handlers) return std::move(handlers).error();
  auto store = open_store(args.get("db").value_or(std::string{kDefaultStore}));
  if (!store) return std::move(store).error();
  parts->store = *std::move(store);
  parts->clock = std::make_unique<SessionClock>(options.now);
  parts->engine = std::make_unique<Engine>(
      *parts->store, EngineOptions{.clock = parts->clock.get(),
                                   .directory = parts->directory.get(),
                                   .channels = parts->channels ? &*parts->channels : nullptr,
                                   .log = print_log,
                                   .calendars = parts->calendars ? &*parts->calendars : nullptr});
  for (const std::string& name : handlers->handlers.names()) {
    parts->engine->handlers().add(name, *handlers->handlers.find(name));
  }
  return std::unique_ptr<Session>{new Session{std::move(parts)}};
}

Store& Session::store() { return *parts_->store; }
Engine& Session::engine() { return *parts_->engine; }
const Directory& Session::directory() const { return *parts_->directory; }
bool Session::json() const { return parts_->json; }
bool Session::has_users_file() const { return parts_->users_file; }

int fail(const Arguments& args, const Error& error) {
  if (args.has("json")) {
    const Value document =
        Value::Object{{"error", Value::Object{{"code", std::string{to_string(error.code)}},
                                              {"message", error.message}}}};
    fmt::print(stderr, "{}\n", to_json(document, JsonStyle::pretty));
  } else {
    fmt::print(stderr, "crmflow: error: {}: {}\n", to_string(error.code), error.message);
  }
  return kExitFailed;
}

int fail_with_diagnostics(const Arguments& args, const Error& error,
                          const std::vector<Diagnostic>& diagnostics) {
  if (!args.has("json")) {
    for (const Diagnostic& d : diagnostics) fmt::print(stderr, "{}\n", d.format());
    return kExitFailed;
  }
  Value::List list;
  for (const Diagnostic& d : diagnostics) {
    list.emplace_back(Value::Object{{"file", d.file},
                                    {"line", static_cast<std::int64_t>(d.line)},
                                    {"column", static_cast<std::int64_t>(d.column)},
                                    {"message", d.message}});
  }
  const Value document =
      Value::Object{{"error", Value::Object{{"code", std::string{to_string(error.code)}},
                                            {"message", error.message},
                                            {"diagnostics", std::move(list)}}}};
  fmt::print(stderr, "{}\n", to_json(document, JsonStyle::pretty));
  return kExitFailed;
}

int usage(std::string_view message) {
  fmt::print(stderr, "crmflow: usage: {}\n", message);
  return kExitUsage;
}

Result<VarAssignment> parse_var(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos) {
    return invalid_input(
        fmt::format("--var '{}': write NAME=VALUE (such as --var cost=500000)", text));
  }
  const std::string_view name = text.substr(0, eq);
  const std::string_view written = text.substr(eq + 1);
  if (name.empty() || name.front() == '.' || name.back() == '.' ||
      name.find("..") != std::string_view::npos) {
    return invalid_input(fmt::format(
        "--var '{}': the name must be a variable name or a dotted path such as customer.phone",
        text));
  }
  if (!written.empty() && (written.front() == '"' || written.front() == '\'')) {
    // A quoted scalar and nothing else: the value is its text, escapes undone.
    std::vector<Diagnostic> problems;
    auto document = yaml::parse(written, "--var", problems);
    if (!document || !document->root().is_scalar() || document->root().is_plain() ||
        !document->root().tag().empty()) {
      return invalid_input(fmt::format(
          "--var '{}': a value that starts with a quote must be one quoted text, such as "
          "--var '{}=\"0912\"'",
          text, name));
    }
    const std::string& unquoted = document->root().scalar();
    return VarAssignment{std::string{name}, Value{unquoted}, unquoted};
  }
  auto value = yaml::plain_value(written);
  if (!value) return invalid_input(fmt::format("--var '{}': {}", text, value.error().message));
  return VarAssignment{std::string{name}, *std::move(value), std::string{written}};
}

Result<Value> read_vars(const Arguments& args) { return read_vars(args, {}); }

Result<Value> read_vars(const Arguments& args, const std::vector<std::string>& text_names) {
  const std::vector<std::string> written = args.all("var");
  const std::optional<std::string> file = args.get("vars-file");
  if (written.empty() && !file) return Value{};
  Value vars = Value::Object{};
  if (file) {
    auto read = read_vars_file(*file, text_names);
    if (!read) return std::move(read).error();
    vars = *std::move(read);
  }
  for (const std::string& text : written) {
    auto var = parse_var(text);
    if (!var) return std::move(var).error();
    if ((var->value.is_number() || var->value.is_bool()) && is_text_name(text_names, var->name)) {
      var->value = Value{std::move(var->text)};
    }
    runtime::assign_path(vars, var->name, std::move(var->value));
  }
  return vars;
}

std::optional<int> check_vars_usage(const Arguments& args) {
  for (const std::string& text : args.all("var")) {
    if (auto var = parse_var(text); !var) return usage(var.error().message);
  }
  return std::nullopt;
}

std::vector<std::string> declared_text_variables(Session& session, std::string_view process_id,
                                                 std::optional<std::int64_t> version) {
  std::vector<std::string> names;
  const auto process = deployed_process(session.store(), process_id, version);
  if (!process) return names;
  for (const model::VariableDeclaration& declared : process->definition().variables) {
    if (is_text_type(declared.type)) names.push_back(declared.name);
  }
  return names;
}

std::vector<std::string> declared_text_fields(Session& session, TaskId task_id) {
  std::vector<std::string> names;
  auto task = session.engine().task(task_id);
  if (!task) return names;
  auto owner = session.engine().get_case(task->case_id);
  if (!owner) return names;
  auto process = deployed_process(session.store(), owner->process_id, owner->version);
  if (!process) return names;
  const model::Definition& definition = process->definition();
  const auto step = definition.find_step(task->step_id);
  if (!step) return names;
  const auto* user = std::get_if<model::UserTask>(&definition.steps[*step].detail);
  if (user == nullptr) return names;
  for (const model::FormField& field : user->form) {
    if (is_text_type(field.type)) names.push_back(field.name);
  }
  return names;
}

Result<std::uint64_t> parse_id(std::string_view text, std::string_view what) {
  std::uint64_t id = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, id);
  if (text.empty() || ec != std::errc{} || ptr != end || id == kNoId) {
    return invalid_input(fmt::format(
        "{} must be a positive whole number (an id crmflow printed), not '{}'", what, text));
  }
  return id;
}

std::string rfc3339(Instant at) { return time::format_instant(at); }

void print_json(const Value& document) { fmt::print("{}\n", to_json(document, JsonStyle::pretty)); }

}  // namespace crmflow::cli
