// The scenario reader: what a run is set up with (processes, calendars, users, handlers).
#include <fmt/format.h>

#include <algorithm>

#include "model/calendars.hpp"
#include "model/definition.hpp"
#include "scenario/in_place.hpp"
#include "scenario/reader.hpp"
#include "yaml/reader.hpp"
#include "yaml/schema.hpp"

namespace crmflow::scenario {
namespace {

constexpr std::string_view kHandlerFields[] = {"returns", "fail", "error", "then"};

std::string resolved(const std::filesystem::path& folder, const std::string& path) {
  const std::filesystem::path written{path};
  if (written.is_absolute() || folder.empty()) return written.lexically_normal().string();
  return (folder / written).lexically_normal().string();
}

}  // namespace

void Reader::remember(const std::shared_ptr<const Process>& process) {
  auto& steps = steps_by_process_[process->id()];
  for (std::string& step : process->step_ids()) {
    all_steps_.insert(step);
    steps.insert(std::move(step));
  }
  for (const model::Step& step : process->definition().steps) {
    if (const auto* call = std::get_if<model::CallStep>(&step.detail)) {
      calls_by_process_[process->id()].insert(call->process);
    }
  }
}

void Reader::read_processes(const Node& node, ScenarioFile& file) {
  if (!fields_.expect_list(node, "scenario file", "processes")) return;
  for (const Node& item : node.items()) {
    std::shared_ptr<const Process> process;
    if (item.is_mapping()) {
      process = load_in_place(item);
    } else if (item.is_scalar()) {
      process = load_path(item, "scenario file", "processes");
    } else {
      fields_.error(item, fmt::format("each item of 'processes' must be a path (relative to this "
                                      "file) or a definition written in place, not {}",
                                      yaml::describe(item)));
    }
    if (process) {
      remember(process);
      file.processes.push_back(std::move(process));
    } else {
      some_process_unknown_ = true;
    }
  }
}

std::shared_ptr<const Process> Reader::load_in_place(const Node& mapping) {
  LoadOptions options;
  options.calendars = calendar_names_;
  LoadOutcome outcome = load_process(in_place_text(text_, mapping), file_name_, options);
  for (Diagnostic& d : outcome.diagnostics) fields_.error(std::move(d));
  return outcome.process;
}

std::shared_ptr<const Process> Reader::load_path(const Node& node, std::string_view owner,
                                                 std::string_view field) {
  const std::optional<std::string> written = fields_.non_empty_text(node, owner, field);
  if (!written) return nullptr;
  const std::string path = resolved(folder_, *written);
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    fields_.error(
        node, fmt::format("{}: cannot read the process file '{}' ({}): the path is "
                          "relative to this scenario file",
                          owner, *written,
                          std::filesystem::exists(path, error) ? "not a file" : "no such file"));
    return nullptr;
  }
  LoadOptions options;
  options.calendars = calendar_names_;
  LoadOutcome outcome = load_process_file(path, options);
  elsewhere_.insert(elsewhere_.end(), outcome.diagnostics.begin(), outcome.diagnostics.end());
  if (!outcome.ok()) {
    fields_.error(node, fmt::format("{}: the process file '{}' is not valid (its problems are "
                                    "listed with its name)",
                                    owner, *written));
  }
  return outcome.process;
}

void Reader::read_calendars(const Node& node, ScenarioFile& file) {
  Calendars calendars;
  calendars.at = node.mark();
  std::optional<model::CalendarSet> set;
  if (node.is_scalar()) {
    const std::optional<std::string> written =
        fields_.non_empty_text(node, "scenario file", "calendars");
    if (!written) return;
    calendars.file = resolved(folder_, *written);
    Result<yaml::Document> parsed = yaml::parse_file(calendars.file);
    if (!parsed) {
      fields_.error(node, fmt::format("scenario file: cannot read the calendars file '{}': {}",
                                      *written, parsed.error().message));
      return;
    }
    // Problems inside the calendars file are reported at their place in that file.
    yaml::FieldReader there{elsewhere_};
    set = model::read_calendars_document(parsed->root(), there);
  } else {
    set = model::read_calendars(node, fields_);
  }
  if (!set) return;
  calendar_names_ = set->names();
  calendars.calendars = crmflow::Calendars::from(*std::move(set));
  file.calendars = std::move(calendars);
}

