// The public face of loading: Process and load_process*.
#include "crmflow/process.hpp"

#include "model/definition.hpp"
#include "model/loader.hpp"
#include "model/source_file.hpp"

namespace crmflow {

Process::Process(std::shared_ptr<const model::Definition> definition)
    : definition_(std::move(definition)) {}

const std::string& Process::id() const { return definition_->process_id; }
const std::string& Process::name() const { return definition_->name; }
std::optional<std::int64_t> Process::declared_version() const {
  return definition_->declared_version;
}
const std::string& Process::content_hash() const { return definition_->content_hash; }
const std::string& Process::source_file() const { return definition_->source_file; }

std::vector<std::string> Process::step_ids() const {
  std::vector<std::string> ids;
  ids.reserve(definition_->steps.size());
  for (const model::Step& step : definition_->steps) ids.push_back(step.id);
  return ids;
}

LoadOutcome load_process(std::string_view text, std::string_view file_name,
                         const LoadOptions& options) {
  LoadOutcome outcome;
  try {
    model::LoadResult result = model::load_definition(text, file_name, options);
    outcome.diagnostics = std::move(result.diagnostics);
    if (result.definition) {
      outcome.process = std::make_shared<const Process>(std::move(result.definition));
    }
  } catch (const std::exception& e) {
    // Nothing below should throw; if it does (memory, a library bug), say so rather than crash.
    outcome.process = nullptr;
    outcome.diagnostics.push_back(
        Diagnostic{std::string{file_name}, 0, 0,
                   std::string{"internal error while loading (please report it): "} + e.what()});
  }
  return outcome;
}

LoadOutcome load_process_file(const std::string& path, const LoadOptions& options) {
  LoadOutcome outcome;
  std::optional<std::string> text = model::read_source_file(path, outcome.diagnostics);
  if (!text) return outcome;
  return load_process(*text, path, options);
}

}  // namespace crmflow

namespace crmflow::model {

std::optional<StepIndex> Definition::find_step(std::string_view id) const {
  const auto found = step_ids.find(std::string{id});
  if (found == step_ids.end()) return std::nullopt;
  return found->second;
}

}  // namespace crmflow::model
