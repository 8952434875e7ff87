"""examples/phone-repair.yaml driven end to end from Python, on a MemoryStore and a SqliteStore,
with the SMS going through a channel written in Python."""

import datetime

import crmflow
from conftest import EXAMPLES, RecordingChannel

CUSTOMER = {"name": "رضا", "phone": "09121234567"}


def make_engine(store, clock, directory, calendars, sms):
    engine = crmflow.Engine(store, clock=clock, directory=directory, calendars=calendars,
                            channels={"sms": sms})
    process = crmflow.load_process_file(str(EXAMPLES / "phone-repair.yaml"), calendars=calendars)
    deployment = engine.deploy(process)
    assert (deployment.process_id, deployment.version, deployment.changed) == (
        "phone-repair", 1, True)
    return engine


def only_task(engine, **query):
    tasks = engine.tasks(**query)
    assert len(tasks) == 1, tasks
    return tasks[0]


def test_a_cheap_repair_from_reception_to_the_survey(store, clock, directory, calendars):
    sms = RecordingChannel()
    engine = make_engine(store, clock, directory, calendars, sms)

    case_id = engine.start("phone-repair", key="R-1001", by="ali", vars={"customer": CUSTOMER})
    case = engine.get_case(case_id)
    assert case.status == "active" and case.active == ["reception"]
    assert case.variables == {"customer": CUSTOMER, "cost": 0, "approval_limit": 2000000}
    assert case.initiator == "ali"

    reception = only_task(engine, user="ali")
    assert (reception.step_id, reception.assignee, reception.candidate_groups) == (
        "reception", None, ["reception"])
    # Thirty working minutes after Saturday 09:00 in Tehran.
    assert reception.due == datetime.datetime(2026, 1, 3, 6, 0, tzinfo=datetime.timezone.utc)
    assert engine.tasks(user="sara") == []

    engine.complete(reception, by="ali", vars={"device": "A52", "fault": "صفحه نمایش شکسته"})
    assert engine.run_due() == 1  # the `received` SMS
    assert [n.to for n in sms.received] == ["09121234567"]
    assert sms.received[0].text.startswith("رضا عزیز، گوشی A52 شما با شمارهٔ پذیرش")
    assert "R-۱۰۰۱" in sms.received[0].text
    assert sms.received[0].channel == "sms" and sms.received[0].segments >= 1

    diagnose = only_task(engine, user="sara")
    engine.claim(diagnose.id, by="sara")
    assert engine.task(diagnose.id).assignee == "sara"
    assert not engine.may_complete(diagnose.id, by="omid")
    engine.complete(diagnose.id, by="sara", vars={"diagnosis": "باتری", "cost": 500000})

    repair = only_task(engine, case_id=case_id)
    assert repair.step_id == "repair"
    engine.complete(repair.id, by="omid", vars={"cost": 450000})
    deliver = only_task(engine, case_id=case_id, step_id="deliver")
    engine.complete(deliver.id, by="ali", vars={"paid": True, "payment_method": "card"})
    assert engine.get_case(case_id).active == ["survey-window"]
    assert engine.run_due() == 4  # diagnosed, in repair, ready, survey

    assert engine.correlate("survey-answer", "R-1001", vars={"score": "5"}) == [case_id]
    assert engine.run_due() == 0

    case = engine.get_case(case_id)
    assert case.status == "completed" and case.is_final and case.progress == 100
    assert case.path == ["reception", "diagnose", "needs-approval", "repair", "deliver", "survey",
                         "record-score", "done"]
    assert case.variables["satisfaction"] == 5
    assert case.ended_at is not None

    outbox = store.outbox(case_id)
    assert len(outbox) == 5 and all(n.status == "sent" for n in outbox)
    assert [n.text for n in outbox] == [n.text for n in sms.received]
    assert outbox[0].sent_at is not None and outbox[0].attempts == 1

    events = [e.event for e in engine.history(case_id)]
    assert events[0] == "case_started" and events[-1] == "case_completed"
    assert "task_claimed" in events and "message_received" in events
    completed = [e for e in engine.history(case_id) if e.event == "task_completed"]
    assert [(e.step_id, e.by) for e in completed] == [
        ("reception", "ali"), ("diagnose", "sara"), ("repair", "omid"), ("deliver", "ali")]


def test_an_expensive_quote_waits_for_the_customer(store, clock, directory, calendars):
    sms = RecordingChannel()
    engine = make_engine(store, clock, directory, calendars, sms)
    case_id = engine.start("phone-repair", key="R-2001", vars={"customer": CUSTOMER})
    engine.complete(only_task(engine, user="ali"), by="ali",
                    vars={"device": "S23", "fault": "خاموش"})
    engine.complete(only_task(engine, user="omid"), by="omid",
                    vars={"diagnosis": "برد", "cost": 3500000})
    waits = engine.waiting(case_id)
    assert [(w.step_id, w.kind) for w in waits] == [
        ("customer-replied", "message"), ("no-reply", "timer")]
    assert waits[0].key == "R-2001" and waits[1].due is not None

    engine.correlate("customer-reply", "R-2001", vars={"reply": " بله "})
    case = engine.get_case(case_id)
    assert case.active == ["repair"] and case.variables["approved"] is True
    assert isinstance(case.variables["approved_at"], datetime.datetime)

    engine.run_due()
    texts = [n.text for n in sms.received]
    assert any("۳۵۰۰۰۰۰ ریال" in t for t in texts)  # the quote, in Persian digits


