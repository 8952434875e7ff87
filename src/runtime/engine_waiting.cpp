// Engine::waiting: what an active case waits for, read from its execution state, its definition,
// its open tasks and its history. It changes nothing.
//
// The store keeps a timer's due moment only in its job row and a message key only in its
// subscription, and it has no query for either by case. So the due moments are worked out the
// way the token machine worked them out (case_run_waits.cpp, case_run_events.cpp,
// case_run_service.cpp): a duration or cycle from the moment the wait began, a service retry from
// its failure in the history plus the doubling backoff, a timer date by evaluating its
// expression (as of the moment the wait began, with the variables the case has now). A message
// key is rendered from the variables the case has now and confirmed against the store's
// subscriptions; exact unless the variables it reads have changed since the wait began.

#include <algorithm>

#include "crmflow/engine.hpp"
#include "expr/expression.hpp"
#include "expr/scope.hpp"
#include "expr/template.hpp"
#include "runtime/case_scope.hpp"
#include "runtime/engine_impl.hpp"
#include "store/case_state.hpp"
#include "time/arithmetic.hpp"
#include "time/cycle.hpp"
#include "time/iso8601.hpp"

namespace crmflow {

std::string_view to_string(WaitingKind kind) noexcept {
  switch (kind) {
    case WaitingKind::task:
      return "task";
    case WaitingKind::timer:
      return "timer";
    case WaitingKind::message:
      return "message";
    case WaitingKind::signal:
      return "signal";
    case WaitingKind::service:
      return "service";
    case WaitingKind::call:
      return "call";
    case WaitingKind::instances:
      return "instances";
    case WaitingKind::join:
      return "join";
    case WaitingKind::incident:
      return "incident";
  }
  return "unknown";
}

namespace runtime {
namespace {

using model::Step;
using model::StepIndex;

// One case's state, definition and history, and the questions waiting() asks of them.
class CaseReader {
 public:
  CaseReader(const CaseRecord& record, const ProcessPlan& plan,
             const std::vector<HistoryEvent>& history, Store& store)
      : record_(record),
        state_(*record.state),
        def_(*plan.definition),
        plan_(plan),
        history_(history),
        store_(store),
        case_value_(case_value(record)) {}

  Result<std::vector<Waiting>> read() {
    // The state keeps tokens in the order they began waiting: branches in `next` order.
    for (const Token& t : state_.tokens) {
      if (auto s = add_token(t); !s) return std::move(s).error();
      if (auto s = add_boundaries(t); !s) return std::move(s).error();
    }
    for (const JoinState& j : state_.joins) add_join(j);
    return std::move(out_);
  }

 private:
  Status add_token(const Token& token) {
    const Step& step = def_.steps[token.step];
    Waiting w;
    w.step_id = step.id;
    w.since = entered(token);
    switch (token.wait) {
      case WaitKind::moving:
      case WaitKind::scope:
        return {};  // a subprocess waits for what runs inside it, listed on its own
      case WaitKind::task: {
        auto task = store_.load_task(token.ref);
        if (!task) return std::move(task).error();
        w.kind = WaitingKind::task;
        w.task = task->id;
        w.name = task->name;
        w.assignee = task->assignee;
        w.candidate_users = task->candidate_users;
        w.candidate_groups = task->candidate_groups;
        w.due = task->due;
        w.since = task->created_at;
        break;
      }
      case WaitKind::job:
        if (const auto* service = std::get_if<model::ServiceTask>(&step.detail)) {
          w.kind = WaitingKind::service;
          w.name = service->handler;
          w.attempt = token.attempt;
          w.due = service_due(step, *service, token.attempt, w.since);
        } else if (const auto* wait = std::get_if<model::WaitStep>(&step.detail)) {
          w.kind = WaitingKind::timer;
          w.due = timer_due(wait->timer, w.since, 0, token.scope);
        } else {
          return {};
        }
        break;
      case WaitKind::message: {
        const auto& wait = std::get<model::WaitStep>(step.detail);
        w.kind = WaitingKind::message;
        w.name = wait.message.name;
        auto key = message_key(wait.message, token, 0);
        if (!key) return std::move(key).error();
        w.key = std::move(*key);
        break;
      }
      case WaitKind::signal:
        w.kind = WaitingKind::signal;
        w.name = std::get<model::WaitStep>(step.detail).signal;
        break;
      case WaitKind::incident: {
        w.kind = WaitingKind::incident;
        auto found = std::find_if(state_.incidents.begin(), state_.incidents.end(),
                                  [&](const IncidentState& i) { return i.token == token.id; });
        if (found != state_.incidents.end()) {
          w.message = found->message;
          w.since = found->at;
        }
        break;
      }
      case WaitKind::instances: {
        w.kind = WaitingKind::instances;
        auto found = std::find_if(state_.multis.begin(), state_.multis.end(),
                                  [&](const MultiInstanceState& m) { return m.token == token.id; });
        if (found != state_.multis.end()) {
          w.completed = found->completed;
          w.total = static_cast<std::uint32_t>(found->items.size());
        }
        break;
      }
      case WaitKind::call:
        w.kind = WaitingKind::call;
        w.child = token.ref;
        if (const auto* call = std::get_if<model::CallStep>(&step.detail)) w.name = call->process;
        break;
    }
    out_.push_back(std::move(w));
    return {};
  }

