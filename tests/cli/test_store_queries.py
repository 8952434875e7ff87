"""The commands of `crmflow` that read cases (spec/cli.md; docs/cli-queries.md): tasks, cases,
show and history, in plain text and with --json.

Every test runs the real program against its own SQLite file in a temporary folder.
"""
import datetime
import json
import re
import unicodedata

import pytest

from cli_support import bad_usage, crmflow, later, quiet, refused

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")

# A repair: a reception task (Persian name, due from a variable), an SMS, then three branches
# that wait for a technician, a payment message and a timer, and a step that fails.
REPAIR = """\
process: repair
steps:
  - id: receive
    name: "دریافت گوشی {{ device }}"
    type: user
    candidates: {groups: [reception]}
    priority: 70
    due: "= deadline"
  - id: welcome
    type: send
    notify: [{channel: sms, to: "+989120000001", text: "گوشی شما رسید"}]
  - {id: fork, type: parallel, next: [diagnose, payment, cool-off]}
  - id: diagnose
    type: user
    candidates: {users: [omid], groups: [technicians]}
    due: P1D
    next: join
  - id: payment
    type: wait
    message: {name: payment-received, key: "{{ case.key }}"}
    next: join
  - {id: cool-off, type: wait, timer: PT1H, next: join}
  - {id: join, type: parallel}
  - {id: broken, type: set, set: {doubled: "= device * 2"}}
  - {id: done, type: end}
"""

USERS = """\
users:
  ali: {groups: [reception]}
  sara: {groups: [technicians]}
  omid: {groups: [technicians]}
"""

PAST = "2020-01-01T00:00:00Z"
FUTURE = "2999-01-01T00:00:00Z"


# Every successful query here also says nothing on stderr.
ok = quiet


def as_json(result):
    return json.loads(ok(result).stdout)


def moment(text):
    assert RFC3339.match(text), text
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def width(text):
    """Terminal columns: none for combining marks and format characters, two for wide ones."""
    total = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) == "Cf":
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def column_of(line, field):
    """The display column where `field` starts in `line`."""
    at = line.index(field)
    return width(line[:at])


@pytest.fixture
def world(tmp_path):
    """A store with the repair process deployed and two cases: R-1 whose reception task is
    overdue, and R-2 whose task is due far in the future."""
    (tmp_path / "repair.yaml").write_text(REPAIR, encoding="utf-8")
    (tmp_path / "users.yaml").write_text(USERS, encoding="utf-8")
    common = ["--db", tmp_path / "crm.db", "--users", tmp_path / "users.yaml"]
    ok(crmflow("deploy", tmp_path / "repair.yaml", *common))
    first = int(ok(crmflow("start", "repair", "--key", "R-1", "--var", "device=A52",
                           "--var", f"deadline={PAST}", *common)).stdout)
    second = int(ok(crmflow("start", "repair", "--key", "R-2", "--var", "device=نوت ۱۰",
                            "--var", f"deadline={FUTURE}", *common)).stdout)
    return {"common": common, "first": first, "second": second}


def task_of(world, case, step):
    tasks = as_json(crmflow("tasks", "--case", case, "--json", *world["common"]))["tasks"]
    found = [t for t in tasks if t["step"] == step]
    assert len(found) == 1, tasks
    return found[0]


def past_reception(world):
    """Completes R-1's reception task: R-1 then waits in three branches."""
    task = task_of(world, world["first"], "receive")
    ok(crmflow("complete", task["id"], "--by", "ali", *world["common"]))


# ---- tasks ----

def test_tasks_json_lists_every_open_task_by_priority_then_due(world):
    tasks = as_json(crmflow("tasks", "--json", *world["common"]))["tasks"]
    assert [t["case"] for t in tasks] == [world["first"], world["second"]]  # earlier due first
    first = tasks[0]
    assert set(first) >= {"id", "case", "process", "step", "name", "assignee", "candidates",
                          "priority", "due", "created", "overdue"}
    assert first["process"] == "repair" and first["step"] == "receive"
    assert first["name"] == "دریافت گوشی A52"
    assert first["assignee"] is None
    assert first["candidates"] == {"users": [], "groups": ["reception"]}
    assert first["priority"] == 70
    assert first["due"] == PAST and first["overdue"] is True
    moment(first["created"])
    assert tasks[1]["due"] == FUTURE and tasks[1]["overdue"] is False

    past_reception(world)
    tasks = as_json(crmflow("tasks", "--json", *world["common"]))["tasks"]
    # R-2's reception (priority 70) before R-1's diagnosis (50), though that one is due sooner.
    assert [(t["case"], t["step"]) for t in tasks] == [(world["second"], "receive"),
                                                       (world["first"], "diagnose")]
    diagnose = tasks[1]
    assert diagnose["candidates"] == {"users": ["omid"], "groups": ["technicians"]}
    assert moment(diagnose["due"]) - moment(diagnose["created"]) == datetime.timedelta(days=1)


