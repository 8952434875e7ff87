"""The commands of `crmflow` that change cases (spec/cli.md, "Running flows against a store"):
deploy, start, claim, unclaim, delegate, complete, message, signal, cancel, retry and tick.

Every test runs the real program against a real SQLite file in its own temporary folder, and
reads the file back with Python's sqlite3 to see what the command did (or, for a refused
command, that it did nothing at all).
"""
import json
import re
import sqlite3

import pytest

from cli_support import SOURCE, bad_usage, crmflow, later, ok, refused, rows

# A small order process that passes through every kind of wait the commands reach.
ORDER = """\
process: order
variables:
  amount: {type: number, required: true}
  phone: {type: string}
  customer: {type: object}
steps:
  - id: review
    type: user
    candidates: {users: [ali, neda]}
    form:
      - {name: approved, type: boolean, required: true}
      - {name: code, type: string}
  - id: pack
    type: user
    candidates: {groups: [warehouse]}
  - id: pause
    type: wait
    timer: PT1H
  - id: payment
    type: wait
    message: {name: payment, key: "{{ case.key }}"}
  - id: go
    type: wait
    signal: go-live
  - id: sync
    type: service
    handler: crm-sync
    retries: 0
  - id: done
    type: end
"""

USERS = """\
users:
  ali: {groups: [sales]}
  neda: {groups: [sales]}
  sara: {groups: [warehouse], sms: "+989120000003"}
"""


@pytest.fixture
def order(tmp_path):
    path = tmp_path / "order.yaml"
    path.write_text(ORDER)
    return path


@pytest.fixture
def users(tmp_path):
    path = tmp_path / "users.yaml"
    path.write_text(USERS)
    return path


@pytest.fixture
def deployed(db, order):
    ok(crmflow("deploy", order, "--db", db))
    return db


def dump(db):
    with sqlite3.connect(db) as connection:
        return "\n".join(connection.iterdump())


def open_task(db, step):
    found = rows(db, "SELECT id FROM tasks WHERE step_id = ? AND status = 'open'", step)
    assert len(found) == 1, f"open tasks at {step}: {found}"
    return found[0][0]


def task_row(db, task):
    return rows(db, "SELECT status, assignee, completed_by FROM tasks WHERE id = ?", task)[0]


def case_row(db, case):
    status, variables = rows(db, "SELECT status, variables FROM cases WHERE id = ?", case)[0]
    return status, json.loads(variables)


def start(db, *more):
    return int(ok(crmflow("start", "order", "--key", "O-1", "--var", "amount=10", "--db", db,
                          *more)).stdout)


# ---- deploy ----

def test_deploy_prints_each_process_and_version(db, order):
    assert ok(crmflow("deploy", order, "--db", db)).stdout == "order version 1 (new)\n"
    assert ok(crmflow("deploy", order, "--db", db)).stdout == "order version 1 (unchanged)\n"
    order.write_text(ORDER.replace("PT1H", "PT2H"))
    assert ok(crmflow("deploy", order, "--db", db)).stdout == "order version 2 (new)\n"
    assert rows(db, "SELECT process_id, version FROM definitions ORDER BY version") == [
        ("order", 1), ("order", 2)]


def test_deploy_json_and_several_files(db, order):
    result = ok(crmflow("--json", "deploy", order, SOURCE / "examples/phone-repair.yaml",
                        "--db", db))
    assert json.loads(result.stdout) == {"deployed": [
        {"process": "order", "version": 1, "changed": True},
        {"process": "phone-repair", "version": 1, "changed": True}]}
    result = ok(crmflow("deploy", order, "--db", db, "--json"))
    assert json.loads(result.stdout) == {"deployed": [
        {"process": "order", "version": 1, "changed": False}]}