def test_a_manager_reassigns_and_the_case_is_cancelled(store, clock, directory, calendars):
    engine = make_engine(store, clock, directory, calendars, RecordingChannel())
    case_id = engine.start("phone-repair", key="R-3001", vars={"customer": CUSTOMER})
    task = only_task(engine, user="ali")
    assert [t.id for t in engine.tasks(manager="maryam")] == [task.id]
    engine.reassign(task.id, by="maryam", to="neda")
    assert engine.task(task.id).assignee == "neda"
    engine.delegate(task.id, by="neda", to="ali")
    engine.unclaim(task.id, by="ali")
    assert engine.task(task.id).assignee is None

    engine.cancel(case_id, "customer took the phone back")
    case = engine.get_case(case_id)
    assert case.status == "cancelled"
    assert engine.task(task.id).status == "withdrawn"
    assert [c.id for c in engine.cases(status="cancelled")] == [case_id]
    assert engine.cases(process_id="phone-repair", key="nothing") == []


def test_a_retried_sms_is_delivered_after_its_backoff(store, clock, directory, calendars):
    sms = RecordingChannel([crmflow.Retry("panel busy", retry_after=datetime.timedelta(minutes=2))])
    engine = crmflow.Engine(store, clock=clock, directory=directory, calendars=calendars,
                            channels={"sms": sms},
                            delivery=crmflow.DeliveryPolicy(
                                max_attempts=3, first_backoff=datetime.timedelta(seconds=10)))
    engine.deploy(crmflow.load_process_file(str(EXAMPLES / "phone-repair.yaml")))
    case_id = engine.start("phone-repair", key="R-4001", vars={"customer": CUSTOMER})
    engine.complete(only_task(engine, user="ali"), by="ali", vars={"device": "A52", "fault": "-"})

    assert engine.run_due() == 1
    [pending] = store.outbox(case_id)
    assert (pending.status, pending.attempts, pending.last_error) == ("pending", 1, "panel busy")
    # Retry-After is longer than the backoff: nothing is due before it has passed.
    assert pending.next_attempt >= clock.now() + datetime.timedelta(minutes=2)
    assert engine.next_due() == pending.next_attempt
    clock.advance(datetime.timedelta(minutes=1))
    assert engine.run_due() == 0

    clock.set(pending.next_attempt)
    assert engine.run_due() == 1
    [sent] = store.outbox(case_id)
    assert (sent.status, sent.attempts) == ("sent", 2)
    assert [n.idempotency_key for n in sms.received] == [sent.idempotency_key] * 2


def test_a_failed_or_raising_channel(clock, directory, calendars):
    class Raising(crmflow.Channel):
        def deliver(self, notification):
            raise ConnectionError("no route to the panel")

    store = crmflow.MemoryStore()
    failing = RecordingChannel([crmflow.Failed("not a mobile number")])
    channels = crmflow.ChannelRegistry()
    channels.add("sms", failing)
    assert "sms" in channels and channels.names() == ["sms"]
    engine = crmflow.Engine(store, clock=clock, directory=directory, calendars=calendars,
                            channels=channels)
    engine.deploy(crmflow.load_process_file(str(EXAMPLES / "phone-repair.yaml")))
    first = engine.start("phone-repair", key="R-5001", vars={"customer": CUSTOMER})
    engine.complete(only_task(engine, case_id=first), by="ali", vars={"device": "A", "fault": "-"})
    engine.run_due()
    [failed] = store.outbox(first)
    assert (failed.status, failed.last_error) == ("failed", "not a mobile number")
    assert "notification_failed" in [e.event for e in engine.history(first)]

    channels.add("sms", Raising())
    second = engine.start("phone-repair", key="R-5002", vars={"customer": CUSTOMER})
    engine.complete(only_task(engine, case_id=second), by="ali", vars={"device": "A", "fault": "-"})
    engine.run_due()
    [retried] = store.outbox(second)
    assert retried.status == "pending"
    assert retried.last_error == "ConnectionError: no route to the panel"


def test_channels_from_a_channels_file(tmp_path, clock, directory, calendars):
    (tmp_path / "channels.yaml").write_text(
        'sms: {type: file, path: sms.jsonl, country_code: "98"}\n', encoding="utf-8")
    channels = crmflow.ChannelRegistry.load_file(str(tmp_path / "channels.yaml"))
    assert channels.names() == ["sms"]
    engine = crmflow.Engine(crmflow.MemoryStore(), clock=clock, directory=directory,
                            calendars=calendars, channels=channels)
    engine.deploy(crmflow.load_process_file(str(EXAMPLES / "phone-repair.yaml")))
    case_id = engine.start("phone-repair", key="R-6001", vars={"customer": CUSTOMER})
    engine.complete(only_task(engine, case_id=case_id), by="ali",
                    vars={"device": "A52", "fault": "-"})
    assert engine.run_due() == 1
    written = (tmp_path / "sms.jsonl").read_text(encoding="utf-8")
    assert "+989121234567" in written and "رضا عزیز" in written

    (tmp_path / "bad.yaml").write_text("sms: {type: pigeon}\n", encoding="utf-8")
    try:
        crmflow.ChannelRegistry.load_file(str(tmp_path / "bad.yaml"))
    except crmflow.InvalidInput as error:
        assert error.diagnostics and error.diagnostics[0].line == 1
    else:
        raise AssertionError("a bad channels file was accepted")
