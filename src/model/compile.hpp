// The compiler from a YAML document to a Definition (internal to the loader).
//
// One Compiler reads one document. It never stops at the first problem: every reader reports
// what is wrong where it was written and returns "nothing", and the callers go on with the next
// field, so that one load reports every problem of the file at once.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "crmflow/diagnostic.hpp"
#include "crmflow/process.hpp"
#include "expr/expression.hpp"
#include "model/definition.hpp"
#include "model/loader_yaml.hpp"
#include "yaml/fields.hpp"

namespace crmflow::model {

// The shared field readers and words (yaml/fields.hpp), under the names the compiler uses.
using yaml::describe;
using yaml::did_you_mean;

class Compiler {
 public:
  // Bounds come from options.limits (DefinitionLimits).
  Compiler(Definition& definition, const LoadOptions& options, std::vector<Diagnostic>& out);

  // Reads the whole document into the definition. Afterwards graph_usable() tells whether the
  // steps and flows are complete enough for the graph rules to mean anything.
  void compile(const YamlNode& root);
  bool graph_usable() const { return !graph_broken_; }

  // ---- reporting (compile_values.cpp) ----
  void error(SourceLocation at, std::string message);
  void error(const YamlNode& at, std::string message) { error(where(at), std::move(message)); }

  // ---- typed readers of the process language (compile_values.cpp). `owner` prefixes messages:
  // "step 'x'". The generic ones (check_fields, require, text, integer, boolean, ...) are
  // fields_'s. ----
  // `allow_zero`: PT0S is accepted. Negative durations are always refused.
  std::optional<Duration> read_duration(const YamlNode& node, std::string_view owner,
                                        std::string_view field, bool allow_zero);
  // A field that is always an expression (`when`, `for_each`, `complete_when`).
  ExpressionPtr read_expression(const YamlNode& node, std::string_view owner,
                                std::string_view field);
  // A text field with `{{ }}` interpolation.
  TemplatePtr read_template(const YamlNode& node, std::string_view owner, std::string_view field);
  // A value field: literal YAML, or "= EXPR".
  std::optional<ValueSource> read_value_source(const YamlNode& node, std::string_view owner,
                                               std::string_view field);
  // `{name: value}` of set/input/output.
  std::optional<std::vector<Assignment>> read_assignments(const YamlNode& node,
                                                          std::string_view owner,
                                                          std::string_view field);
  // A list of texts (`groups`, `users`), each a template.
  std::vector<TemplatePtr> read_template_list(const YamlNode& node, std::string_view owner,
                                              std::string_view field);
  // `due`: a duration, or "= EXPR" giving a datetime.
  Deadline read_deadline(const YamlNode& node, std::string_view owner);
  // The expression bounds of DefinitionLimits, as the expression compiler takes them.
  expr::ParseLimits parse_limits() const;

 private:
  // A `next` (or a boundary's `next`) as written, resolved once every id is known.
  struct Branch {
    std::string target;
    SourceLocation where;
    ExpressionPtr when;
    bool is_default = false;
  };
  struct PendingNext {
    bool written = false;  // false: the implicit next (the following step of the list)
    std::vector<Branch> branches;
  };
  struct PendingBoundary {
    StepIndex step = kNoStep;
    std::size_t boundary = 0;
    Branch target;
  };

  // compile_process.cpp
  void read_process_fields(const YamlNode& root);
  void read_variables(const YamlNode& node);
  void read_templates(const YamlNode& node);
  void read_triggers(const YamlNode& node);
  // A calendar name, checked against LoadOptions::calendars when the host gave them.
  std::optional<std::string> read_calendar(const YamlNode& node, std::string_view owner);

  // compile_steps.cpp
  // Reads a list of steps into definition_.steps; returns the indices of the steps directly in
  // it, in order.
  std::vector<StepIndex> read_step_list(const YamlNode& list, StepIndex scope,
                                        std::string_view owner);
  void read_step(const YamlNode& map, StepIndex index, bool first_in_list);
  void read_user(const YamlNode& map, Step& step, const std::string& owner);
  void read_service(const YamlNode& map, Step& step, const std::string& owner);
  void read_set(const YamlNode& map, Step& step, const std::string& owner);
  void read_wait(const YamlNode& map, Step& step, const std::string& owner);
  void read_call(const YamlNode& map, Step& step, const std::string& owner);
  void read_end(const YamlNode& map, Step& step, const std::string& owner);
  void read_form(const YamlNode& node, UserTask& task, const std::string& owner);

  // compile_events.cpp
  std::vector<Notification> read_notify_list(const YamlNode& node, const std::string& owner,
                                             StepType type);
  std::optional<Notification> read_notification(const YamlNode& node, const std::string& owner,
                                                StepType type, bool in_alarm);
  void read_alarms(const YamlNode& node, UserTask& task, const std::string& owner);
  std::optional<Escalation> read_escalation(const YamlNode& node, const std::string& owner);
  std::optional<Timer> read_timer(const YamlNode& node, const std::string& owner, bool allow_cycle);
  std::optional<MessageRef> read_message(const YamlNode& node, const std::string& owner,
                                         std::string_view field);
  void read_boundaries(const YamlNode& node, StepIndex index, const std::string& owner);
  void read_for_each(const YamlNode& map, Step& step, const std::string& owner);

  // compile_flows.cpp
  void read_next(const YamlNode& node, StepIndex index, const std::string& owner);
  std::optional<Branch> read_branch(const YamlNode& node, const std::string& owner);
  void resolve_flows();
  std::optional<StepIndex> resolve_target(const Branch& branch, StepIndex from,
                                          const std::string& owner, std::string_view field);
  FlowIndex add_flow(StepIndex from, StepIndex to, const Branch& branch, bool from_boundary);

  Definition& definition_;
  const LoadOptions& options_;
  const DefinitionLimits& limits_;
  std::vector<Diagnostic>& out_;
  // The generic typed readers, reporting into out_ like error().
  yaml::FieldReader fields_{out_};
  bool graph_broken_ = false;
  bool too_many_steps_ = false;

  std::unordered_map<std::string, std::uint32_t> template_index_;
  std::unordered_set<std::string> broken_templates_;
  std::vector<PendingNext> pending_next_;      // by StepIndex
  std::vector<std::size_t> position_in_list_;  // by StepIndex
  std::vector<std::vector<StepIndex>> lists_;  // every list of steps read
  std::vector<std::uint32_t> list_of_;         // by StepIndex: index into lists_
  std::vector<PendingBoundary> pending_boundaries_;
  std::vector<bool> has_timer_boundary_;  // by StepIndex
  std::unordered_map<std::string, SourceLocation> id_places_;
};

}  // namespace crmflow::model
