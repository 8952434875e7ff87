// Records, stores, clocks, directories, calendars, processes, channels, the Engine and the
// scenario runner.
//
// GIL rules (docs/python.md, "Threads"): arguments are converted to C++ while the GIL is held,
// the library works with the GIL released, and results are converted back once it is held
// again. Python handlers and channels are called from the engine's threads with the GIL
// re-acquired around the call and every Python object they touch.
//
// Lifetimes: the library's Engine keeps plain pointers to its store, clock, directory, calendars
// and channels; the Python Engine keeps references to the Python objects that own them (and to
// every handler and channel), and destroys the library's Engine before dropping them.
#include "crmflow/engine.hpp"

#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common.hpp"
#include "crmflow/calendar.hpp"
#include "crmflow/case.hpp"
#include "crmflow/channel.hpp"
#include "crmflow/clock.hpp"
#include "crmflow/delivery_config.hpp"
#include "crmflow/directory.hpp"
#include "crmflow/handler.hpp"
#include "crmflow/history.hpp"
#include "crmflow/memory_store.hpp"
#include "crmflow/notification.hpp"
#include "crmflow/open_store.hpp"
#include "crmflow/process.hpp"
#include "crmflow/scenario.hpp"
#include "crmflow/sqlite_store.hpp"
#include "crmflow/store.hpp"
#include "crmflow/task.hpp"
#include "crmflow/waiting.hpp"

namespace crmflow::python {
namespace {

// ---------------------------------------------------------------------------------------------
// Small conversions.

py::object optional_str(const std::string& text) {
  if (text.empty()) return py::none();
  return py::str(text);
}
py::object optional_id(std::uint64_t id) {
  if (id == kNoId) return py::none();
  return py::int_(id);
}

std::string text_of_exception(const py::error_already_set& error) {
  std::string type = py::str(error.type().attr("__name__"));
  std::string message = py::str(error.value());
  return message.empty() ? type : type + ": " + message;
}

[[noreturn]] void raise_diagnostics(const std::string& what,
                                    const std::vector<Diagnostic>& diagnostics) {
  std::string message = what;
  for (const Diagnostic& d : diagnostics) message += "\n" + d.format();
  raise_error(invalid_input(std::move(message)), diagnostics);
}

// A task or case given as its id or as the record itself.
std::uint64_t id_of(py::handle object) {
  if (py::isinstance<Task>(object)) return object.cast<const Task&>().id;
  if (py::isinstance<Case>(object)) return object.cast<const Case&>().id;
  if (!py::isinstance<py::int_>(object) || py::isinstance<py::bool_>(object)) {
    raise_error(invalid_input("expected an id (int), a Task or a Case, not a " +
                              std::string(py::str(py::type::handle_of(object).attr("__name__")))));
  }
  const unsigned long long id = PyLong_AsUnsignedLongLong(object.ptr());
  if (PyErr_Occurred() != nullptr) {  // negative, or beyond 64 bits
    PyErr_Clear();
    raise_error(invalid_input("an id is an int from 0 to 2**64 - 1"));
  }
  return id;
}

// ---------------------------------------------------------------------------------------------
// Channels written in Python.

// The trampoline of crmflow.Channel: deliver() calls the Python subclass's method.
class PyChannel final : public Channel {
 public:
  DeliveryOutcome deliver(const Notification& notification) override {
    py::gil_scoped_acquire gil;
    try {
      py::function method = py::get_override(static_cast<const Channel*>(this), "deliver");
      if (!method) return DeliveryOutcome::failed("crmflow.Channel subclass without deliver()");
      return outcome_of(method(py::cast(notification, py::return_value_policy::copy)));
    } catch (py::error_already_set& error) {
      // As for a C++ channel that throws: a transient failure, retried with backoff.
      return DeliveryOutcome::retry(text_of_exception(error));
    } catch (const std::exception& error) {
      return DeliveryOutcome::retry(error.what());
    }
  }

 private:
  static DeliveryOutcome outcome_of(py::handle result) {
    if (py::isinstance(result, module_attr("Delivered"))) {
      return DeliveryOutcome::delivered(py::str(result.attr("receipt")));
    }
    if (py::isinstance(result, module_attr("Retry"))) {
      py::object after = result.attr("retry_after");
      std::optional<std::chrono::milliseconds> wait;
      if (!after.is_none()) wait = millis_from_timedelta(after);
      return DeliveryOutcome::retry(py::str(result.attr("error")), wait);
    }
    if (py::isinstance(result, module_attr("Failed"))) {
      return DeliveryOutcome::failed(py::str(result.attr("error")));
    }
    return DeliveryOutcome::retry(
        "deliver() returned a " +
        std::string(py::str(py::type::handle_of(result).attr("__name__"))) +
        "; expected crmflow.Delivered, crmflow.Retry or crmflow.Failed");
  }
};

// crmflow.ChannelRegistry: the library's registry plus the Python objects behind its channels,
// which must live as long as the registry does.
struct PyChannelRegistry {
  ChannelRegistry registry;
  py::dict keep;

