// The compiled form of a process definition: what the loader produces and the runtime executes.
//
// A Definition is immutable once built and shared (`std::shared_ptr<const Definition>`) by every
// case that runs it. Steps (subprocess steps included) and flows live in dense vectors and refer
// to each other by index, so the runtime never looks anything up by name: a token holds a
// StepIndex, a join counts FlowIndex arrivals, expressions and templates are compiled once.
// Names (step ids, process id) are kept for history, messages and the command line.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "crmflow/time.hpp"
#include "crmflow/value.hpp"

namespace crmflow::expr {
class Expression;
class Template;
}  // namespace crmflow::expr

namespace crmflow::model {

using StepIndex = std::uint32_t;
using FlowIndex = std::uint32_t;
inline constexpr StepIndex kNoStep = std::numeric_limits<StepIndex>::max();
inline constexpr FlowIndex kNoFlow = std::numeric_limits<FlowIndex>::max();

using ExpressionPtr = std::shared_ptr<const expr::Expression>;
using TemplatePtr = std::shared_ptr<const expr::Template>;

// Where a thing was written (1-based; column in characters), for run-time messages.
struct SourceLocation {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

enum class StepType : std::uint8_t {
  start, user, service, send, set, wait, exclusive, parallel, inclusive, event, subprocess, call, end,
};

// The types of declared variables and form fields.
enum class ValueType : std::uint8_t {
  string, text, number, integer, boolean, date, datetime, duration, list, object, any,
};

// A value field (`set`, `input`, `output`, `collect.value`, `variables.default`): the YAML value
// taken literally, or, for a string that begins with `=`, an expression.
struct ValueSource {
  Value literal;
  ExpressionPtr expression;  // set when the field was "= EXPR"
};

// `name: value` in set/input/output. A dotted name (`customer.phone`) sets a nested field.
struct Assignment {
  std::string name;
  ValueSource value;
};

// One sequence flow between two steps. Flows are numbered densely across the definition, so a
// join can tell which of its incoming flows a token came by.
struct Flow {
  StepIndex from = kNoStep;
  StepIndex to = kNoStep;
  ExpressionPtr when;        // null: unconditional (or the default branch)
  bool is_default = false;
  bool from_boundary = false;  // leaves a boundary event of `from`, not `from` itself
  SourceLocation where;
};

enum class NotifyOn : std::uint8_t { enter, complete, timeout };
enum class Recipient : std::uint8_t { address, assignee, candidates, initiator };

// A `notify` entry. The content is a named template of the process, or text, or subject+body.
struct Notification {
  NotifyOn on = NotifyOn::enter;
  std::string channel;
  Recipient recipient = Recipient::address;
  TemplatePtr to;  // set when recipient == address
  std::optional<std::uint32_t> template_index;  // into Definition::templates
  TemplatePtr text;
  TemplatePtr subject;
  TemplatePtr body;
  SourceLocation where;
};

// A process-level template: plain text, or per-channel forms.
struct NamedTemplate {
  std::string name;
  TemplatePtr text;           // the plain form (any channel without its own form)
  TemplatePtr sms;
  TemplatePtr email_subject;
  TemplatePtr email_body;
};

// `due`: a duration from the task's creation, or an expression giving a datetime.
struct Deadline {
  std::optional<Duration> after;
  ExpressionPtr at;
  bool is_set() const { return after.has_value() || at != nullptr; }
};

struct Escalation {
  TemplatePtr assignee;
  std::optional<std::vector<std::string>> groups;  // replace the candidates, clear the assignee
  std::optional<std::int32_t> priority;
};

enum class AlarmAnchor : std::uint8_t { after_created, before_due, at_due, overdue };

struct Alarm {
  AlarmAnchor anchor = AlarmAnchor::after_created;
  Duration offset;                       // after: / before_due:; zero for at_due and overdue
  std::optional<Duration> every;
  std::optional<std::uint32_t> times;    // counts every firing, the first included
  std::optional<Notification> notify;
  std::optional<Escalation> escalate;
  SourceLocation where;
};

struct FormField {
  std::string name;
  ValueType type = ValueType::any;
  bool required = false;
  std::vector<Value> options;  // allowed values; empty means any
  std::string label;
};

struct VariableDeclaration {
  std::string name;
  ValueType type = ValueType::any;
  bool required = false;
  std::optional<ValueSource> default_value;
  std::string description;
};

enum class TimerKind : std::uint8_t { duration, date, cycle };

// A timer of a `wait` step or a boundary event.
struct Timer {
  TimerKind kind = TimerKind::duration;
  Duration duration;        // kind == duration
  ValueSource date;         // kind == date: a literal datetime or an expression
  std::string cycle;        // kind == cycle: a validated ISO 8601 repeating interval
  std::string calendar;     // empty: plain time
};

struct MessageRef {
  std::string name;
  TemplatePtr key;  // null: any key
};

struct UserTask {
  TemplatePtr assignee;
  std::vector<TemplatePtr> candidate_users;
  std::vector<TemplatePtr> candidate_groups;
  std::vector<FormField> form;
  Deadline due;
  std::int32_t priority = 50;
  std::vector<Alarm> alarms;
};

struct ServiceTask {
  std::string handler;
  std::optional<std::vector<Assignment>> input;   // nullopt: all the case's variables
  std::optional<std::vector<Assignment>> output;  // nullopt: merge the result's fields
  std::uint32_t retries = 3;
  Duration retry_backoff{.millis = 10'000};
  Deadline due;
};

struct SetStep {
  std::vector<Assignment> assignments;
};

struct WaitStep {
  enum class Kind : std::uint8_t { timer, message, signal } kind = Kind::timer;
  Timer timer;
  MessageRef message;
  std::string signal;
};

struct SubprocessStep {
  StepIndex first = kNoStep;         // where a token entering the subprocess starts
  std::vector<StepIndex> children;   // the steps directly inside
};

struct CallStep {
  std::string process;
  std::optional<std::int64_t> version;  // nullopt: latest deployed
  std::optional<std::vector<Assignment>> input;
  std::optional<std::vector<Assignment>> output;
};

struct EndStep {
  bool terminate = false;
  std::string error;  // non-empty: throws this business error
};

enum class BoundaryKind : std::uint8_t { timer, message, error };

struct Boundary {
  BoundaryKind kind = BoundaryKind::timer;
  Timer timer;
  MessageRef message;
  std::string error_code;  // "*" catches every code
  bool interrupting = true;
  FlowIndex flow = kNoFlow;  // the flow to `next`
  SourceLocation where;
};

struct Collect {
  std::string into;
  ValueSource value;
};

struct MultiInstance {
  ExpressionPtr items;
  std::string as = "item";
  bool parallel = true;
  ExpressionPtr complete_when;
  std::optional<Collect> collect;
};

struct Step {
  std::string id;
  std::string name;  // the display name; the id when none was given
  TemplatePtr name_template;  // `name` compiled as a template; null when none was given
  std::string description;
  StepType type = StepType::start;
  SourceLocation where;
  StepIndex scope = kNoStep;          // the enclosing subprocess; kNoStep at top level
  std::vector<FlowIndex> outgoing;    // in the order of `next` (implicit "following step" resolved)
  std::vector<FlowIndex> incoming;    // every flow that ends here
  std::vector<Notification> notify;
  std::optional<std::uint8_t> progress;
  std::vector<Boundary> boundary;
  std::optional<MultiInstance> for_each;
  std::variant<std::monostate, UserTask, ServiceTask, SetStep, WaitStep, SubprocessStep, CallStep,
               EndStep>
      detail;
};

enum class TriggerKind : std::uint8_t { cycle, cron, message };

struct Trigger {
  TriggerKind kind = TriggerKind::message;
  std::string cycle;     // validated ISO 8601 repeating interval
  std::string cron;      // validated five-field cron
  std::string timezone;  // for cron; empty: UTC
  std::string message;
  SourceLocation where;
};

struct Definition {
  std::string process_id;
  std::string name;
  std::string description;
  std::optional<std::int64_t> declared_version;  // the `version` label, if written
  std::string calendar;
  std::vector<VariableDeclaration> variables;
  std::vector<NamedTemplate> templates;
  std::vector<Trigger> triggers;
  std::vector<Step> steps;  // every step, subprocess steps included, in document order
  std::vector<Flow> flows;
  StepIndex first = kNoStep;  // where a case starts
  std::string source_file;
  // The content with comments and formatting removed (canonical JSON of the document), and its
  // hash: equal content means an unchanged definition on redeploy.
  std::string canonical;
  std::string content_hash;

  // The step with this id. Off the hot path (history, messages, the command line).
  std::optional<StepIndex> find_step(std::string_view id) const;

  std::unordered_map<std::string, StepIndex> step_ids;
};

}  // namespace crmflow::model
