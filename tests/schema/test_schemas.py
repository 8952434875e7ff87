"""Checks the JSON Schemas in schemas/ against the language they describe.

- each schema is valid draft-07;
- every example (examples/*.yaml), every valid definition under tests/definitions/valid/, every
  scenario file under tests/scenarios/, and the examples written in the specs validate;
- small wrong documents are rejected, each for the reason it was written for.

Files are read with the YAML 1.2 core schema (yaml12.py), as crmflow reads them.
Run: /usr/bin/python3 -m pytest -q tests/schema
"""
import copy
import json
import pathlib
import re

import jsonschema
import pytest

import yaml12

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCHEMAS = ROOT / "schemas"
EXAMPLES = ROOT / "examples"
SPEC = ROOT.parent / "shared" / "spec"  # the normative specs sit beside the repository

SCHEMA_FILES = {
    "process": SCHEMAS / "process.schema.json",
    "calendars": SCHEMAS / "calendars.schema.json",
    "users": SCHEMAS / "users.schema.json",
    "scenario": SCHEMAS / "scenario.schema.json",
    "channels": SCHEMAS / "channels.schema.json",
}


def _load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _validator(kind):
    """A draft-07 validator for one schema; cross-file $refs resolve to the files in schemas/."""
    path = SCHEMA_FILES[kind]
    store = {p.resolve().as_uri(): _load_json(p) for p in SCHEMA_FILES.values()}
    schema = store[path.resolve().as_uri()]
    resolver = jsonschema.RefResolver(base_uri=path.resolve().as_uri(), referrer=schema, store=store)
    return jsonschema.Draft7Validator(schema, resolver=resolver)


VALIDATORS = {}


def validator(kind):
    if kind not in VALIDATORS:
        VALIDATORS[kind] = _validator(kind)
    return VALIDATORS[kind]


def _flatten(errors):
    for e in errors:
        yield e
        yield from _flatten(e.context or [])


def problems(kind, document):
    """Every error message (nested ones included), each prefixed with the path it concerns."""
    out = []
    for e in _flatten(validator(kind).iter_errors(document)):
        where = "/".join(str(p) for p in e.absolute_path)
        out.append(f"{where}: {e.message}")
    return out


