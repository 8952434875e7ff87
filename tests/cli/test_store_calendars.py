"""`crmflow --calendars FILE` (spec/cli.md; docs/time.md, "Business time in the engine"): the
runner reads the calendars file, refuses a bad one at its line and column, refuses at deploy a
definition naming a calendar the file does not define, and gives the calendars to the engine so
that due dates count business time.

Every test runs the real program against a real SQLite file in its own temporary folder. The
commands read the system clock, so the due-date test uses a calendar whose only working time is
one minute a day (12:00-12:01 UTC): a due date of PT1M in business time always lies in that
minute, which plain time would not give.
"""
import datetime

import pytest

from cli_support import SOURCE, crmflow, ok, refused, rows

CALENDARS = """\
calendars:
  minute:
    timezone: UTC
    week: [sat, sun, mon, tue, wed, thu, fri]
    hours: "12:00-12:01"
"""

TICKET = """\
process: ticket
calendar: minute
steps:
  - id: answer
    type: user
    due: PT1M
  - id: done
    type: end
"""


@pytest.fixture
def calendars(tmp_path):
    path = tmp_path / "calendars.yaml"
    path.write_text(CALENDARS)
    return path


@pytest.fixture
def ticket(tmp_path):
    path = tmp_path / "ticket.yaml"
    path.write_text(TICKET)
    return path


def test_due_dates_count_business_time(db, calendars, ticket):
    ok(crmflow("deploy", ticket, "--db", db, "--calendars", calendars))
    before = datetime.datetime.now(datetime.timezone.utc)
    ok(crmflow("start", "ticket", "--db", db, "--calendars", calendars))
    (due_ms,) = rows(db, "SELECT due FROM tasks WHERE step_id = 'answer'")[0]
    due = datetime.datetime.fromtimestamp(due_ms / 1000, datetime.timezone.utc)
    # One working minute: the due moment lies in the day's working minute, at most a day away.
    assert datetime.time(12, 0) <= due.time() <= datetime.time(12, 1), due
    assert before < due <= before + datetime.timedelta(days=1, minutes=2), (before, due)


def test_without_calendars_the_case_needs_one(db, ticket):
    ok(crmflow("deploy", ticket, "--db", db))
    ok(crmflow("start", "ticket", "--db", db))
    assert rows(db, "SELECT status FROM cases") == [("incident",)]
    assert rows(db, "SELECT count(*) FROM tasks") == [(0,)]


def test_deploy_refuses_an_unknown_calendar(db, calendars, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(TICKET.replace("calendar: minute", "calendar: minutes"))
    result = crmflow("deploy", other, "--db", db, "--calendars", calendars)
    assert result.returncode == 1, result.stderr
    assert f"{other}:2:11: error: process: unknown calendar 'minutes'" in result.stderr
    assert "did you mean 'minute'?" in result.stderr
    assert result.stdout == ""
    assert not db.exists()


def test_a_wait_step_calendar_is_checked_at_deploy(db, calendars, tmp_path):
    waiting = tmp_path / "waiting.yaml"
    waiting.write_text("process: waiting\nsteps:\n  - {id: pause, type: wait, timer: P1D, "
                       "calendar: office}\n")
    result = crmflow("deploy", waiting, "--db", db, "--calendars", calendars)
    assert result.returncode == 1, result.stderr
    assert "unknown calendar 'office'" in result.stderr
    assert "the calendars are: minute" in result.stderr


def test_a_bad_calendars_file_is_refused_at_its_place(db, tmp_path, ticket):
    bad = tmp_path / "bad.yaml"
    bad.write_text("calendars:\n  office:\n    timezone: Asia/Teheran\n    week: [sat]\n"
                   "    hours: \"08:00-16:00\"\n")
    line = refused(crmflow("tasks", "--db", db, "--calendars", bad), "invalid_input")
    assert f"{bad}:3:15: error: calendar 'office': unknown time zone 'Asia/Teheran'" in line
    assert not db.exists()
    result = crmflow("deploy", ticket, "--db", db, "--calendars", bad)
    assert result.returncode == 1
    assert f"{bad}:3:15: error: calendar 'office': unknown time zone" in result.stderr
    assert not db.exists()


def test_a_missing_calendars_file_is_refused(db, tmp_path):
    missing = tmp_path / "nowhere.yaml"
    line = refused(crmflow("cases", "--db", db, "--calendars", missing), "invalid_input")
    assert str(missing) in line and "cannot open the file" in line


def test_the_phone_repair_example_runs_with_its_calendars(db):
    common = ("--db", db, "--calendars", SOURCE / "examples/settings/calendars.yaml")
    ok(crmflow("deploy", SOURCE / "examples/phone-repair.yaml", *common))
    ok(crmflow("start", "phone-repair", "--key", "R-1", "--var", "customer.name=Reza", "--var",
               "customer.phone=\"0912\"", *common))
    assert rows(db, "SELECT status FROM cases") == [("active",)]
    (due_ms,) = rows(db, "SELECT due FROM tasks WHERE step_id = 'reception'")[0]
    assert due_ms is not None
