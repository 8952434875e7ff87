// The scenario reader's entry points and the top level of the file.
#include "scenario/read_scenario.hpp"

#include <algorithm>

#include "model/source_file.hpp"
#include "notify/delivery_config_reader.hpp"
#include "scenario/reader.hpp"
#include "time/iso8601.hpp"
#include "yaml/reader.hpp"

namespace crmflow::scenario {
namespace {

constexpr std::string_view kFileFields[] = {"processes", "calendars", "clock",    "store",
                                            "users",     "handlers",  "scenarios"};
constexpr std::string_view kStores[] = {"memory", "sqlite"};
constexpr std::string_view kDefaultClock = "2026-01-01T00:00:00Z";

}  // namespace

Reader::Reader(std::string_view text, std::string file_name, std::vector<Diagnostic>& own,
               std::vector<Diagnostic>& elsewhere)
    : text_(text),
      file_name_(std::move(file_name)),
      folder_(std::filesystem::path{file_name_}.parent_path()),
      fields_(own),
      elsewhere_(elsewhere) {}

void Reader::read(const Node& root, ScenarioFile& file) {
  if (!root.is_mapping()) {
    fields_.error(root,
                  "a scenario file must be a map with at least 'scenarios' (and usually "
                  "'processes'); see docs/scenarios.md");
    return;
  }
  fields_.check_fields(root, "scenario file", kFileFields);
  // Calendars first: the processes are checked against their names.
  if (const Node* node = root.find("calendars")) read_calendars(*node, file);
  if (const Node* node = root.find("processes")) read_processes(*node, file);
  if (const Node* node = root.find("clock")) {
    if (auto clock = fields_.datetime(*node, "scenario file", "clock")) file.clock = *clock;
  }
  if (const Node* node = root.find("store")) {
    if (auto store = fields_.one_of(*node, "scenario file", "store", kStores)) {
      file.sqlite = *store == "sqlite";
    }
  }
  if (const Node* node = root.find("users")) read_users(*node, file);
  if (const Node* node = root.find("handlers")) {
    if (fields_.expect_map(*node, "scenario file", "handlers")) {
      for (const Node::Entry& entry : node->entries()) {
        const std::string owner = "handler '" + entry.key.scalar() + "'";
        if (entry.value.is_mapping() && entry.value.find("type") != nullptr) {
          if (auto handler = notify::read_handler_form(entry.value, entry.key.scalar(), fields_,
                                                       folder_)) {
            file.external_handlers[entry.key.scalar()] = *std::move(handler);
          }
        } else if (auto handler = read_handler(entry.value, owner)) {
          file.handlers[entry.key.scalar()] = std::move(handler);
        }
      }
    }
  }
  if (const Node* node = root.find("scenarios")) {
    read_scenarios(*node, file);
  } else {
    fields_.error(root,
                  "scenario file: 'scenarios' is required: the list of scenarios to run, "
                  "each {name, do: [actions]}");
  }
}

std::optional<ScenarioFile> read_scenario(std::string_view text, const std::string& file_name,
                                          std::vector<Diagnostic>& problems) {
  std::vector<Diagnostic> own;
  std::vector<Diagnostic> elsewhere;
  ScenarioFile file;
  file.file = file_name;
  file.clock = *time::parse_datetime(kDefaultClock, nullptr);
  try {
    if (std::optional<yaml::Document> doc = yaml::parse(text, file_name, own)) {
      Reader{text, file_name, own, elsewhere}.read(doc->root(), file);
    }
  } catch (const std::exception& e) {
    // Nothing below should throw; if it does (memory, a library bug), say so rather than crash.
    own.push_back(
        Diagnostic{file_name, 0, 0,
                   std::string{"internal error while reading (please report it): "} + e.what()});
  }
  std::stable_sort(own.begin(), own.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  const bool ok = own.empty() && elsewhere.empty();
  problems.insert(problems.end(), own.begin(), own.end());
  problems.insert(problems.end(), elsewhere.begin(), elsewhere.end());
  if (!ok) return std::nullopt;
  return file;
}

std::optional<ScenarioFile> read_scenario_file(const std::string& path,
                                               std::vector<Diagnostic>& problems) {
  std::optional<std::string> text = model::read_source_file(path, problems);
  if (!text) return std::nullopt;
  return read_scenario(*text, path, problems);
}

}  // namespace crmflow::scenario