def assert_valid(kind, document, name):
    errors = sorted(validator(kind).iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        lines = []
        for e in errors:
            best = jsonschema.exceptions.best_match([e])
            where = "/".join(str(p) for p in best.absolute_path)
            lines.append(f"  {where}: {best.message}")
        pytest.fail(f"{name} does not match {SCHEMA_FILES[kind].name}:\n" + "\n".join(lines))


def kind_of(document):
    """Which schema a YAML file is written for, by its top-level keys."""
    if isinstance(document, dict):
        for key, kind in (("process", "process"), ("calendars", "calendars"),
                          ("users", "users"), ("scenarios", "scenario")):
            if key in document:
                return kind
        # A channels file: every entry a map with a `type`.
        if document and all(isinstance(v, dict) and "type" in v for v in document.values()):
            return "channels"
    return None


# ---------------------------------------------------------------------------------------------
# The schemas themselves


@pytest.mark.parametrize("kind", sorted(SCHEMA_FILES))
def test_schema_is_valid_draft7(kind):
    schema = _load_json(SCHEMA_FILES[kind])
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    # Every pattern must compile as a Python regex too (editors use ECMA 262; both must agree).
    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                re.compile(node["pattern"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(schema)


def test_every_internal_ref_resolves():
    for kind in SCHEMA_FILES:
        schema = _load_json(SCHEMA_FILES[kind])
        v = validator(kind)

        def walk(node):
            if isinstance(node, dict):
                if "$ref" in node:
                    v.resolver.resolve(node["$ref"])
                for x in node.values():
                    walk(x)
            elif isinstance(node, list):
                for x in node:
                    walk(x)
        walk(schema)  # the resolver's base is the schema's own file


# ---------------------------------------------------------------------------------------------
# The YAML 1.2 reading the tests rely on


def test_yaml12_reading():
    doc = yaml12.load(
        "on: complete\nflag: yes\nday: 2026-03-21\nhours: 08:00\nn: 012\nx: 0x1f\nb: true\n"
        "z: ~\nf: 1.5\nk: <<\n")
    assert doc == {"on": "complete", "flag": "yes", "day": "2026-03-21", "hours": "08:00",
                   "n": 12, "x": 31, "b": True, "z": None, "f": 1.5, "k": "<<"}


def test_yaml12_refuses_duplicate_keys():
    with pytest.raises(yaml12.DuplicateKeyError):
        yaml12.load("process: a\nprocess: b\n")


# ---------------------------------------------------------------------------------------------
# Files that must validate

# examples/*.yaml are processes; examples/settings/ holds the calendars and the users directory.
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml")) + sorted((EXAMPLES / "settings").glob("*.yaml"))
# Processes: valid definitions, and the processes scenario files load from tests/scenarios/processes/.
DEFINITION_FILES = sorted((ROOT / "tests" / "definitions" / "valid").rglob("*.yaml")) + \
    sorted((ROOT / "tests" / "scenarios" / "processes").rglob("*.yaml"))
# Scenario files that are meant to be read; tests/scenarios/invalid/ holds broken ones on purpose
# (checked by `crmflow test` for their diagnostics).
SCENARIO_FILES = sorted(
    p for p in (ROOT / "tests" / "scenarios").rglob("*.yaml")
    if not {"invalid", "processes"} & set(p.relative_to(ROOT / "tests" / "scenarios").parts))


def test_examples_exist():
    names = {p.name for p in EXAMPLE_FILES}
    for needed in ("phone-repair.yaml", "lead-to-order.yaml", "credit-check.yaml",
                   "support-ticket.yaml", "calendars.yaml", "users.yaml"):
        assert needed in names


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.name for p in EXAMPLE_FILES])
def test_example_validates(path):
    text = path.read_text(encoding="utf-8")
    kind = kind_of(yaml12.load(text))
    assert kind, f"{path.name}: not a process, calendars, users or scenario file"
    schema_name = SCHEMA_FILES[kind].name
    first = text.splitlines()[0]
    up = "../" * len(path.relative_to(EXAMPLES).parts)
    assert first == f"# yaml-language-server: $schema={up}schemas/{schema_name}", \
        f"{path.name} must start with the yaml-language-server comment for {schema_name}"
    assert_valid(kind, yaml12.load(text), path.name)


@pytest.mark.parametrize("path", DEFINITION_FILES, ids=[p.name for p in DEFINITION_FILES])
def test_valid_definition_validates(path):
    assert_valid("process", yaml12.load_file(path), str(path.relative_to(ROOT)))


@pytest.mark.parametrize("path", SCENARIO_FILES,
                         ids=[str(p.relative_to(ROOT)) for p in SCENARIO_FILES])
def test_scenario_file_validates(path):
    assert_valid("scenario", yaml12.load_file(path), str(path.relative_to(ROOT)))


def _spec_yaml_blocks(name):
    path = SPEC / name
    if not path.exists():
        pytest.skip(f"{path} is not beside the repository")
    return re.findall(r"```yaml\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def test_process_language_spec_example_validates():
    blocks = _spec_yaml_blocks("process-language.md")
    assert blocks
    assert_valid("process", yaml12.load(blocks[0]), "the example of process-language.md")


def test_scenario_format_spec_example_validates():
    blocks = _spec_yaml_blocks("scenario-format.md")
    assert blocks
    assert_valid("scenario", yaml12.load(blocks[0]), "the example of scenario-format.md")


def test_examples_use_every_step_type_and_feature():
    """The examples are the language's showcase: every step type and feature appears."""
    processes = [yaml12.load_file(p) for p in EXAMPLE_FILES]
    processes = [d for d in processes if kind_of(d) == "process"]
    steps, top = [], set()

    def collect(step_list):
        for s in step_list:
            steps.append(s)
            collect(s.get("steps", []))
    for d in processes:
        top |= set(d)
        collect(d["steps"])
    types = {s["type"] for s in steps}
    assert types == {"start", "user", "service", "send", "set", "wait", "exclusive", "parallel",
                     "inclusive", "event", "subprocess", "call", "end"}
    fields = set().union(*(set(s) for s in steps))
    for f in ("assignee", "candidates", "form", "due", "priority", "alarms", "handler", "input",
              "output", "retries", "retry_backoff", "set", "timer", "message", "signal", "process",
              "version", "terminate", "error", "boundary", "for_each", "as", "parallel",
              "complete_when", "collect", "notify", "progress", "description", "calendar"):
        assert f in fields, f"no example step uses {f}"
    for f in ("variables", "templates", "calendar", "triggers", "version", "description"):
        assert f in top, f"no example process uses {f}"
    trigger_kinds = {k for d in processes for t in d.get("triggers", []) for k in t}
    assert {"timer", "cron", "message"} <= trigger_kinds
    alarms = [a for s in steps for a in s.get("alarms", [])]
    assert {"after", "before_due", "at_due", "overdue", "every", "times"} <= set().union(*alarms)
    escalations = set().union(*(a["escalate"] for a in alarms if "escalate" in a))
    assert {"assignee", "groups", "priority"} <= escalations
    boundaries = [b for s in steps for b in s.get("boundary", [])]
    timers = [b["timer"] for b in boundaries if "timer" in b]
    assert any(isinstance(t, str) for t in timers)
    assert {"cycle", "date"} <= {k for t in timers if isinstance(t, dict) for k in t}
    assert any("message" in b for b in boundaries) and any(b.get("error") == "*" for b in boundaries)
    assert any(b.get("interrupting") is False for b in boundaries)
    notes = [n for s in steps for n in s.get("notify", [])]
    assert {"enter", "complete", "timeout"} <= {n.get("on", "enter") for n in notes}
    assert {"assignee", "candidates", "initiator"} <= {n["to"] for n in notes} | {
        n["to"] for a in alarms if "notify" in a for n in
        (a["notify"] if isinstance(a["notify"], list) else [a["notify"]])}
    assert any("subject" in n for n in notes) and any("template" in n for n in notes)
    nexts = [s["next"] for s in steps if "next" in s]
    assert any(isinstance(n, str) for n in nexts)
    assert any(isinstance(n, list) and all(isinstance(x, str) for x in n) for n in nexts)
    assert any(isinstance(n, list) and any(isinstance(x, dict) and x.get("default") for x in n)
               for n in nexts)
    wait_timers = [s["timer"] for s in steps if s["type"] == "wait" and "timer" in s]
    assert any(isinstance(t, str) for t in wait_timers)
    assert {"duration", "date"} <= {k for t in wait_timers if isinstance(t, dict) for k in t}
    templates = [t for d in processes for t in d.get("templates", {}).values()]
    assert any(isinstance(t, dict) and "email" in t and "sms" in t for t in templates)


# ---------------------------------------------------------------------------------------------
# Documents that must be rejected. Each starts from a small valid process and breaks one thing.

BASE = yaml12.load("""
process: demo
steps:
  - id: ask
    type: user
    candidates: {groups: [sales]}
    due: PT4H
    notify: [{on: complete, channel: sms, to: "{{ customer.phone }}", text: "Done."}]
  - id: done
    type: end
""")


def test_base_document_is_valid():
    assert_valid("process", BASE, "the base document")


def with_change(change):
    doc = copy.deepcopy(BASE)
    change(doc)
    return doc


def set_in(path, value):
    def change(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return change


def parse_step(text):
    def change(doc):
        doc["steps"].insert(1, yaml12.load(text))
    return change


REJECTED = [
    # (name, change, a fragment of the expected message)
    ("unknown process field", set_in(["proces"], "x"), "Additional properties"),
    ("unknown step field", set_in(["steps", 0, "assigne"], "ali"), "'assigne' was unexpected"),
    ("field of another step type", set_in(["steps", 1, "handler"], "x"), "'handler' was unexpected"),
    ("unknown step type", set_in(["steps", 0, "type"], "usr"), "is not one of"),
    ("step without type", lambda d: d["steps"][0].pop("type"), "'type' is a required property"),
    ("step without id", lambda d: d["steps"][0].pop("id"), "'id' is a required property"),
    ("duration without P", set_in(["steps", 0, "due"], "4H"), "does not match"),
    ("duration with no parts", set_in(["steps", 0, "due"], "PT"), "does not match"),
    ("hours outside the time part", set_in(["steps", 0, "due"], "P4H"), "does not match"),
    ("bare P", set_in(["steps", 0, "due"], "P"), "does not match"),
    ("process id with capitals", set_in(["process"], "Phone-Repair"), "does not match"),
    ("process id starting with -", set_in(["process"], "-repair"), "does not match"),
    ("process id too long", set_in(["process"], "a" * 65), "is too long"),
    ("missing steps", lambda d: d.pop("steps"), "'steps' is a required property"),
    ("empty steps", set_in(["steps"], []), "is too short"),
    ("missing process", lambda d: d.pop("process"), "'process' is a required property"),
    ("version not an integer", set_in(["version"], "1"), "is not of type 'integer'"),
    ("progress over 100", set_in(["steps", 0, "progress"], 101), "greater than the maximum"),
    ("priority below 0", set_in(["steps", 0, "priority"], -1), "less than the minimum"),
    ("yes is text, not a boolean", parse_step(
        "{id: f, type: user, form: [{name: x, type: string, required: yes}]}"),
     "'yes' is not of type 'boolean'"),
    ("unknown form field type", parse_step(
        "{id: f, type: user, form: [{name: x, type: str}]}"), "is not one of"),
    ("unknown notify trigger", set_in(["steps", 0, "notify", 0, "on"], "exit"), "is not one of"),
    ("notify with text and template", set_in(["steps", 0, "notify", 0, "template"], "t"),
     "False schema"),
    ("notify with subject and no body", set_in(["steps", 0, "notify", 0],
                                               {"channel": "email", "to": "a@b.c", "subject": "s"}),
     "'body' is a dependency of 'subject'"),
    ("notify without content", set_in(["steps", 0, "notify", 0], {"channel": "sms", "to": "x"}),
     "is not valid under any of the given schemas"),
    ("notify without channel", lambda d: d["steps"][0]["notify"][0].pop("channel"),
     "'channel' is a required property"),
    ("list of ids on a user step", set_in(["steps", 0, "next"], ["done"]), "is not of type 'object'"),
    ("branch with when and default", set_in(["steps", 0, "next"], [
        {"to": "done", "when": "x", "default": True}]), "is valid under each of"),
    ("default: false", set_in(["steps", 0, "next"], [{"to": "done", "default": False}]),
     "True was expected"),
    ("branch without to", set_in(["steps", 0, "next"], [{"when": "x"}]),
     "'to' is a required property"),
    ("branches on a parallel gateway", parse_step(
        "{id: p, type: parallel, next: [{to: done, when: x}]}"), "is not of type 'string'"),
    ("wait with timer and message", parse_step(
        "{id: w, type: wait, timer: P1D, message: {name: m}}"), "is valid under each of"),
    ("wait with nothing to wait for", parse_step("{id: w, type: wait}"),
     "is not valid under any of the given schemas"),
    ("cycle on a wait timer", parse_step("{id: w, type: wait, timer: {cycle: R3/P1D}}"),
     "is not valid under any of the given schemas"),
    ("boundary on a message wait", parse_step(
        "{id: w, type: wait, message: {name: m}, boundary: [{timer: P1D, next: done}]}"),
     "'timer' is a required property"),
    ("boundary on a send step", parse_step(
        "{id: s, type: send, boundary: [{timer: P1D, next: done}]}"), "'boundary' was unexpected"),
    ("cycle on an interrupting boundary", set_in(["steps", 0, "boundary"], [
        {"timer": {"cycle": "R3/P1D"}, "next": "done"}]), "'interrupting' is a required property"),
    ("non-interrupting error boundary", set_in(["steps", 0, "boundary"], [
        {"error": "X", "interrupting": False, "next": "done"}]), "True was expected"),
    ("boundary with timer and error", set_in(["steps", 0, "boundary"], [
        {"timer": "P1D", "error": "X", "next": "done"}]), "is valid under each of"),
    ("boundary without next", set_in(["steps", 0, "boundary"], [{"timer": "P1D"}]),
     "'next' is a required property"),
    ("bad cycle", set_in(["steps", 0, "boundary"], [
        {"timer": {"cycle": "3/P1D"}, "interrupting": False, "next": "done"}]), "does not match"),
    ("alarm with two moments", set_in(["steps", 0, "alarms"], [
        {"after": "PT1H", "at_due": True, "escalate": {"priority": 80}}]), "is valid under each of"),
    ("alarm that does nothing", set_in(["steps", 0, "alarms"], [{"after": "PT1H"}]),
     "is not valid under any of the given schemas"),
    ("alarm repeated without every", set_in(["steps", 0, "alarms"], [
        {"overdue": True, "times": 3, "escalate": {"priority": 80}}]), "'every' is a required property"),
    ("at_due: false", set_in(["steps", 0, "alarms"], [
        {"at_due": False, "escalate": {"priority": 80}}]), "True was expected"),
    ("empty escalation", set_in(["steps", 0, "alarms"], [{"overdue": True, "escalate": {}}]),
     "does not have enough properties"),
    ("alarms on a service step", parse_step(
        "{id: s, type: service, handler: h, alarms: [{after: PT1H, escalate: {priority: 1}}]}"),
     "'alarms' was unexpected"),
    ("service without handler", parse_step("{id: s, type: service}"),
     "'handler' is a required property"),
    ("negative retries", parse_step("{id: s, type: service, handler: h, retries: -1}"),
     "less than the minimum"),
    ("call without process", parse_step("{id: c, type: call}"), "'process' is a required property"),
    ("subprocess without steps", parse_step("{id: s, type: subprocess}"),
     "'steps' is a required property"),
    ("bad step inside a subprocess", parse_step(
        "{id: s, type: subprocess, steps: [{id: x, type: user, handler: h}]}"),
     "'handler' was unexpected"),
    ("as without for_each", parse_step("{id: r, type: user, as: reviewer}"),
     "'for_each' is a dependency of 'as'"),
    ("for_each on a send step", parse_step("{id: s, type: send, for_each: items}"),
     "'for_each' was unexpected"),
    ("collect without into", parse_step(
        "{id: r, type: user, for_each: items, collect: {value: x}}"), "'into' is a required property"),
    ("end with terminate and error", parse_step("{id: e, type: end, terminate: true, error: X}"),
     "should not be valid"),
    ("end throwing *", parse_step("{id: e, type: end, error: '*'}"), "should not be valid"),
    ("trigger with four cron fields", set_in(["triggers"], [{"cron": "0 9 * *"}]), "does not match"),
    ("timezone without cron", set_in(["triggers"], [{"message": "m", "timezone": "UTC"}]),
     "'cron' is a dependency of 'timezone'"),
    ("timer trigger with a duration", set_in(["triggers"], [{"timer": {"duration": "P1D"}}]),
     "'cycle' is a required property"),
    ("unknown variable type", set_in(["variables"], {"x": {"type": "str"}}), "is not one of"),
    ("template email without body", set_in(["templates"], {"t": {"email": {"subject": "s"}}}),
     "'body' is a required property"),
    ("wait date that is not a datetime", parse_step(
        "{id: w, type: wait, timer: {date: tomorrow}}"), "is not valid under any of"),
    ("next on an end step", set_in(["steps", 1, "next"], "ask"), "'next' was unexpected"),
    ("on: timeout without a boundary timer", set_in(["steps", 0, "notify", 0, "on"], "timeout"),
     "'boundary' is a required property"),
    ("on: timeout with only a message boundary", lambda d: (
        d["steps"][0]["notify"][0].update(on="timeout"),
        d["steps"][0].update(boundary=[{"message": {"name": "m"}, "next": "done"}])),
     "are valid under the given schema"),
    ("set step without set", parse_step("{id: s, type: set}"), "'set' is a required property"),
    ("version 0", set_in(["version"], 0), "less than the minimum"),
    ("collect without value", parse_step(
        "{id: r, type: user, for_each: items, collect: {into: x}}"), "'value' is a required property"),
    ("fraction on days", set_in(["steps", 0, "due"], "P1.5D"), "does not match"),
    ("due that is neither a duration nor an expression", set_in(["steps", 0, "due"], "tomorrow"),
     "is not valid under any of"),
]


@pytest.mark.parametrize("name,change,expected", REJECTED, ids=[r[0] for r in REJECTED])
def test_schema_rejects(name, change, expected):
    found = problems("process", with_change(change))
    assert found, f"{name}: the schema accepted it"
    assert any(expected in p for p in found), f"{name}: expected {expected!r} among:\n" + \
        "\n".join(found)


ACCEPTED = [
    ("every step type, minimal", """
process: minimal.steps_1
steps:
  - {id: s, type: start}
  - {id: u, type: user}
  - {id: sv, type: service, handler: h}
  - {id: sd, type: send}
  - {id: st, type: set, set: {a: 1, b: "= a + 1"}}
  - {id: w1, type: wait, timer: PT1M}
  - {id: w2, type: wait, timer: {date: "2026-03-21T08:00:00+03:30"}}
  - {id: w3, type: wait, timer: {date: "= now() + duration(\\"P1D\\")"}}
  - {id: w4, type: wait, signal: go}
  - {id: x, type: exclusive, next: [{to: p, when: "a > 1"}, {to: p, default: true}]}
  - {id: p, type: parallel, next: [i, ev]}
  - {id: i, type: inclusive, next: [sp]}
  - {id: ev, type: event, next: w5}
  - {id: w5, type: wait, message: {name: m}}
  - {id: sp, type: subprocess, steps: [{id: in, type: end}]}
  - {id: c, type: call, process: other, version: 2, input: {a: 1}, output: {b: "= result.b"}}
  - {id: e, type: end, terminate: true}
"""),
    ("durations", """
process: d
steps:
  - {id: a, type: user, due: P1Y2M10DT2H30M}
  - {id: b, type: user, due: P3W}
  - {id: c, type: user, due: PT0.5S}
  - {id: c2, type: user, due: PT1.5H}
  - {id: d, type: user, due: "= task.due"}
  - {id: e, type: service, handler: h, retry_backoff: PT10S, due: P1D}
"""),
    ("cycles", """
process: c
triggers:
  - timer: {cycle: R3/2026-01-03T09:00:00+03:30/P1D}
  - timer: {cycle: R/P1D}
  - timer: {cycle: R/2026-01-03T09:00:00Z/2026-01-04T09:00:00Z}
  - {cron: "*/15 8-16 * * 1-5", timezone: Europe/Berlin}
  - {cron: "0 9 * * 6"}
steps:
  - id: u
    type: user
    boundary:
      - {timer: {cycle: R6/P1D}, interrupting: false, next: x}
      - {timer: {duration: P3D}, next: x}
      - {timer: {date: 2026-03-21T08:00:00}, next: x}
      - {message: {name: m, key: "{{ case.key }}"}, interrupting: false, next: x}
      - {error: "*", interrupting: true, next: x}
  - {id: x, type: end}
"""),
    ("alarms and notifications", """
process: n
templates:
  plain: "Hi {{ name }}"
  both: {sms: "hi", email: {subject: s, body: b}}
  sms-only: {sms: "hi"}
steps:
  - id: u
    type: user
    assignee: "{{ owner }}"
    alarms:
      - {after: PT1H, notify: {channel: sms, to: assignee, template: plain}}
      - {before_due: PT1H, notify: [{channel: email, to: candidates, subject: s, body: b}]}
      - {at_due: true, escalate: {assignee: boss}}
      - {overdue: true, every: PT1H, escalate: {groups: [sup], priority: 100}}
      - {overdue: true, times: 1, escalate: {priority: 90}}
    notify:
      - {channel: webhook, to: "https://hooks.example/x", text: "{{ case.id }}"}
      - {on: timeout, channel: sms, to: initiator, template: both}
    boundary:
      - {timer: {date: 2026-03-21}, interrupting: false, next: late}
  - {id: late, type: end}
"""),
    ("multi-instance", """
process: mi
steps:
  - id: r
    type: call
    process: review
    for_each: "reviewers"
    as: reviewer
    parallel: false
    complete_when: "completed >= 2"
    collect: {into: scores, value: "= score"}
"""),
    ("variables", """
process: v
variables:
  a: {type: string, required: true, description: x}
  b: {type: integer, default: 3}
  c: {type: list, default: [1, 2]}
  d: {default: "= today()"}
steps: [{id: s, type: start}]
"""),
]


@pytest.mark.parametrize("name,text", ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_schema_accepts(name, text):
    assert_valid("process", yaml12.load(text), name)


# ---------------------------------------------------------------------------------------------
# Calendars, users and scenarios

CALENDAR = {"calendars": {"office": {"timezone": "Asia/Tehran", "week": ["sat", "sun"],
                                     "hours": "08:00-16:00", "holidays": ["2026-03-21"]}}}


@pytest.mark.parametrize("name,change,expected", [
    ("full weekday name", set_in(["calendars", "office", "week"], ["saturday"]), "is not one of"),
    ("hours without minutes", set_in(["calendars", "office", "hours"], "8-16"), "does not match"),
    ("holiday read as a date", set_in(["calendars", "office", "holidays"], ["21/03/2026"]),
     "does not match"),
    ("unknown calendar field", set_in(["calendars", "office", "breaks"], "12:00-13:00"),
     "'breaks' was unexpected"),
    ("missing timezone", lambda d: d["calendars"]["office"].pop("timezone"),
     "'timezone' is a required property"),
    ("repeated day", set_in(["calendars", "office", "week"], ["sat", "sat"]), "non-unique"),
])
def test_calendars_schema_rejects(name, change, expected):
    doc = copy.deepcopy(CALENDAR)
    change(doc)
    found = problems("calendars", doc)
    assert any(expected in p for p in found), f"{name}: expected {expected!r} among {found}"


def test_calendars_schema_accepts_base():
    assert_valid("calendars", CALENDAR, "the base calendar")


def test_users_schema():
    assert_valid("users", yaml12.load(
        "users:\n  ali: {groups: [reception], sms: '+989120000001', telegram: '@ali'}\n"), "users")
    assert any("is not of type 'string'" in p for p in problems(
        "users", yaml12.load("users:\n  ali: {sms: 9120000001}\n")))
    assert any("is not of type 'array'" in p for p in problems(
        "users", yaml12.load("users:\n  ali: {groups: reception}\n")))


SCENARIO = yaml12.load("""
processes: [../examples/phone-repair.yaml]
users: {ali: {groups: [reception]}}
handlers:
  ok: {returns: {a: 1}}
  flaky: {fail: 2, error: TIMEOUT, then: {returns: {ok: true}}}
scenarios:
  - name: s
    do:
      - {start: phone-repair, key: R-1, vars: {x: 1}, as: first}
      - {complete: reception, by: ali, vars: {device: A52}, case: first, task: 1}
      - {advance: PT2H}
      - {at: "2026-01-04T09:00:00+03:30"}
      - {message: customer-reply, key: R-1, vars: {reply: "yes"}}
      - {signal: release-deployed}
      - {claim: repair, by: sara}
      - {delegate: repair, by: sara, to: omid}
      - {retry: repair, vars: {x: 2}}
      - {cancel: true, reason: test}
      - {deploy: ../examples/lead-to-order.yaml}
      - {expect_error: {complete: fix, by: omid, code: not_authorized}}
      - expect:
          status: completed
          active: [repair]
          tasks: [{step: repair, groups: [technicians], priority: 50}]
          worklist: {user: ali, steps: [reception]}
          sent: [{channel: sms, contains: received}]
          sent_count: 3
          incident: {step: repair, contains: failed}
          cases: {process: phone-repair, status: active, count: 1}
          history: [{event: task_created, step: repair}]
""")


def test_scenario_schema_accepts_every_action():
    assert_valid("scenario", SCENARIO, "the scenario")


@pytest.mark.parametrize("name,action,expected", [
    ("unknown action", {"finish": "repair"}, "is not valid under any of"),
    ("field of another action", {"start": "p", "task": 1}, "is not one of"),
    ("two actions in one item", {"start": "p", "complete": "x"}, "is not one of"),
    ("expect_error without code", {"expect_error": {"complete": "x"}}, "'code' is a required"),
    ("unknown error code", {"expect_error": {"complete": "x", "code": "denied"}}, "is not one of"),
    ("unknown expectation", {"expect": {"state": "done"}}, "'state' was unexpected"),
    ("unknown history event", {"expect": {"history": [{"event": "task_done"}]}}, "is not one of"),
    ("bad duration", {"advance": "2 hours"}, "does not match"),
])
def test_scenario_schema_rejects(name, action, expected):
    doc = copy.deepcopy(SCENARIO)
    doc["scenarios"][0]["do"].append(action)
    found = problems("scenario", doc)
    assert any(expected in p for p in found), f"{name}: expected {expected!r} among {found}"


def test_scenario_inline_process_is_checked():
    doc = copy.deepcopy(SCENARIO)
    doc["processes"].append({"process": "Bad Id", "steps": [{"id": "a", "type": "start"}]})
    assert any("does not match" in p for p in problems("scenario", doc))


# ---------------------------------------------------------------------------------------------
# The examples obey the graph rules too (a guard until `crmflow validate` runs them in CTest):
# unique ids, every `next` naming a step of the same scope, every step reachable from the first,
# an end reachable from every step, an event gateway racing only wait steps.


def _targets(step):
    nxt = step.get("next")
    out = []
    if isinstance(nxt, str):
        out.append(nxt)
    elif isinstance(nxt, list):
        out.extend(x if isinstance(x, str) else x["to"] for x in nxt)
    out.extend(b["next"] for b in step.get("boundary", []))
    return out


def graph_problems(document):
    found, seen = [], set()

    def check_scope(steps, where):
        by_id = {}
        for s in steps:
            if s["id"] in seen:
                found.append(f"{where}: duplicate id {s['id']}")
            seen.add(s["id"])
            by_id[s["id"]] = s
        edges, ends = {}, set()
        for i, s in enumerate(steps):
            targets = _targets(s)
            if s["type"] == "end":
                ends.add(s["id"])
            elif "next" not in s:
                if i + 1 < len(steps):
                    targets = [steps[i + 1]["id"]] + targets
                else:
                    ends.add(s["id"])  # after the last step the branch ends
            for t in targets:
                if t not in by_id:
                    found.append(f"{where}: {s['id']} names {t}, not a step of this scope")
            edges[s["id"]] = [t for t in targets if t in by_id]
            if s["type"] == "event":
                for t in edges[s["id"]]:
                    if by_id[t]["type"] != "wait":
                        found.append(f"{where}: event gateway {s['id']} races {t}, not a wait step")
            if s["type"] == "subprocess":
                check_scope(s["steps"], f"{where}/{s['id']}")
        reached, todo = set(), [steps[0]["id"]]
        while todo:
            n = todo.pop()
            if n not in reached:
                reached.add(n)
                todo.extend(edges[n])
        for s in steps:
            if s["id"] not in reached:
                found.append(f"{where}: {s['id']} cannot be reached from {steps[0]['id']}")
        can_end = set(ends)
        changed = True
        while changed:
            changed = False
            for n, ts in edges.items():
                if n not in can_end and any(t in can_end for t in ts):
                    can_end.add(n)
                    changed = True
        for s in steps:
            if s["id"] not in can_end:
                found.append(f"{where}: no end can be reached from {s['id']}")

    check_scope(document["steps"], document["process"])
    return found


PROCESS_EXAMPLES = [p for p in EXAMPLE_FILES if kind_of(yaml12.load_file(p)) == "process"]


@pytest.mark.parametrize("path", PROCESS_EXAMPLES, ids=[p.name for p in PROCESS_EXAMPLES])
def test_example_graph(path):
    assert graph_problems(yaml12.load_file(path)) == []


def test_graph_check_finds_problems():
    doc = yaml12.load("""
process: g
steps:
  - {id: a, type: event, next: [b, c]}
  - {id: b, type: wait, signal: s, next: a}
  - {id: c, type: user, next: nowhere}
  - {id: island, type: end}
""")
    found = graph_problems(doc)
    assert "g: event gateway a races c, not a wait step" in found
    assert "g: c names nowhere, not a step of this scope" in found
    assert "g: island cannot be reached from a" in found
    assert "g: no end can be reached from b" in found