def test_tasks_filters_and_pages(world):
    common = world["common"]

    def cases_of(*options):
        tasks = as_json(crmflow("tasks", "--json", *options, *common))["tasks"]
        return [t["case"] for t in tasks]

    both = [world["first"], world["second"]]
    assert cases_of("--overdue") == [world["first"]]
    assert cases_of("--user", "ali") == both  # through the group reception
    assert cases_of("--user", "sara") == []
    assert cases_of("--group", "reception") == both
    assert cases_of("--group", "technicians") == []
    assert cases_of("--case", world["second"]) == [world["second"]]
    assert cases_of("--limit", 1) == [world["first"]]
    assert cases_of("--limit", 1, "--offset", 1) == [world["second"]]
    assert cases_of("--offset", 2) == []
    past_reception(world)
    assert cases_of("--user", "sara") == [world["first"]]  # diagnose, via technicians
    assert cases_of("--user", "omid", "--group", "technicians") == [world["first"]]
    claimed = task_of(world, world["first"], "diagnose")["id"]
    ok(crmflow("claim", claimed, "--by", "omid", *common))
    assert cases_of("--user", "sara") == []  # omid holds it now
    assert cases_of("--user", "omid") == [world["first"]]
    assert task_of(world, world["first"], "diagnose")["assignee"] == "omid"
    assert "omid (assigned)" in ok(crmflow("tasks", "--case", world["first"], *common)).stdout


def test_tasks_plain_is_a_table_aligned_by_display_width(world):
    out = ok(crmflow("tasks", *world["common"])).stdout
    lines = out.splitlines()
    header, rows = lines[0], lines[1:3]
    assert header.split() == ["TASK", "CASE", "PROCESS", "STEP", "NAME", "FOR", "PRIORITY", "DUE"]
    assert "دریافت گوشی A52" in rows[0] and "دریافت گوشی نوت ۱۰" in rows[1]
    for title, field in [("PROCESS", "repair"), ("NAME", "دریافت"), ("FOR", "group reception"),
                         ("PRIORITY", "70")]:
        for row in rows:
            assert column_of(row, field) == column_of(header, title), (title, row)
    assert column_of(rows[0], PAST) == column_of(rows[1], FUTURE) == column_of(header, "DUE")
    assert f"{PAST} (overdue)" in rows[0]
    assert rows[1].endswith(FUTURE)
    assert len(lines) == 3  # nothing pending in the outbox yet

    past_reception(world)
    out = ok(crmflow("tasks", "--case", world["first"], *world["common"])).stdout
    assert "user omid and group technicians" in out
    assert out.splitlines()[-1].startswith("1 notification pending in the outbox")

    # The outbox count is the store's (of the case with --case): R-1's SMS.
    out = ok(crmflow("tasks", "--user", "nobody", *world["common"])).stdout
    assert out.splitlines()[0] == "no open tasks"
    assert out.splitlines()[1].startswith("1 notification pending in the outbox")
    out = ok(crmflow("tasks", "--case", world["second"], *world["common"])).stdout
    assert "pending" not in out


def test_tasks_refusals_and_bad_usage(world):
    common = world["common"]
    refused(crmflow("tasks", "--case", 999, *common), "not_found")
    bad_usage(crmflow("tasks", "--case", "abc", *common))
    bad_usage(crmflow("tasks", "--limit", "-1", *common))
    bad_usage(crmflow("tasks", "--offset", "x", *common))
    bad_usage(crmflow("tasks", "extra", *common))


# ---- cases ----

