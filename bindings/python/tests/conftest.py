"""Shared fixtures: the source tree, a store of each kind, the examples' users and calendars."""

import datetime
import pathlib

import pytest
import yaml

import crmflow

ROOT = pathlib.Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
SCENARIOS = ROOT / "tests" / "scenarios"

TEHRAN = datetime.timezone(datetime.timedelta(hours=3, minutes=30))
# Saturday 09:00 in Tehran: a working moment of the examples' `office` calendar.
SATURDAY_MORNING = datetime.datetime(2026, 1, 3, 9, 0, tzinfo=TEHRAN)


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    """A MemoryStore, then a SqliteStore in a fresh file: every test using it runs on both."""
    if request.param == "memory":
        return crmflow.MemoryStore()
    return crmflow.SqliteStore.open(str(tmp_path / "crm.db"))


@pytest.fixture
def clock():
    return crmflow.ManualClock(SATURDAY_MORNING)


@pytest.fixture
def directory():
    """The users of examples/settings/users.yaml, with their groups, addresses and managers."""
    users = yaml.safe_load((EXAMPLES / "settings" / "users.yaml").read_text(encoding="utf-8"))
    result = crmflow.MemoryDirectory()
    for name, user in users["users"].items():
        addresses = {ch: user[ch] for ch in ("sms", "email") if ch in user}
        result.add_user(name, user.get("groups", []), addresses)
        if "manages" in user:
            result.set_managed_groups(name, user["manages"])
    return result


@pytest.fixture
def calendars():
    return crmflow.Calendars.load_file(str(EXAMPLES / "settings" / "calendars.yaml"))


class RecordingChannel(crmflow.Channel):
    """Keeps what it is given; answers each delivery with the next of `answers` (then Delivered)."""

    def __init__(self, answers=()):
        super().__init__()
        self.received = []
        self.answers = list(answers)

    def deliver(self, notification):
        self.received.append(notification)
        if self.answers:
            return self.answers.pop(0)
        return crmflow.Delivered(f"receipt-{len(self.received)}")