  void add(const std::string& name, py::object channel) {
    if (!py::isinstance<Channel>(channel)) {
      raise_error(invalid_input("channel '" + name + "' is not a crmflow.Channel"));
    }
    registry.add(name, channel.cast<std::shared_ptr<Channel>>());
    keep[py::str(name)] = std::move(channel);
  }
};

// ---------------------------------------------------------------------------------------------
// The Engine.

class PyEngine {
 public:
  PyEngine(py::object store, py::object clock, py::object directory, py::object calendars,
           py::object channels, DeliveryPolicy delivery)
      : store_(std::move(store)),
        clock_(std::move(clock)),
        directory_(std::move(directory)),
        calendars_(std::move(calendars)),
        channels_(std::move(channels)) {
    EngineOptions options;
    if (!clock_.is_none()) options.clock = clock_.cast<const Clock*>();
    if (!directory_.is_none()) options.directory = directory_.cast<const Directory*>();
    if (!calendars_.is_none()) options.calendars = calendars_.cast<const Calendars*>();
    if (py::isinstance<py::dict>(channels_)) {
      // A plain {name: channel} dict: build the registry it stands for.
      py::object registry = py::cast(PyChannelRegistry{});
      for (auto [name, channel] : channels_.cast<py::dict>()) {
        registry.cast<PyChannelRegistry&>().add(py::str(name),
                                                py::reinterpret_borrow<py::object>(channel));
      }
      channels_ = registry;
    }
    if (!channels_.is_none()) options.channels = &channels_.cast<PyChannelRegistry&>().registry;
    options.delivery = delivery;
    engine_ = std::make_unique<Engine>(*store_.cast<Store*>(), options);
  }

  Engine& engine() { return *engine_; }
  Instant now() const {
    return clock_.is_none() ? SystemClock::instance().now() : clock_.cast<const Clock*>()->now();
  }

  void add_handler(const std::string& name, py::function callable) {
    // The dict owns the callable; the library's handler borrows it.
    handlers_[py::str(name)] = callable;
    PyObject* function = callable.ptr();
    engine_->handlers().add(name, [function, name](const JobContext& job) {
      py::gil_scoped_acquire gil;
      try {
        py::object result = py::reinterpret_borrow<py::function>(function)(
            py::cast(job, py::return_value_policy::copy));
        return handler_result(name, result);
      } catch (py::error_already_set& error) {
        if (error.matches(module_attr("BusinessError"))) return business_error(error.value());
        return HandlerResult::failure(text_of_exception(error));
      } catch (const std::exception& error) {
        return HandlerResult::failure(error.what());
      }
    });
  }

 private:
  static HandlerResult business_error(py::handle error) {
    return HandlerResult::error(py::str(error.attr("code")), py::str(error.attr("message")));
  }

  static HandlerResult handler_result(const std::string& name, py::handle result) {
    if (result.is_none()) return HandlerResult::ok();
    if (py::isinstance<py::dict>(result)) return HandlerResult::ok(from_python(result));
    if (py::isinstance(result, module_attr("BusinessError"))) return business_error(result);
    return HandlerResult::failure(
        "handler '" + name + "' returned a " +
        std::string(py::str(py::type::handle_of(result).attr("__name__"))) +
        "; expected a dict, None or crmflow.BusinessError");
  }