def test_deploy_checks_every_file_before_deploying_any(db, order, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("process: broken\nsteps:\n  - id: a\n    type: usr\n")
    result = crmflow("deploy", order, broken, "--db", db)
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines and all(re.match(rf"^{re.escape(str(broken))}:\d+:\d+: error: ", line)
                         for line in lines), result.stderr
    assert not db.exists() or rows(db, "SELECT count(*) FROM definitions") == [(0,)]

    result = crmflow("deploy", order, broken, "--db", db, "--json")
    assert result.returncode == 1 and result.stdout == ""
    error = json.loads(result.stderr)["error"]
    assert error["code"] == "invalid_input" and "nothing was deployed" in error["message"]
    assert error["diagnostics"] and all(d["file"] == str(broken) and d["line"] >= 1
                                        for d in error["diagnostics"])


def test_deploy_refuses_a_missing_file_and_one_process_twice(db, order, tmp_path):
    result = crmflow("deploy", order, tmp_path / "missing.yaml", "--db", db)
    assert result.returncode == 1 and "missing.yaml" in result.stderr
    copy = tmp_path / "copy.yaml"
    copy.write_text(ORDER.replace("PT1H", "PT3H"))
    result = crmflow("deploy", order, copy, "--db", db)
    assert result.returncode == 1
    assert f"{copy}: error: process 'order' is also given by {order}" in result.stderr
    assert not db.exists() or rows(db, "SELECT count(*) FROM definitions") == [(0,)]


def test_deploy_refuses_a_declared_version_older_than_the_latest(db, tmp_path):
    path = tmp_path / "other.yaml"
    path.write_text(ORDER.replace("process: order", "process: other\nversion: 5"))
    assert ok(crmflow("deploy", path, "--db", db)).stdout == "other version 5 (new)\n"
    path.write_text(ORDER.replace("process: order", "process: other\nversion: 4")
                    .replace("PT1H", "PT9H"))
    line = refused(crmflow("deploy", path, "--db", db), "conflict")
    assert "version 4 is older than the latest deployed version 5" in line


def test_deploy_refuses_a_declared_version_with_other_content(db, order, tmp_path):
    versioned = tmp_path / "versioned.yaml"
    versioned.write_text(ORDER.replace("process: order", "process: other\nversion: 3"))
    ok(crmflow("deploy", versioned, "--db", db))
    before = dump(db)
    versioned.write_text(ORDER.replace("process: order", "process: other\nversion: 3")
                         .replace("PT1H", "PT5H"))
    line = refused(crmflow("deploy", order, versioned, "--db", db), "conflict")
    assert "version 3 is already deployed with other content" in line
    assert dump(db) == before  # `order`, first on the line, was not deployed either


# ---- start ----

def test_start_prints_the_case_id(deployed):
    first = start(deployed)
    second = start(deployed)
    assert second > first > 0
    assert case_row(deployed, first) == ("active", {"amount": 10})


def test_start_json(deployed):
    result = ok(crmflow("start", "order", "--key", "O-7", "--var", "amount=5", "--json",
                        "--db", deployed))
    document = json.loads(result.stdout)
    assert set(document) == {"id", "process", "version", "key"}
    assert document["process"] == "order" and document["version"] == 1
    assert document["key"] == "O-7" and isinstance(document["id"], int)


def test_var_values_are_yaml_scalars_converted_to_declared_types(deployed, tmp_path):
    case = start(deployed, "--var", "customer.name=Reza", "--var", "customer.vip=true",
                 "--var", "customer.since=2026-02-02", "--var", "phone=09121234567",
                 "--var", "customer.note=a: b # c", "--var", "customer.code=\"0912\"",
                 "--var", "customer.none=")
    status, variables = case_row(deployed, case)
    assert variables == {"amount": 10, "phone": "09121234567", "customer": {
        "name": "Reza", "vip": True, "since": "2026-02-02", "note": "a: b # c", "code": "0912",
        "none": None}}
    # A later --var wins; a file gives the rest, and its declared text keeps its digits.
    values = tmp_path / "values.yaml"
    values.write_text("amount: 1\nphone: 09121234567\ncustomer: {name: Ali}\n")
    case = start(deployed, "--vars-file", values, "--var", "amount=2.5", "--var",
                 "customer.phone='0935'")
    assert case_row(deployed, case)[1] == {"amount": 2.5, "phone": "09121234567", "customer": {
        "name": "Ali", "phone": "0935"}}


def test_quoted_values_and_explicit_versions(deployed, tmp_path):
    case = start(deployed, "--var", "customer.a='it''s'",
                 "--var", 'customer.b="tab\\tand \\u00e9"', "--var", "customer.c=yes",
                 "--var", "customer.d=0x1F", "--var", "customer.e=1e3",
                 "--var", "customer.f==x", "--version", "1")
    assert case_row(deployed, case)[1]["customer"] == {
        "a": "it's", "b": "tab\tand \u00e9", "c": "yes", "d": 31, "e": 1000.0, "f": "=x"}
    values = tmp_path / "list.yaml"
    values.write_text("- amount\n")
    line = refused(crmflow("start", "order", "--vars-file", values, "--db", deployed),
                   "invalid_input")
    assert f"{values}:1:1: error: --vars-file: the file must be a map" in line
    line = refused(crmflow("start", "order", "--vars-file", tmp_path / "none.yaml", "--db",
                           deployed), "invalid_input")
    assert "none.yaml" in line


def test_start_refusals_change_nothing(deployed, tmp_path):
    before = dump(deployed)
    line = refused(crmflow("start", "nothing-here", "--db", deployed), "not_found")
    assert "nothing-here" in line
    line = refused(crmflow("start", "order", "--db", deployed), "invalid_input")
    assert "amount" in line
    line = refused(crmflow("start", "order", "--var", "amount=lots", "--db", deployed),
                   "invalid_input")
    assert "amount" in line and "number" in line
    refused(crmflow("start", "order", "--version", "9", "--var", "amount=1", "--db", deployed),
            "not_found")
    bad = tmp_path / "bad.yaml"
    bad.write_text("amount: 1\namount: 2\n")
    line = refused(crmflow("start", "order", "--vars-file", bad, "--db", deployed),
                   "invalid_input")
    assert f"{bad}:2:1: error:" in line
    assert dump(deployed) == before


def test_bad_usage_exits_2_and_changes_nothing(deployed):
    before = dump(deployed)
    assert "NAME=VALUE" in bad_usage(crmflow("start", "order", "--var", "amount", "--db",
                                             deployed))
    bad_usage(crmflow("start", "order", "--var", "=1", "--db", deployed))
    bad_usage(crmflow("start", "order", "--var", "a..b=1", "--db", deployed))
    bad_usage(crmflow("start", "order", "--var", "note=\"open", "--db", deployed))
    bad_usage(crmflow("start", "order", "--colour", "red", "--db", deployed))
    bad_usage(crmflow("start", "--db", deployed))
    bad_usage(crmflow("start", "order", "--version", "two", "--db", deployed))
    bad_usage(crmflow("claim", "seven", "--by", "ali", "--db", deployed))
    bad_usage(crmflow("claim", "1", "--db", deployed))
    bad_usage(crmflow("delegate", "1", "--by", "ali", "--db", deployed))
    bad_usage(crmflow("tick", "--now", "tomorrow", "--db", deployed))
    bad_usage(crmflow("cancel", "0", "--db", deployed))
    assert dump(deployed) == before


def test_bad_usage_is_found_before_the_store_is_opened(db):
    """spec/cli.md: bad usage exits 2; docs/cli.md: a malformed --var of any command that takes
    one is bad usage and nothing is opened, so no database file appears."""
    for var in ("x", "a.=1", ".a=1", "a..b=1", "note=\"open"):
        bad_usage(crmflow("start", "order", "--var", var, "--db", db))
        bad_usage(crmflow("complete", "1", "--by", "ali", "--var", var, "--db", db))
        bad_usage(crmflow("message", "payment", "--var", var, "--db", db))
        bad_usage(crmflow("signal", "go-live", "--var", var, "--db", db))
        bad_usage(crmflow("retry", "1", "sync", "--var", var, "--db", db))
    assert "unknown command 'frob'" in bad_usage(crmflow("frob", "--db", db))
    assert "'--key' needs a value" in bad_usage(crmflow("start", "order", "--db", db, "--key"))
    assert "unknown option '--colour'" in bad_usage(crmflow("tasks", "--colour", "--db", db))
    assert not db.exists()


def test_options_stand_before_or_after_the_command_word(deployed):
    result = ok(crmflow("--db", deployed, "--json", "start", "--var", "amount=1", "order"))
    assert json.loads(result.stdout)["process"] == "order"
    result = ok(crmflow("start", "order", "--json", "--var=amount=1", f"--db={deployed}"))
    assert json.loads(result.stdout)["process"] == "order"


def test_db_defaults_to_crmflow_db_in_the_current_folder(tmp_path, order):
    ok(crmflow("deploy", order, cwd=tmp_path))
    assert rows(tmp_path / "crmflow.db", "SELECT process_id FROM definitions") == [("order",)]


# ---- worklist operations ----

def test_claim_unclaim_delegate_complete(deployed, users):
    case = start(deployed)
    task = open_task(deployed, "review")
    common = ("--db", deployed, "--users", users)
    assert ok(crmflow("claim", task, "--by", "ali", *common)).stdout == \
        f"task {task}: claimed by ali\n"
    assert task_row(deployed, task) == ("open", "ali", "")
    assert ok(crmflow("unclaim", task, "--by", "ali", *common)).stdout == \
        f"task {task}: returned to its candidates\n"
    assert task_row(deployed, task) == ("open", "", "")
    assert ok(crmflow("delegate", task, "--by", "neda", "--to", "sara", *common)).stdout == \
        f"task {task}: delegated to sara by neda\n"
    assert task_row(deployed, task) == ("open", "sara", "")
    assert ok(crmflow("complete", task, "--by", "sara", "--var", "approved=true", "--var",
                      "code=007", *common)).stdout == f"task {task}: completed by sara\n"
    assert task_row(deployed, task) == ("completed", "sara", "sara")
    status, variables = case_row(deployed, case)
    assert status == "active" and variables["approved"] is True and variables["code"] == "007"
    # The next task is offered to a group: the users file says sara is in it.
    pack = open_task(deployed, "pack")
    ok(crmflow("complete", pack, "--by", "sara", *common))


def test_task_operations_json(deployed, users):
    case = start(deployed)
    task = open_task(deployed, "review")
    common = ("--db", deployed, "--users", users, "--json")
    assert json.loads(ok(crmflow("claim", task, "--by", "neda", *common)).stdout) == {
        "task": task, "case": case, "step": "review", "status": "open", "assignee": "neda"}
    assert json.loads(ok(crmflow("unclaim", task, "--by", "neda", *common)).stdout)[
        "assignee"] is None
    assert json.loads(ok(crmflow("complete", task, "--by", "ali", "--var", "approved=false",
                                 *common)).stdout) == {
        "task": task, "case": case, "step": "review", "status": "completed", "assignee": None}


def test_task_refusals_change_nothing(deployed, users):
    start(deployed)
    task = open_task(deployed, "review")
    common = ("--db", deployed, "--users", users)
    ok(crmflow("claim", task, "--by", "ali", *common))
    before = dump(deployed)
    line = refused(crmflow("complete", "999", "--by", "ali", "--var", "approved=true", *common),
                   "not_found")
    assert "999" in line
    line = refused(crmflow("complete", task, "--by", "neda", "--var", "approved=true", *common),
                   "not_authorized")
    assert "assigned to 'ali'" in line
    line = refused(crmflow("complete", task, "--by", "nobody", "--var", "approved=true",
                           *common), "not_authorized")
    assert "unknown to the directory" in line
    line = refused(crmflow("complete", task, "--by", "ali", *common), "invalid_input")
    assert "approved" in line
    line = refused(crmflow("complete", task, "--by", "ali", "--var", "approved=maybe", *common),
                   "invalid_input")
    assert "approved" in line and "boolean" in line
    refused(crmflow("claim", task, "--by", "neda", *common), "conflict")
    refused(crmflow("unclaim", task, "--by", "neda", *common), "not_authorized")
    refused(crmflow("delegate", task, "--by", "ali", "--to", "ghost", *common), "invalid_input")
    assert dump(deployed) == before
    ok(crmflow("complete", task, "--by", "ali", "--var", "approved=true", *common))
    before = dump(deployed)
    line = refused(crmflow("complete", task, "--by", "ali", "--var", "approved=true", *common),
                   "invalid_state")
    assert "completed" in line
    refused(crmflow("unclaim", task, "--by", "ali", *common), "invalid_state")
    assert dump(deployed) == before


def test_without_users_every_name_is_a_user_in_no_group(deployed, users):
    start(deployed)
    review = open_task(deployed, "review")
    refused(crmflow("claim", review, "--by", "sara", "--db", deployed), "not_authorized")
    ok(crmflow("complete", review, "--by", "ali", "--var", "approved=true", "--db", deployed))
    pack = open_task(deployed, "pack")
    line = refused(crmflow("claim", pack, "--by", "sara", "--db", deployed), "not_authorized")
    assert "pass --users FILE.yaml" in line
    assert task_row(deployed, pack) == ("open", "", "")
    # With the directory, sara is in the warehouse group; once she holds the task, the refusal of
    # someone else is about the assignee, not about groups.
    ok(crmflow("claim", pack, "--by", "sara", "--db", deployed, "--users", users))
    line = refused(crmflow("complete", pack, "--by", "neda", "--db", deployed), "not_authorized")
    assert "assigned to 'sara'" in line and "--users" not in line


def test_a_bad_users_file_is_refused_before_the_store_is_touched(db, order, tmp_path):
    bad = tmp_path / "users.yaml"
    bad.write_text("users:\n  ali: {groups: [sales, sales]}\n  neda: 3\n")
    line = refused(crmflow("deploy", order, "--db", db, "--users", bad), "invalid_input")
    assert f"{bad}:2:" in line and "listed twice" in line and "1 more problem" in line
    assert not db.exists()
    bare = tmp_path / "bare.yaml"
    bare.write_text("ali: {groups: [sales]}\n")
    ok(crmflow("deploy", order, "--db", db, "--users", bare))


def test_error_json_goes_to_stderr(deployed):
    result = crmflow("complete", "42", "--by", "ali", "--json", "--db", deployed)
    assert result.returncode == 1 and result.stdout == ""
    error = json.loads(result.stderr)["error"]
    assert error["code"] == "not_found" and set(error) == {"code", "message"}


# ---- events, tick, cancel, retry ----

def test_a_case_through_timer_message_signal_and_incident(deployed, users):
    case = start(deployed)
    common = ("--db", deployed, "--users", users)
    ok(crmflow("complete", open_task(deployed, "review"), "--by", "ali", "--var",
               "approved=true", *common))
    ok(crmflow("complete", open_task(deployed, "pack"), "--by", "sara", *common))

    # The timer is due an hour after the task was completed: not yet at half an hour.
    assert ok(crmflow("tick", "--now", later(0.5), *common)).stdout == "0 jobs fired\n"
    now = later(2)
    result = ok(crmflow("tick", "--now", now, "--json", *common))
    assert json.loads(result.stdout) == {"fired": 1, "now": now}
    before = dump(deployed)
    refused(crmflow("message", "payment", "--key", "O-2", *common), "not_found")
    assert dump(deployed) == before

    assert ok(crmflow("message", "payment", "--key", "O-1", "--var", "paid=1500", *common)
              ).stdout == f"message 'payment' reached case {case}\n"
    assert case_row(deployed, case)[1]["paid"] == 1500
    assert ok(crmflow("signal", "nobody-listens", *common)).stdout == \
        "signal 'nobody-listens' reached no case\n"
    result = ok(crmflow("signal", "go-live", "--json", *common))
    assert json.loads(result.stdout) == {"reached": [case]}

    # The service has no handler in the runner: it fails once and becomes an incident.
    before = dump(deployed)
    refused(crmflow("retry", case, "sync", *common), "invalid_state")
    refused(crmflow("retry", case, "no-such-step", *common), "not_found")
    assert dump(deployed) == before
    assert ok(crmflow("tick", *common)).stdout == "1 job fired\n"
    assert case_row(deployed, case)[0] == "incident"
    assert ok(crmflow("retry", case, "sync", "--var", "note=again", *common)).stdout == \
        f"case {case}: step 'sync' ran again\n"
    status, variables = case_row(deployed, case)
    assert status == "active" and variables["note"] == "again"

    result = ok(crmflow("cancel", case, "--reason", "customer left", "--json", *common))
    assert json.loads(result.stdout) == {"case": case, "process": "order", "status": "cancelled"}
    before = dump(deployed)
    refused(crmflow("cancel", case, *common), "invalid_state")
    refused(crmflow("cancel", "777", *common), "not_found")
    assert dump(deployed) == before


def test_cancel_plain(deployed):
    case = start(deployed)
    assert ok(crmflow("cancel", case, "--db", deployed)).stdout == f"case {case}: cancelled\n"
    assert case_row(deployed, case)[0] == "cancelled"
    assert rows(deployed, "SELECT status FROM tasks WHERE case_id = ?", case) == [("withdrawn",)]


def test_a_bad_channels_or_handlers_file_is_refused_before_anything_changes(deployed, tmp_path):
    channels = tmp_path / "channels.yaml"
    channels.write_text("audit: {type: file}\nsms:\n  type: htpp\n")
    before = dump(deployed)
    result = crmflow("tick", "--channels", channels, "--db", deployed)
    assert result.returncode == 1
    assert f"{channels}:1:8: error: channel 'audit': 'path' is required" in result.stderr
    assert "(and 1 more problem in the file)" in result.stderr
    channels.write_text("sms:\n  type: htpp\n")
    result = crmflow("tick", "--channels", channels, "--db", deployed)
    assert f"{channels}:2:9: error: channel 'sms': 'type' must be http, command or file" in result.stderr
    assert "did you mean 'http'" in result.stderr
    handlers = tmp_path / "handlers.yaml"
    handlers.write_text("quote: {type: file, path: x}\n")
    result = crmflow("tick", "--handlers", handlers, "--db", deployed)
    assert result.returncode == 1
    assert f"{handlers}:1:15: error: handler 'quote': 'type' must be http or command" in result.stderr
    assert dump(deployed) == before


def test_memory_store_for_single_commands(order):
    assert ok(crmflow("deploy", order, "--db", "memory:")).stdout == "order version 1 (new)\n"
    refused(crmflow("start", "order", "--db", "memory:"), "not_found")
    assert ok(crmflow("tick", "--db", "memory:")).stdout == "0 jobs fired\n"
    result = ok(crmflow("tick", "--db", "memory:", "--now", "2026-02-05T09:00:00+03:30", "--json"))
    assert json.loads(result.stdout) == {"fired": 0, "now": "2026-02-05T05:30:00Z"}


# ---- the walkthrough of docs/cli.md ----

def test_phone_repair_walkthrough(db):
    common = ("--db", db, "--users", SOURCE / "examples/settings/users.yaml",
              "--calendars", SOURCE / "examples/settings/calendars.yaml")
    ok(crmflow("deploy", SOURCE / "examples/phone-repair.yaml", *common))
    case = int(ok(crmflow("start", "phone-repair", "--key", "R-1001", "--by", "ali",
                          "--var", "customer.name=Reza", "--var",
                          "customer.phone=\"09121234567\"", *common)).stdout)
    steps = [("reception", "ali", ["device=A52", "fault=screen"]),
             ("diagnose", "sara", ["diagnosis=broken glass", "cost=1500000"]),
             ("repair", "sara", ["cost=1500000"]),
             ("deliver", "neda", ["paid=true", "payment_method=cash"])]
    for step, user, values in steps:
        task = open_task(db, step)
        ok(crmflow("claim", task, "--by", user, *common))
        ok(crmflow("complete", task, "--by", user, *[a for v in values for a in ("--var", v)],
                   *common))
    status, variables = case_row(db, case)
    assert status == "active" and variables["device"] == "A52"
    assert variables["customer"] == {"name": "Reza", "phone": "09121234567"}
    ok(crmflow("message", "survey-answer", "--key", "R-1001", "--var", "score=5", *common))
    status, variables = case_row(db, case)
    assert status == "completed" and variables["satisfaction"] == 5
    refused(crmflow("start", "phone-repair", "--by", "stranger", "--var", "customer.name=X",
                    *common), "not_authorized")