  Status add_boundaries(const Token& token) {
    std::vector<const BoundaryWait*> armed;
    for (const BoundaryWait& b : state_.boundaries) {
      if (b.token == token.id) armed.push_back(&b);
    }
    std::sort(armed.begin(), armed.end(),
              [](const BoundaryWait* a, const BoundaryWait* b) { return a->index < b->index; });
    const Step& step = def_.steps[token.step];
    for (const BoundaryWait* b : armed) {
      if (b->index >= step.boundary.size()) continue;
      const model::Boundary& boundary = step.boundary[b->index];
      Waiting w;
      w.step_id = step.id;
      w.since = b->anchor;
      w.boundary = true;
      w.interrupting = boundary.interrupting;
      if (boundary.kind == model::BoundaryKind::timer) {
        w.kind = WaitingKind::timer;
        w.due = timer_due(boundary.timer, b->anchor, b->fired, token.scope);
      } else if (boundary.kind == model::BoundaryKind::message) {
        w.kind = WaitingKind::message;
        w.name = boundary.message.name;
        auto key = message_key(boundary.message, token, b->index + 1);
        if (!key) return std::move(key).error();
        w.key = std::move(*key);
      } else {
        continue;
      }
      out_.push_back(std::move(w));
    }
    return {};
  }

  void add_join(const JoinState& join) {
    const Step& step = def_.steps[join.step];
    Waiting w;
    w.step_id = step.id;
    w.kind = WaitingKind::join;
    std::uint32_t awaited = 0;
    for (std::size_t i = 0; i < join.arrived.size(); ++i) {
      if (join.arrived[i] > 0) {
        ++w.completed;
        ++awaited;
      } else if (step.type == model::StepType::parallel || can_still_arrive(join, i)) {
        ++awaited;
      }
    }
    w.total = awaited;
    w.since = first_arrival(join);
    out_.push_back(std::move(w));
  }

  // Whether a live token of the join's scope instance can still reach its i-th incoming flow
  // (an inclusive join waits only for those).
  bool can_still_arrive(const JoinState& join, std::size_t position) const {
    const StepSet& feeds = plan_.feeds[join.step][position];
    const bool by_token = std::any_of(
        state_.tokens.begin(), state_.tokens.end(),
        [&](const Token& t) { return t.scope == join.scope && feeds.contains(t.step); });
    return by_token || std::any_of(state_.joins.begin(), state_.joins.end(), [&](const auto& j) {
             return &j != &join && j.scope == join.scope && feeds.contains(j.step);
           });
  }

  // ---- since --------------------------------------------------------------------------------

  // The last event of `type` at `step`, searching backwards.
  const HistoryEvent* last(EventType type, const std::string& step) const {
    for (auto e = history_.rbegin(); e != history_.rend(); ++e) {
      if (e->event == type && e->step_id == step) return &*e;
    }
    return nullptr;
  }

  // When the token began waiting at its step. A wait an event gateway started is not entered on
  // its own: the race began when the gateway was left.
  Instant entered(const Token& token) const {
    for (const EventRace& race : state_.races) {
      if (std::find(race.racers.begin(), race.racers.end(), token.id) != race.racers.end()) {
        if (const HistoryEvent* e = last(EventType::step_left, def_.steps[race.gateway].id)) {
          return e->at;
        }
      }
    }
    if (const HistoryEvent* e = last(EventType::step_entered, def_.steps[token.step].id)) {
      return e->at;
    }
    return record_.started_at;
  }

  // The first step left towards the join after it last fired: its first waiting arrival.
  Instant first_arrival(const JoinState& join) const {
    const Step& step = def_.steps[join.step];
    const HistoryEvent* fired = last(EventType::step_entered, step.id);
    const std::uint64_t after = fired != nullptr ? fired->sequence : 0;
    for (const HistoryEvent& e : history_) {
      if (e.sequence <= after || e.event != EventType::step_left) continue;
      const bool feeds = std::any_of(step.incoming.begin(), step.incoming.end(), [&](auto f) {
        return def_.steps[def_.flows[f].from].id == e.step_id;
      });
      if (feeds) return e.at;
    }
    return fired != nullptr ? fired->at : record_.started_at;
  }

  // ---- due moments --------------------------------------------------------------------------