  // Owners of what engine_ points to; declared first so that they are dropped after it.
  py::object store_;
  py::object clock_;
  py::object directory_;
  py::object calendars_;
  py::object channels_;
  py::dict handlers_;
  std::unique_ptr<Engine> engine_;
};

// Runs `work` on the engine with the GIL released and returns its unwrapped result.
template <class Work>
auto released(Work&& work) {
  py::gil_scoped_release release;
  return work();
}

// ---------------------------------------------------------------------------------------------
// Records.

void bind_records(py::module_& m) {
  py::class_<Diagnostic>(m, "Diagnostic", "A problem found in a file, with its place.")
      .def_readonly("file", &Diagnostic::file)
      .def_readonly("line", &Diagnostic::line, "1-based; 0 when the problem has no place")
      .def_readonly("column", &Diagnostic::column, "1-based, in characters")
      .def_readonly("message", &Diagnostic::message)
      .def("format", &Diagnostic::format, "FILE:LINE:COL: error: MESSAGE")
      .def("__str__", &Diagnostic::format)
      .def("__repr__",
           [](const Diagnostic& d) { return "<crmflow.Diagnostic " + d.format() + ">"; });

  py::class_<Incident>(m, "Incident", "An open incident: a step waits for Engine.retry().")
      .def_readonly("step_id", &Incident::step_id)
      .def_readonly("message", &Incident::message)
      .def_property_readonly("at", [](const Incident& i) { return instant_to_python(i.at); })
      .def("__repr__", [](const Incident& i) {
        return std::string(
            py::str("crmflow.Incident(step_id={!r}, message={!r})").format(i.step_id, i.message));
      });

  py::class_<Case>(m, "Case", "A snapshot of a case; ask the engine again after it moves on.")
      .def_readonly("id", &Case::id)
      .def_readonly("process_id", &Case::process_id)
      .def_readonly("version", &Case::version)
      .def_readonly("key", &Case::key)
      .def_property_readonly("status",
                             [](const Case& c) { return std::string(to_string(c.status)); })
      .def_property_readonly("is_final", [](const Case& c) { return is_final(c.status); })
      .def_readonly("progress", &Case::progress)
      .def_property_readonly("initiator", [](const Case& c) { return optional_str(c.initiator); })
      .def_property_readonly("started_at",
                             [](const Case& c) { return instant_to_python(c.started_at); })
      .def_property_readonly("ended_at",
                             [](const Case& c) { return optional_instant_to_python(c.ended_at); })
      .def_property_readonly("variables", [](const Case& c) { return to_python(c.variables); })
      .def_readonly("active", &Case::active)
      .def_readonly("path", &Case::path)
      .def_readonly("incidents", &Case::incidents)
      .def_property_readonly("parent", [](const Case& c) { return optional_id(c.parent); })
      .def("__repr__", [](const Case& c) {
        return std::string(
            py::str("crmflow.Case(id={}, process_id={!r}, key={!r}, status={!r}, active={!r})")
                .format(c.id, c.process_id, c.key, std::string(to_string(c.status)), c.active));
      });

  py::class_<Task>(m, "Task", "A human task (a `user` step) as the worklist shows it.")
      .def_readonly("id", &Task::id)
      .def_readonly("case_id", &Task::case_id)
      .def_readonly("process_id", &Task::process_id)
      .def_readonly("step_id", &Task::step_id)
      .def_readonly("name", &Task::name)
      .def_property_readonly("status",
                             [](const Task& t) { return std::string(to_string(t.status)); })
      .def_property_readonly("assignee", [](const Task& t) { return optional_str(t.assignee); })
      .def_readonly("candidate_users", &Task::candidate_users)
      .def_readonly("candidate_groups", &Task::candidate_groups)
      .def_readonly("priority", &Task::priority)
      .def_property_readonly("due", [](const Task& t) { return optional_instant_to_python(t.due); })
      .def_property_readonly("created_at",
                             [](const Task& t) { return instant_to_python(t.created_at); })
      .def_property_readonly("ended_at",
                             [](const Task& t) { return optional_instant_to_python(t.ended_at); })
      .def_property_readonly("completed_by",
                             [](const Task& t) { return optional_str(t.completed_by); })
      .def("__repr__", [](const Task& t) {
        return std::string(
            py::str("crmflow.Task(id={}, case_id={}, step_id={!r}, status={!r}, assignee={!r})")
                .format(t.id, t.case_id, t.step_id, std::string(to_string(t.status)),
                        optional_str(t.assignee)));
      });

  py::class_<HistoryEvent>(m, "HistoryEvent", "One thing that happened to a case.")
      .def_readonly("case_id", &HistoryEvent::case_id)
      .def_readonly("sequence", &HistoryEvent::sequence)
      .def_property_readonly("at", [](const HistoryEvent& e) { return instant_to_python(e.at); })
      .def_property_readonly("event",
                             [](const HistoryEvent& e) { return std::string(to_string(e.event)); })
      .def_property_readonly("step_id",
                             [](const HistoryEvent& e) { return optional_str(e.step_id); })
      .def_property_readonly("task_id",
                             [](const HistoryEvent& e) { return optional_id(e.task_id); })
      .def_property_readonly("by", [](const HistoryEvent& e) { return optional_str(e.by); })
      .def_property_readonly("data", [](const HistoryEvent& e) { return to_python(e.data); })
      .def("__repr__", [](const HistoryEvent& e) {
        return std::string(
            py::str("crmflow.HistoryEvent(sequence={}, event={!r}, step_id={!r})")
                .format(e.sequence, std::string(to_string(e.event)), optional_str(e.step_id)));
      });

  py::class_<Notification>(m, "Notification", "A notification in the outbox, and its delivery.")
      .def_readonly("id", &Notification::id)
      .def_readonly("case_id", &Notification::case_id)
      .def_readonly("step_id", &Notification::step_id)
      .def_readonly("channel", &Notification::channel)
      .def_readonly("to", &Notification::to)
      .def_readonly("subject", &Notification::subject)
      .def_readonly("text", &Notification::text)
      .def_readonly("idempotency_key", &Notification::idempotency_key)
      .def_property_readonly("at", [](const Notification& n) { return instant_to_python(n.at); })
      .def_readonly("segments", &Notification::segments)
      .def_property_readonly("status",
                             [](const Notification& n) { return std::string(to_string(n.status)); })
      .def_readonly("attempts", &Notification::attempts)
      .def_property_readonly(
          "next_attempt",
          [](const Notification& n) { return optional_instant_to_python(n.next_attempt); })
      .def_property_readonly(
          "leased_until",
          [](const Notification& n) { return optional_instant_to_python(n.leased_until); })
      .def_property_readonly(
          "sent_at", [](const Notification& n) { return optional_instant_to_python(n.sent_at); })
      .def_readonly("last_error", &Notification::last_error)
      .def("__repr__", [](const Notification& n) {
        return std::string(
            py::str("crmflow.Notification(id={}, channel={!r}, to={!r}, status={!r}, text={!r})")
                .format(n.id, n.channel, n.to, std::string(to_string(n.status)), n.text));
      });

  py::class_<Waiting>(m, "Waiting", "What an active case waits for at one step.")
      .def_readonly("step_id", &Waiting::step_id)
      .def_property_readonly("kind",
                             [](const Waiting& w) { return std::string(to_string(w.kind)); })
      .def_property_readonly("since", [](const Waiting& w) { return instant_to_python(w.since); })
      .def_property_readonly("task", [](const Waiting& w) { return optional_id(w.task); })
      .def_property_readonly("assignee", [](const Waiting& w) { return optional_str(w.assignee); })
      .def_readonly("candidate_users", &Waiting::candidate_users)
      .def_readonly("candidate_groups", &Waiting::candidate_groups)
      .def_property_readonly("due",
                             [](const Waiting& w) { return optional_instant_to_python(w.due); })
      .def_readonly("name", &Waiting::name)
      .def_readonly("key", &Waiting::key)
      .def_readonly("attempt", &Waiting::attempt)
      .def_property_readonly("child", [](const Waiting& w) { return optional_id(w.child); })
      .def_readonly("completed", &Waiting::completed)
      .def_readonly("total", &Waiting::total)
      .def_readonly("message", &Waiting::message)
      .def_readonly("boundary", &Waiting::boundary)
      .def_readonly("interrupting", &Waiting::interrupting)
      .def("__repr__", [](const Waiting& w) {
        return std::string(py::str("crmflow.Waiting(step_id={!r}, kind={!r})")
                               .format(w.step_id, std::string(to_string(w.kind))));
      });

  py::class_<Deployment>(m, "Deployment", "What Engine.deploy() did.")
      .def_readonly("process_id", &Deployment::process_id)
      .def_readonly("version", &Deployment::version)
      .def_readonly("changed", &Deployment::changed)
      .def("__repr__", [](const Deployment& d) {
        return std::string(py::str("crmflow.Deployment(process_id={!r}, version={}, changed={})")
                               .format(d.process_id, d.version, d.changed));
      });

  py::class_<JobContext>(m, "JobContext", "What a service handler is told about its job.")
      .def_readonly("case_id", &JobContext::case_id)
      .def_readonly("process_id", &JobContext::process_id)
      .def_readonly("step_id", &JobContext::step_id)
      .def_readonly("handler", &JobContext::handler)
      .def_readonly("case_key", &JobContext::case_key)
      .def_property_readonly("input", [](const JobContext& j) { return to_python(j.input); })
      .def_readonly("attempt", &JobContext::attempt)
      .def_property_readonly("now", [](const JobContext& j) { return instant_to_python(j.now); })
      .def_readonly("idempotency_key", &JobContext::idempotency_key)
      .def("__repr__", [](const JobContext& j) {
        return std::string(py::str("crmflow.JobContext(case_id={}, step_id={!r}, attempt={})")
                               .format(j.case_id, j.step_id, j.attempt));
      });

  py::class_<ScenarioOutcome>(m, "ScenarioOutcome", "How one scenario went.")
      .def_readonly("name", &ScenarioOutcome::name)
      .def_readonly("passed", &ScenarioOutcome::passed)
      .def_readonly("failure", &ScenarioOutcome::failure)
      .def("line", &ScenarioOutcome::line, "'PASS name' or 'FAIL name: failure'")
      .def("__repr__",
           [](const ScenarioOutcome& s) { return "<crmflow.ScenarioOutcome " + s.line() + ">"; });

  py::class_<ScenarioFileOutcome>(m, "ScenarioFileOutcome", "How one scenario file went.")
      .def_readonly("file", &ScenarioFileOutcome::file)
      .def_readonly("diagnostics", &ScenarioFileOutcome::diagnostics)
      .def_readonly("scenarios", &ScenarioFileOutcome::scenarios)
      .def_property_readonly("passed", &ScenarioFileOutcome::passed)
      .def_property_readonly("failed", &ScenarioFileOutcome::failed)
      .def_property_readonly("exit_code", &ScenarioFileOutcome::exit_code)
      .def("__repr__", [](const ScenarioFileOutcome& f) {
        return std::string(
            py::str("<crmflow.ScenarioFileOutcome {!r}: {} passed, {} failed, {} diagnostics>")
                .format(f.file, f.passed(), f.failed(), f.diagnostics.size()));
      });
}

// ---------------------------------------------------------------------------------------------
// Stores, clocks, directories, calendars, processes, channels.

void bind_parts(py::module_& m) {
  py::class_<Store>(m, "Store", "Where cases live: MemoryStore, SqliteStore, or open_store().")
      .def(
          "outbox",
          [](Store& store, py::handle case_id) {
            const CaseId id = id_of(case_id);
            return unwrap(released([&] { return store.outbox(id); }));
          },
          py::arg("case_id"), "The case's notifications, in the order they were queued.");

  py::class_<MemoryStore, Store>(m, "MemoryStore", "A store in memory; lost with the object.")
      .def(py::init<>());

  py::class_<SqliteStore, Store>(m, "SqliteStore", "A store in a SQLite file (WAL).")
      .def_static(
          "open",
          [](const std::string& path) {
            return unwrap(released([&] { return SqliteStore::open(path); }));
          },
          py::arg("path"), "Opens (creating when missing) and migrates the database at path.")
      .def_property_readonly("path", &SqliteStore::path);

  m.def(
      "open_store",
      [](const std::string& location) {
        return unwrap(released([&] { return open_store(location); }));
      },
      py::arg("location"), "A store by location: a SQLite file path, or 'memory:'.");

  py::class_<Clock>(m, "Clock", "The source of 'now' for an engine.")
      .def("now", [](const Clock& clock) { return instant_to_python(clock.now()); });
  py::class_<SystemClock, Clock>(m, "SystemClock", "The machine's clock, in milliseconds.")
      .def(py::init<>());
  py::class_<ManualClock, Clock>(m, "ManualClock", "A clock that moves only when told to.")
      .def(py::init([](py::handle start) {
             return std::make_unique<ManualClock>(instant_from_python(start));
           }),
           py::arg("start"))
      .def(
          "set", [](ManualClock& clock, py::handle at) { clock.set(instant_from_python(at)); },
          py::arg("at"))
      .def(
          "advance",
          [](ManualClock& clock, py::handle by) {
            const std::chrono::milliseconds millis = millis_from_timedelta(by);
            if (millis.count() < 0) raise_error(invalid_input("ManualClock never goes backwards"));
            clock.advance(millis);
          },
          py::arg("by"));

  py::class_<Directory>(m, "Directory", "Users, their groups and addresses.")
      .def("has_user", &Directory::has_user, py::arg("user"))
      .def("groups_of", &Directory::groups_of, py::arg("user"))
      .def("members_of", &Directory::members_of, py::arg("group"))
      .def("address", &Directory::address, py::arg("user"), py::arg("channel"))
      .def("managed_groups", &Directory::managed_groups, py::arg("user"));
  py::class_<MemoryDirectory, Directory>(m, "MemoryDirectory", "A directory held in memory.")
      .def(py::init<>())
      .def(
          "add_user",
          [](MemoryDirectory& dir, std::string user, std::vector<std::string> groups,
             std::map<std::string, std::string> addresses) {
            dir.add_user(std::move(user), std::move(groups), {addresses.begin(), addresses.end()});
          },
          py::arg("user"), py::arg("groups") = std::vector<std::string>{},
          py::arg("addresses") = std::map<std::string, std::string>{},
          "Adds or replaces a user; addresses maps a channel name ('sms') to the address.")
      .def(
          "set_managed_groups",
          [](MemoryDirectory& dir, const std::string& user, std::vector<std::string> groups) {
            if (!dir.set_managed_groups(user, std::move(groups))) {
              raise_error(not_found("no user '" + user + "' in the directory"));
            }
          },
          py::arg("user"), py::arg("groups"));

  py::class_<Calendars>(m, "Calendars", "Business calendars (working hours, holidays).")
      .def(py::init<>())
      .def_static(
          "load_file",
          [](const std::string& path) {
            CalendarsOutcome outcome = released([&] { return Calendars::load_file(path); });
            if (!outcome.ok())
              raise_diagnostics("calendars not loaded: " + path, outcome.diagnostics);
            return outcome.calendars;
          },
          py::arg("path"))
      .def_static(
          "load",
          [](const std::string& text, const std::string& file_name) {
            CalendarsOutcome outcome = released([&] { return Calendars::load(text, file_name); });
            if (!outcome.ok()) {
              raise_diagnostics("calendars not loaded: " + file_name, outcome.diagnostics);
            }
            return outcome.calendars;
          },
          py::arg("text"), py::arg("file_name") = "<string>")
      .def("names", &Calendars::names)
      .def("__contains__", &Calendars::has);

  py::class_<Process, std::shared_ptr<Process>>(m, "Process", "A loaded process definition.")
      .def_property_readonly("id", &Process::id)
      .def_property_readonly("name", &Process::name)
      .def_property_readonly("declared_version", &Process::declared_version)
      .def_property_readonly("content_hash", &Process::content_hash)
      .def_property_readonly("source_file", &Process::source_file)
      .def("step_ids", &Process::step_ids)
      .def(
          "draw",
          [](const Process& p, const std::string& format) {
            if (format != "dot" && format != "mermaid") {
              raise_error(invalid_input("format must be 'dot' or 'mermaid', not '" + format + "'"));
            }
            return draw_process(p, format == "dot" ? GraphFormat::dot : GraphFormat::mermaid);
          },
          py::arg("format") = "dot", "The process as Graphviz dot or Mermaid text.")
      .def("__repr__", [](const Process& p) {
        return std::string(py::str("<crmflow.Process {!r}>").format(p.id()));
      });

  const auto load_options = [](const std::optional<Calendars>& calendars) {
    LoadOptions options;
    if (calendars) options.calendars = calendars->names();
    return options;
  };
  const auto process_of = [](LoadOutcome outcome, const std::string& name) {
    if (!outcome.ok()) raise_diagnostics("process not loaded: " + name, outcome.diagnostics);
    return std::const_pointer_cast<Process>(outcome.process);
  };
  m.def(
      "load_process",
      [=](const std::string& text, const std::string& file_name,
          const std::optional<Calendars>& calendars) {
        LoadOptions options = load_options(calendars);
        LoadOutcome outcome = released([&] { return load_process(text, file_name, options); });
        return process_of(std::move(outcome), file_name);
      },
      py::arg("text"), py::arg("file_name") = "<string>", py::arg("calendars") = py::none(),
      "Loads a definition from YAML text; InvalidInput with .diagnostics when it has problems.");
  m.def(
      "load_process_file",
      [=](const std::string& path, const std::optional<Calendars>& calendars) {
        LoadOptions options = load_options(calendars);
        LoadOutcome outcome = released([&] { return load_process_file(path, options); });
        return process_of(std::move(outcome), path);
      },
      py::arg("path"), py::arg("calendars") = py::none(),
      "Loads a definition file; InvalidInput with .diagnostics when it has problems.");

  py::class_<Channel, PyChannel, std::shared_ptr<Channel>>(
      m, "Channel", "A sender written in Python: subclass it and define deliver(notification).")
      .def(py::init<>());
  py::class_<PyChannelRegistry>(m, "ChannelRegistry", "Channels by the name processes use.")
      .def(py::init<>())
      .def_static(
          "load_file",
          [](const std::string& path) {
            ChannelsOutcome outcome = released([&] { return load_channels_file(path); });
            if (!outcome.ok())
              raise_diagnostics("channels not loaded: " + path, outcome.diagnostics);
            PyChannelRegistry registry;
            registry.registry = std::move(outcome.channels);
            return registry;
          },
          py::arg("path"), "The http, command and file channels of a channels file.")
      .def("add", &PyChannelRegistry::add, py::arg("name"), py::arg("channel"))
      .def("names", [](const PyChannelRegistry& r) { return r.registry.names(); })
      .def("__contains__", [](const PyChannelRegistry& r, const std::string& name) {
        return r.registry.find(name) != nullptr;
      });

  py::class_<DeliveryPolicy>(m, "DeliveryPolicy", "How notifications are retried.")
      .def(py::init([](std::uint32_t max_attempts, py::handle first_backoff, py::handle max_backoff,
                       py::handle lease) {
             if (max_attempts < 1) raise_error(invalid_input("max_attempts must be at least 1"));
             DeliveryPolicy policy;
             policy.max_attempts = max_attempts;
             if (!first_backoff.is_none())
               policy.first_backoff = millis_from_timedelta(first_backoff);
             if (!max_backoff.is_none()) policy.max_backoff = millis_from_timedelta(max_backoff);
             if (!lease.is_none()) policy.lease = millis_from_timedelta(lease);
             return policy;
           }),
           py::arg("max_attempts") = 8, py::arg("first_backoff") = py::none(),
           py::arg("max_backoff") = py::none(), py::arg("lease") = py::none())
      .def_readonly("max_attempts", &DeliveryPolicy::max_attempts)
      .def_property_readonly(
          "first_backoff",
          [](const DeliveryPolicy& p) { return timedelta_from_millis(p.first_backoff); })
      .def_property_readonly(
          "max_backoff",
          [](const DeliveryPolicy& p) { return timedelta_from_millis(p.max_backoff); })
      .def_property_readonly(
          "lease", [](const DeliveryPolicy& p) { return timedelta_from_millis(p.lease); });
}

// ---------------------------------------------------------------------------------------------
// The Engine's methods.

void bind_engine_class(py::module_& m) {
  py::class_<PyEngine>(m, "Engine", "Deploys process definitions and runs their cases.")
      .def(py::init([](py::object store, py::object clock, py::object directory,
                       py::object calendars, py::object channels, py::object delivery) {
             if (!py::isinstance<Store>(store)) {
               raise_error(
                   invalid_input("store must be a crmflow.Store (MemoryStore, SqliteStore)"));
             }
             if (!clock.is_none() && !py::isinstance<Clock>(clock)) {
               raise_error(invalid_input("clock must be a crmflow.Clock"));
             }
             if (!directory.is_none() && !py::isinstance<Directory>(directory)) {
               raise_error(invalid_input("directory must be a crmflow.Directory"));
             }
             if (!calendars.is_none() && !py::isinstance<Calendars>(calendars)) {
               raise_error(invalid_input("calendars must be crmflow.Calendars"));
             }
             if (!channels.is_none() && !py::isinstance<PyChannelRegistry>(channels) &&
                 !py::isinstance<py::dict>(channels)) {
               raise_error(invalid_input("channels must be a crmflow.ChannelRegistry or a dict"));
             }
             DeliveryPolicy policy;
             if (!delivery.is_none()) policy = delivery.cast<DeliveryPolicy>();
             return std::make_unique<PyEngine>(store, clock, directory, calendars, channels,
                                               policy);
           }),
           py::arg("store"), py::arg("clock") = py::none(), py::arg("directory") = py::none(),
           py::arg("calendars") = py::none(), py::arg("channels") = py::none(),
           py::arg("delivery") = py::none())
      .def("add_handler", &PyEngine::add_handler, py::arg("name"), py::arg("handler"),
           "Registers a service handler: handler(job: JobContext) -> dict | None | BusinessError.")
      .def(
          "deploy",
          [](PyEngine& e, const std::shared_ptr<Process>& process) {
            if (!process) raise_error(invalid_input("deploy() needs a Process"));
            std::shared_ptr<const Process> shared = process;
            return unwrap(released([&] { return e.engine().deploy(shared); }));
          },
          py::arg("process"))
      .def(
          "start",
          [](PyEngine& e, const std::string& process_id, const std::string& key,
             const std::string& by, py::handle vars, std::optional<std::int64_t> version) {
            StartOptions options{
                .key = key, .by = by, .vars = vars_from_python(vars), .version = version};
            return unwrap(released([&] { return e.engine().start(process_id, options); }));
          },
          py::arg("process_id"), py::kw_only(), py::arg("key") = "", py::arg("by") = "",
          py::arg("vars") = py::none(), py::arg("version") = py::none(),
          "Starts a case and runs it until it waits; returns its id.")
      .def(
          "get_case",
          [](PyEngine& e, py::handle case_id) {
            const CaseId id = id_of(case_id);
            return unwrap(released([&] { return e.engine().get_case(id); }));
          },
          py::arg("case_id"))
      .def(
          "cases",
          [](PyEngine& e, const std::string& process_id, std::optional<std::string> status,
             const std::string& key, std::size_t limit, std::size_t offset) {
            CaseQuery query{.process_id = process_id, .key = key, .limit = limit, .offset = offset};
            if (status) {
              query.status = parse_case_status(*status);
              if (!query.status) raise_error(invalid_input("no case status '" + *status + "'"));
            }
            return unwrap(released([&] { return e.engine().cases(query); }));
          },
          py::kw_only(), py::arg("process_id") = "", py::arg("status") = py::none(),
          py::arg("key") = "", py::arg("limit") = 0, py::arg("offset") = 0)
      .def(
          "task",
          [](PyEngine& e, py::handle task_id) {
            const TaskId id = id_of(task_id);
            return unwrap(released([&] { return e.engine().task(id); }));
          },
          py::arg("task_id"))
      .def(
          "tasks",
          [](PyEngine& e, const std::string& user, const std::string& group,
             const std::string& manager, py::handle case_id, const std::string& step_id,
             bool overdue_only, std::size_t limit, std::size_t offset) {
            TaskQuery query{.user = user,
                            .group = group,
                            .manager = manager,
                            .case_id = case_id.is_none() ? kNoId : id_of(case_id),
                            .step_id = step_id,
                            .overdue_only = overdue_only,
                            .limit = limit,
                            .offset = offset};
            return unwrap(released([&] { return e.engine().tasks(query); }));
          },
          py::kw_only(), py::arg("user") = "", py::arg("group") = "", py::arg("manager") = "",
          py::arg("case_id") = py::none(), py::arg("step_id") = "", py::arg("overdue_only") = false,
          py::arg("limit") = 0, py::arg("offset") = 0,
          "Open tasks: priority (highest first), then due (earliest first), then id.")
      .def(
          "history",
          [](PyEngine& e, py::handle case_id) {
            const CaseId id = id_of(case_id);
            return unwrap(released([&] { return e.engine().history(id); }));
          },
          py::arg("case_id"))
      .def(
          "waiting",
          [](PyEngine& e, py::handle case_id) {
            const CaseId id = id_of(case_id);
            return unwrap(released([&] { return e.engine().waiting(id); }));
          },
          py::arg("case_id"))
      .def(
          "complete",
          [](PyEngine& e, py::handle task, const std::string& by, py::handle vars,
             bool admin_override) {
            const TaskId id = id_of(task);
            CompleteOptions options{
                .by = by, .vars = vars_from_python(vars), .admin_override = admin_override};
            check(released([&] { return e.engine().complete(id, options); }));
          },
          py::arg("task"), py::kw_only(), py::arg("by"), py::arg("vars") = py::none(),
          py::arg("admin_override") = false)
      .def(
          "may_complete",
          [](PyEngine& e, py::handle task, const std::string& by) {
            const TaskId id = id_of(task);
            return released([&] { return e.engine().may_complete(id, by); }).ok();
          },
          py::arg("task"), py::kw_only(), py::arg("by"),
          "Whether `by` may complete the task now (the checks of complete() but the form).")
      .def(
          "claim",
          [](PyEngine& e, py::handle task, const std::string& by) {
            const TaskId id = id_of(task);
            check(released([&] { return e.engine().claim(id, by); }));
          },
          py::arg("task"), py::kw_only(), py::arg("by"))
      .def(
          "unclaim",
          [](PyEngine& e, py::handle task, const std::string& by) {
            const TaskId id = id_of(task);
            check(released([&] { return e.engine().unclaim(id, by); }));
          },
          py::arg("task"), py::kw_only(), py::arg("by"))
      .def(
          "delegate",
          [](PyEngine& e, py::handle task, const std::string& by, const std::string& to) {
            const TaskId id = id_of(task);
            check(released([&] { return e.engine().delegate(id, by, to); }));
          },
          py::arg("task"), py::kw_only(), py::arg("by"), py::arg("to"))
      .def(
          "reassign",
          [](PyEngine& e, py::handle task, const std::string& by, const std::string& to,
             bool admin_override) {
            const TaskId id = id_of(task);
            ReassignOptions options{.by = by, .to = to, .admin_override = admin_override};
            check(released([&] { return e.engine().reassign(id, options); }));
          },
          py::arg("task"), py::kw_only(), py::arg("by"), py::arg("to") = "",
          py::arg("admin_override") = false)
      .def(
          "correlate",
          [](PyEngine& e, const std::string& name, const std::string& key, py::handle vars) {
            const Value payload = vars_from_python(vars);
            return unwrap(released([&] { return e.engine().correlate(name, key, payload); }));
          },
          py::arg("name"), py::arg("key") = "", py::kw_only(), py::arg("vars") = py::none(),
          "Delivers a message; returns the ids of the cases reached.")
      .def(
          "signal",
          [](PyEngine& e, const std::string& name, py::handle vars) {
            const Value payload = vars_from_python(vars);
            return unwrap(released([&] { return e.engine().signal(name, payload); }));
          },
          py::arg("name"), py::kw_only(), py::arg("vars") = py::none())
      .def(
          "cancel",
          [](PyEngine& e, py::handle case_id, const std::string& reason) {
            const CaseId id = id_of(case_id);
            check(released([&] { return e.engine().cancel(id, reason); }));
          },
          py::arg("case_id"), py::arg("reason") = "")
      .def(
          "retry",
          [](PyEngine& e, py::handle case_id, const std::string& step_id, py::handle vars) {
            const CaseId id = id_of(case_id);
            const Value payload = vars_from_python(vars);
            check(released([&] { return e.engine().retry(id, step_id, payload); }));
          },
          py::arg("case_id"), py::arg("step_id"), py::kw_only(), py::arg("vars") = py::none())
      .def(
          "run_due",
          [](PyEngine& e, py::handle now, std::size_t max_items) {
            const Instant at = now.is_none() ? e.now() : instant_from_python(now);
            RunDueOptions options;
            options.max_items = max_items;
            return unwrap(released([&] { return e.engine().run_due(at, options); }));
          },
          py::arg("now") = py::none(), py::kw_only(), py::arg("max_items") = 0,
          "Fires the jobs due at `now` (default: the engine's clock) and delivers the\n"
          "notifications due; returns how many jobs and deliveries it did.")
      .def(
          "next_due",
          [](PyEngine& e) {
            std::optional<Instant> due = unwrap(released([&] { return e.engine().next_due(); }));
            return optional_instant_to_python(due);
          },
          "The earliest moment run_due has something to do, or None.");
}

void bind_scenarios(py::module_& m) {
  const auto store_of = [](const std::string& store) {
    if (store == "as_file") return ScenarioStore::as_file;
    if (store == "memory") return ScenarioStore::memory;
    if (store == "sqlite") return ScenarioStore::sqlite;
    raise_error(
        invalid_input("store must be 'as_file', 'memory' or 'sqlite', not '" + store + "'"));
  };
  m.def(
      "run_scenario_file",
      [=](const std::string& path, const std::string& store) {
        const ScenarioStore kind = store_of(store);
        return released([&] { return run_scenario_file(path, kind); });
      },
      py::arg("path"), py::kw_only(), py::arg("store") = "as_file",
      "Runs every scenario of a scenario file (spec/scenario-format.md).");
  m.def(
      "run_scenario_text",
      [=](const std::string& text, const std::string& file_name, const std::string& store) {
        const ScenarioStore kind = store_of(store);
        return released([&] { return run_scenario_text(text, file_name, kind); });
      },
      py::arg("text"), py::arg("file_name"), py::kw_only(), py::arg("store") = "as_file",
      "As run_scenario_file for a text; relative paths start at file_name's folder.");
}

}  // namespace

void bind_engine(py::module_& module) {
  bind_records(module);
  bind_parts(module);
  bind_engine_class(module);
  bind_scenarios(module);
}

}  // namespace crmflow::python