def test_cases_json_filters_and_pages(world):
    common = world["common"]
    first, second = world["first"], world["second"]
    cases = as_json(crmflow("cases", "--json", *common))["cases"]
    assert [c["id"] for c in cases] == [first, second]
    c = cases[0]
    assert set(c) == {"id", "process", "version", "key", "status", "progress", "started_at",
                      "ended_at", "active"}
    assert (c["process"], c["version"], c["key"], c["status"]) == ("repair", 1, "R-1", "active")
    assert c["progress"] == 0 and c["ended_at"] is None and c["active"] == ["receive"]
    moment(c["started_at"])

    def ids(*options):
        return [c["id"] for c in as_json(crmflow("cases", "--json", *options, *common))["cases"]]

    assert ids("--key", "R-2") == [second]
    assert ids("--process", "repair", "--limit", 1, "--offset", 1) == [second]
    assert ids("--process", "other") == []
    assert ids("--status", "active") == [first, second]
    ok(crmflow("cancel", second, *common))
    assert ids("--status", "cancelled") == [second]
    ended = as_json(crmflow("cases", "--key", "R-2", "--json", *common))["cases"][0]
    assert ended["status"] == "cancelled" and ended["active"] == []
    assert moment(ended["ended_at"]) >= moment(ended["started_at"])

    past_reception(world)
    active = as_json(crmflow("cases", "--key", "R-1", "--json", *common))["cases"][0]["active"]
    assert active == ["cool-off", "diagnose", "payment"]


def test_cases_plain_and_bad_usage(world):
    common = world["common"]
    lines = ok(crmflow("cases", *common)).stdout.splitlines()
    assert lines[0].split() == ["CASE", "PROCESS", "VERSION", "KEY", "STATUS", "PROGRESS",
                                "STARTED", "ENDED", "ACTIVE"]
    assert len(lines) == 3
    assert lines[1].split()[:6] == [str(world["first"]), "repair", "v1", "R-1", "active", "0%"]
    assert lines[1].endswith("receive")
    assert column_of(lines[2], "R-2") == column_of(lines[0], "KEY")
    assert ok(crmflow("cases", "--key", "none", *common)).stdout == "no cases\n"
    bad_usage(crmflow("cases", "--status", "sleeping", *common))
    bad_usage(crmflow("cases", "--limit", "many", *common))


def test_a_byte_that_is_not_utf8_takes_one_column(world):
    """A key whose bytes are not UTF-8 (0xE4 opens a three-byte sequence that "AB" does not
    continue) takes one column per byte and does not shift the columns after it."""
    common = world["common"]
    key = "\udce4AB"  # the byte 0xE4 on the command line (surrogateescape), then "AB"
    ok(crmflow("start", "repair", "--key", key, "--var", "device=X", "--var",
               f"deadline={FUTURE}", *common))
    lines = ok(crmflow("cases", *common, errors="surrogateescape")).stdout.splitlines()
    assert len(lines) == 4 and key in lines[3], lines
    assert column_of(lines[3], "active") == column_of(lines[1], "active")
    assert column_of(lines[3], "active") == column_of(lines[0], "STATUS")


# ---- show ----

def test_show_json_says_what_each_active_step_waits_for(world):
    common = world["common"]
    first = world["first"]
    shown = as_json(crmflow("show", first, "--json", *common))
    assert shown["id"] == first and shown["status"] == "active" and shown["key"] == "R-1"
    assert [w["kind"] for w in shown["waiting"]] == ["task"]
    assert shown["waiting"][0]["due"] == PAST
    assert shown["incidents"] == [] and shown["pending_notifications"] == []

    past_reception(world)
    shown = as_json(crmflow("show", first, "--json", *common))
    assert shown["variables"]["device"] == "A52"
    assert shown["path"][:3] == ["receive", "welcome", "fork"]
    waits = {w["step"]: w for w in shown["waiting"]}
    assert set(waits) == {"diagnose", "payment", "cool-off"}
    task = waits["diagnose"]
    assert task["kind"] == "task" and task["assignee"] is None and task["boundary"] is False
    assert task["candidates"] == {"users": ["omid"], "groups": ["technicians"]}
    assert task["task"] == task_of(world, first, "diagnose")["id"]
    assert moment(task["due"]) - moment(task["since"]) == datetime.timedelta(days=1)
    message = waits["payment"]
    assert (message["kind"], message["name"], message["key"]) == (
        "message", "payment-received", "R-1")
    timer = waits["cool-off"]
    assert timer["kind"] == "timer"
    assert moment(timer["due"]) - moment(timer["since"]) == datetime.timedelta(hours=1)
    [sms] = shown["pending_notifications"]
    assert (sms["step"], sms["channel"], sms["to"], sms["text"]) == (
        "welcome", "sms", "+989120000001", "گوشی شما رسید")
    assert sms["idempotency_key"]