  // The `occurrence`-th moment of a timer armed at `anchor` (as CaseRun::timer_due), nullopt
  // when it cannot be worked out or never comes.
  std::optional<Instant> timer_due(const model::Timer& timer, Instant anchor,
                                   std::uint32_t occurrence, ScopeId scope) const {
    switch (timer.kind) {
      case model::TimerKind::duration: {
        if (occurrence > 0) return std::nullopt;
        auto due = time::add(anchor, timer.duration, nullptr);
        return due ? std::optional<Instant>{*due} : std::nullopt;
      }
      case model::TimerKind::date: {
        if (occurrence > 0) return std::nullopt;
        auto value = evaluate(timer.date, scope, anchor);
        return value ? moment(*value) : std::nullopt;
      }
      case model::TimerKind::cycle: {
        auto cycle = time::Cycle::parse(timer.cycle, nullptr);
        if (!cycle) return std::nullopt;
        return cycle->occurrence(occurrence, anchor);
      }
    }
    return std::nullopt;
  }

  // The first try runs as the step is entered; try n > 1 waits retry_backoff × 2^(n-2) after
  // the failure of try n - 1.
  std::optional<Instant> service_due(const Step& step, const model::ServiceTask& service,
                                     std::uint32_t attempt, Instant entered) const {
    if (attempt <= 1) return entered;
    for (auto e = history_.rbegin(); e != history_.rend(); ++e) {
      if (e->event != EventType::job_failed || e->step_id != step.id) continue;
      const Value* failed = e->data.find("attempt");
      if (failed == nullptr || !failed->is_integer() ||
          failed->as_integer() != static_cast<std::int64_t>(attempt - 1)) {
        continue;
      }
      auto backoff = time::multiply(service.retry_backoff,
                                    std::int64_t{1} << std::min<std::uint32_t>(attempt - 2, 30));
      if (!backoff) return std::nullopt;
      auto due = time::add(e->at, *backoff, nullptr);
      return due ? std::optional<Instant>{*due} : std::nullopt;
    }
    return std::nullopt;
  }

  static std::optional<Instant> moment(const Value& value) {
    if (value.is_datetime()) return value.as_datetime().at;
    if (value.is_date()) return Instant{value.as_date().day};
    if (value.is_string()) {
      if (auto dt = time::parse_datetime(value.as_string(), nullptr)) return dt->at;
      if (auto d = time::parse_date(value.as_string())) return Instant{d->day};
    }
    return std::nullopt;
  }

  // ---- expressions --------------------------------------------------------------------------

  // The locals a token in `scope` reads: its multi-instance items, inner names first.
  Value locals(ScopeId scope) const {
    Value out = Value::Object{};
    add_scope_locals(state_.scopes, scope, out);
    return out;
  }

  Result<Value> evaluate(const model::ValueSource& source, ScopeId scope, Instant now) const {
    if (!source.expression) return source.literal;
    const Value own = locals(scope);
    const expr::NamedScope kase{"case", case_value_};
    const expr::ValueScope vars{record_.variables};
    const expr::ValueScope local{own};
    const expr::ChainedScope inner{local, vars};
    const expr::ChainedScope all{kase, inner};
    return source.expression->evaluate(all, expr::Context{.now = now, .zone = nullptr});
  }

  // The key of a message wait (`boundary` as in Subscription), nullopt for any key.
  Result<std::optional<std::string>> message_key(const model::MessageRef& message,
                                                 const Token& token, std::uint32_t boundary) {
    if (!message.key) return std::optional<std::string>{};
    std::string rendered = message.key->text();
    if (!message.key->is_literal()) {
      const Value own = locals(token.scope);
      const expr::NamedScope kase{"case", case_value_};
      const expr::ValueScope vars{record_.variables};
      const expr::ValueScope local{own};
      const expr::ChainedScope inner{local, vars};
      const expr::ChainedScope all{kase, inner};
      auto text = message.key->render(all, expr::Context{.now = entered(token), .zone = nullptr});
      if (text) rendered = std::move(text->text);
    }
    // The subscription holds the key as it was rendered: prefer it when it is found.
    auto subs = store_.subscriptions(SubscriptionKind::message, message.name, rendered);
    if (!subs) return std::move(subs).error();
    for (const Subscription& s : *subs) {
      if (s.case_id == record_.id && s.token == token.id && s.boundary == boundary) return s.key;
    }
    return std::optional<std::string>{std::move(rendered)};
  }

  const CaseRecord& record_;
  const CaseState& state_;
  const model::Definition& def_;
  const ProcessPlan& plan_;
  const std::vector<HistoryEvent>& history_;
  Store& store_;
  Value case_value_;
  std::vector<Waiting> out_;
};

}  // namespace
}  // namespace runtime

Result<std::vector<Waiting>> Engine::waiting(CaseId id) {
  auto loaded = impl_->load(id);
  if (!loaded) return std::move(loaded).error();
  const CaseRecord& record = loaded->record;
  if (is_final(record.status) || record.state == nullptr) return std::vector<Waiting>{};
  auto history = store_.history(id);
  if (!history) return std::move(history).error();
  runtime::CaseReader reader{record, *loaded->plan, *history, store_};
  return reader.read();
}

}  // namespace crmflow