void Reader::read_users(const Node& node, ScenarioFile& file) {
  if (!fields_.expect_map(node, "scenario file", "users")) return;
  for (const Node::Entry& entry : node.entries()) {
    const std::string owner = "user '" + entry.key.scalar() + "'";
    if (!fields_.expect_map(entry.value, owner, "users")) continue;
    User user;
    user.name = entry.key.scalar();
    for (const Node::Entry& field : entry.value.entries()) {
      const std::string& name = field.key.scalar();
      if (name == "groups") {
        auto groups = fields_.text_list(field.value, owner, "groups");
        if (!groups) continue;
        for (std::size_t i = 0; i < groups->size(); ++i) {
          if (std::find(groups->begin(), groups->begin() + static_cast<std::ptrdiff_t>(i),
                        (*groups)[i]) != groups->begin() + static_cast<std::ptrdiff_t>(i)) {
            fields_.error(field.value.items()[i],
                          fmt::format("{}: group '{}' is listed twice", owner, (*groups)[i]));
          }
        }
        user.groups = std::move(*groups);
      } else if (name == "manages") {
        auto groups = fields_.text_list(field.value, owner, "manages");
        if (groups) user.manages = std::move(*groups);
      } else if (auto address = fields_.non_empty_text(field.value, owner, name)) {
        user.addresses[name] = std::move(*address);  // the address on the channel `name`
      }
    }
    file.users.push_back(std::move(user));
  }
}

std::shared_ptr<const FakeHandler> Reader::read_handler(const Node& node,
                                                        const std::string& owner) {
  if (!fields_.expect_map(node, owner, "handlers")) return nullptr;
  const std::size_t before = fields_.count();
  fields_.check_fields(node, owner, kHandlerFields);
  const Node* returns = node.find("returns");
  const Node* fail = node.find("fail");
  const Node* error = node.find("error");
  const Node* then = node.find("then");
  auto handler = std::make_shared<FakeHandler>();
  if (returns != nullptr) {
    if (auto result = fields_.object(*returns, owner, "returns")) handler->result = *result;
  }
  if (error != nullptr) {
    if (auto text = fields_.non_empty_text(*error, owner, "error")) handler->error = *text;
  }
  if (fail != nullptr) {
    handler->kind = FakeHandler::Kind::fail_then;
    handler->failures = fields_.integer(*fail, owner, "fail", 1).value_or(1);
    if (then != nullptr && returns != nullptr) {
      fields_.error(*then, owner + ": give 'then' or 'returns' after the failures, not both");
    } else if (then != nullptr) {
      handler->then = read_handler(*then, owner + " then");
    } else {
      // `{fail: N}` alone, or beside `returns`: N failures, then success with that result.
      auto after = std::make_shared<FakeHandler>();
      after->result = handler->result;
      handler->then = std::move(after);
    }
    if (error == nullptr) handler->error = "fake failure";
  } else if (then != nullptr) {
    fields_.error(*then, owner +
                             ": 'then' says what happens after the failures: it needs "
                             "'fail: N' beside it");
  } else if (error != nullptr && returns != nullptr) {
    fields_.error(*error, owner +
                              ": a handler either 'returns' a result or fails with an "
                              "'error', not both (use 'fail: N' for failures before success)");
  } else if (error != nullptr) {
    handler->kind = FakeHandler::Kind::business_error;
  } else if (returns == nullptr && node.size() == 0) {
    fields_.error(node, owner +
                            ": say what the handler does: {returns: {...}}, {error: CODE} or "
                            "{fail: N, error: MESSAGE, then: {...}}");
  }
  if (fields_.count() != before) return nullptr;
  return handler;
}

}  // namespace crmflow::scenario