def test_show_plain_waits_incidents_and_pending_notifications(world):
    common = world["common"]
    first = world["first"]
    past_reception(world)
    task = task_of(world, first, "diagnose")["id"]
    out = ok(crmflow("show", first, *common)).stdout
    lines = out.splitlines()
    assert lines[0].startswith(f"case {first} (repair v1, key R-1): active, progress 0%, started ")
    assert lines[1] == "waiting:"
    waits = {line.split()[0]: line for line in lines[2:5]}
    assert set(waits) == {"diagnose", "payment", "cool-off"}
    assert re.search(rf"task {task} for users? omid and group technicians \(unclaimed\), due \S+Z,"
                     r" since \S+Z$", waits["diagnose"]), waits["diagnose"]
    assert re.search(r"message payment-received key R-1, since \S+Z$", waits["payment"])
    assert re.search(r"timer at \S+Z, since \S+Z$", waits["cool-off"])
    # The descriptions line up after the longest step id.
    assert len({column_of(line, line.split()[1]) for line in waits.values()}) == 1
    assert "pending notifications (delivered by `tick` and `run` given --channels):" in lines
    assert any("sms to +989120000001" in line and "گوشی شما رسید" in line for line in lines)

    ok(crmflow("message", "payment-received", "--key", "R-1", *common))
    ok(crmflow("claim", task, "--by", "sara", *common))
    out = ok(crmflow("show", first, *common)).stdout
    assert f"task {task} assigned to sara" in out
    assert "payment" not in out.split("pending notifications")[0].split("waiting:")[1]
    ok(crmflow("complete", task, "--by", "sara", *common))
    ok(crmflow("tick", "--now", later(2), *common))  # the timer fires; `broken` fails
    shown = as_json(crmflow("show", first, "--json", *common))
    assert shown["status"] == "incident"
    [incident] = shown["incidents"]
    assert incident["step"] == "broken" and "broken" in incident["message"]
    moment(incident["at"])
    [waiting] = shown["waiting"]
    assert (waiting["kind"], waiting["step"], waiting["message"]) == (
        "incident", "broken", incident["message"])
    out = ok(crmflow("show", first, *common)).stdout
    assert f"(crmflow retry {first} broken)" in out
    assert "incidents:" in out.splitlines()
    assert incident["message"] in out


def test_show_an_ended_case_and_refusals(world):
    common = world["common"]
    ok(crmflow("cancel", world["second"], *common))
    shown = as_json(crmflow("show", world["second"], "--json", *common))
    assert shown["status"] == "cancelled" and shown["waiting"] == []
    moment(shown["ended_at"])
    out = ok(crmflow("show", world["second"], *common)).stdout
    assert ", ended " in out.splitlines()[0]
    assert "waiting: nothing" in out.splitlines()
    refused(crmflow("show", 999, *common), "not_found")
    bad_usage(crmflow("show", "R-1", *common))
    bad_usage(crmflow("show", *common))
    error = crmflow("show", 999, "--json", *common)
    assert error.returncode == 1 and error.stdout == ""
    assert json.loads(error.stderr)["error"]["code"] == "not_found"


# ---- history ----

def test_history_json_and_plain(world):
    common = world["common"]
    first = world["first"]
    past_reception(world)
    events = as_json(crmflow("history", first, "--json", *common))["events"]
    assert events[0]["event"] == "case_started"
    for e in events:
        assert set(e) == {"at", "event", "step", "task", "by", "data"}
        moment(e["at"])
    assert events[0]["step"] is None and events[0]["task"] is None
    created = next(e for e in events if e["event"] == "task_created")
    completed = next(e for e in events if e["event"] == "task_completed")
    assert created["step"] == completed["step"] == "receive"
    assert created["task"] == completed["task"] and isinstance(created["task"], int)
    assert completed["by"] == "ali" and created["by"] is None
    queued = next(e for e in events if e["event"] == "notification_queued")
    assert queued["step"] == "welcome" and isinstance(queued["data"], dict)

    lines = ok(crmflow("history", first, *common)).stdout.splitlines()
    assert lines[0].split() == ["AT", "EVENT", "STEP", "TASK", "BY", "DATA"]
    assert len(lines) == len(events) + 1
    row = next(line for line in lines if " task_completed " in line)
    assert row.split()[1:5] == ["task_completed", "receive", str(completed["task"]), "ali"]
    assert column_of(row, "receive") == column_of(lines[0], "STEP")
    refused(crmflow("history", 999, *common), "not_found")
    bad_usage(crmflow("history", "x", *common))
