"""Python values <-> crmflow values: exact round trips through both stores, and refusals."""

import datetime
import math

import pytest

import crmflow

HOLD = """
process: hold
steps:
  - id: wait
    type: user
    candidates: {users: [ali]}
  - id: done
    type: end
"""

PERSIAN = "سلام، دنیا! ۱۲۳ — «نقل‌قول» با نیم‌فاصله و ی/ي"


@pytest.fixture
def engine(store, clock):
    directory = crmflow.MemoryDirectory()
    directory.add_user("ali")
    engine = crmflow.Engine(store, clock=clock, directory=directory)
    engine.deploy(crmflow.load_process(HOLD, "hold.yaml"))
    return engine


def round_trip(engine, variables):
    return engine.get_case(engine.start("hold", vars=variables)).variables


def test_every_kind_round_trips_exactly(engine):
    tehran = datetime.timezone(datetime.timedelta(hours=3, minutes=30))
    variables = {
        "none": None,
        "yes": True,
        "no": False,
        "int": 42,
        "big": 2**63 - 1,
        "small": -(2**63),
        "float": 0.1,
        "whole_float": 2.0,
        "tiny": 5e-324,
        "text": PERSIAN,
        "empty": "",
        "emoji": "👍🏽",
        "list": [1, "two", [3.5, None], {}],
        "nested": {"customer": {"name": "رضا", "tags": []}},
        "date": datetime.date(2026, 2, 2),
        "datetime": datetime.datetime(2026, 1, 3, 9, 0, 0, 123000, tzinfo=tehran),
        "utc": datetime.datetime(2026, 1, 3, 5, 30, tzinfo=datetime.timezone.utc),
        "duration": crmflow.Duration.parse("P1Y2M3DT4H5M6.789S"),
        "$date": "not a date: a key that looks like the typed form",
    }
    back = round_trip(engine, variables)
    assert back == variables
    assert type(back["int"]) is int and type(back["whole_float"]) is float
    assert back["text"].encode("utf-8") == PERSIAN.encode("utf-8")
    assert back["datetime"].utcoffset() == datetime.timedelta(hours=3, minutes=30)
    assert back["utc"].utcoffset() == datetime.timedelta(0)
    assert type(back["date"]) is datetime.date


def test_tuples_come_back_as_lists_and_timedeltas_as_durations(engine):
    back = round_trip(engine, {"pair": (1, 2), "wait": datetime.timedelta(days=2, hours=1)})
    assert back["pair"] == [1, 2]
    assert back["wait"] == crmflow.Duration(days=2, millis=3_600_000)
    assert str(back["wait"]) == "P2DT1H"
    assert back["wait"].to_timedelta() == datetime.timedelta(days=2, hours=1)


def test_non_finite_floats_round_trip_in_memory():
    # NaN and the infinities are Values, but JSON (SqliteStore) stores them as null.
    engine = crmflow.Engine(crmflow.MemoryStore())
    engine.deploy(crmflow.load_process(HOLD, "hold.yaml"))
    back = round_trip(engine, {"inf": math.inf})
    assert back["inf"] == math.inf


@pytest.mark.parametrize("value, message", [
    (datetime.datetime(2026, 1, 1), "naive datetime"),
    (datetime.datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=datetime.timezone.utc), "sub-millisecond"),
    (datetime.timedelta(microseconds=1), "sub-millisecond"),
    (2**64, "64-bit"),
    ({1: "x"}, "not a str"),
    ({1, 2}, "has no crmflow value"),
    (b"bytes", "has no crmflow value"),
])
def test_values_that_cannot_be_exact_are_refused(engine, value, message):
    with pytest.raises(crmflow.InvalidInput, match=message) as raised:
        engine.start("hold", vars={"outer": {"bad": [value]}})
    assert "outer.bad[0]" in raised.value.message


def test_vars_must_be_a_dict(engine):
    with pytest.raises(crmflow.InvalidInput, match="vars must be a dict"):
        engine.start("hold", vars=[1, 2])


def test_deep_nesting_is_refused(engine):
    deep = []
    for _ in range(300):
        deep = [deep]
    with pytest.raises(crmflow.InvalidInput, match="nested deeper"):
        engine.start("hold", vars={"deep": deep})


def test_duration():
    d = crmflow.Duration.parse("-P1W")
    assert (d.months, d.days, d.millis) == (0, -7, 0)
    assert str(d) == "-P7D" and eval(repr(d), {"crmflow": crmflow}) == d
    assert crmflow.Duration.from_timedelta(-datetime.timedelta(hours=25)) == crmflow.Duration(
        days=-1, millis=-3_600_000)
    assert hash(crmflow.Duration(days=1)) == hash(crmflow.Duration.parse("P1D"))
    assert crmflow.Duration(days=1) != crmflow.Duration(millis=86_400_000)
    with pytest.raises(crmflow.InvalidInput, match="months"):
        crmflow.Duration.parse("P1M").to_timedelta()
    with pytest.raises(crmflow.InvalidInput, match="not an ISO 8601 duration"):
        crmflow.Duration.parse("four hours")


def test_manual_clock():
    start = datetime.datetime(2026, 1, 3, 9, 0, tzinfo=datetime.timezone.utc)
    clock = crmflow.ManualClock(start)
    clock.advance(datetime.timedelta(hours=2, milliseconds=5))
    assert clock.now() == start + datetime.timedelta(hours=2, milliseconds=5)
    clock.set(start)
    assert clock.now() == start and clock.now().tzinfo == datetime.timezone.utc
    with pytest.raises(crmflow.InvalidInput, match="backwards"):
        clock.advance(datetime.timedelta(seconds=-1))
    with pytest.raises(crmflow.InvalidInput, match="naive"):
        crmflow.ManualClock(datetime.datetime(2026, 1, 3))
    now = crmflow.SystemClock().now()
    assert abs(now - datetime.datetime.now(datetime.timezone.utc)) < datetime.timedelta(minutes=1)
