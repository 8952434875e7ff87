"""Service handlers written in Python: results, business errors, failures, retries, incidents."""

import datetime

import pytest

import crmflow
from conftest import SATURDAY_MORNING

PAYMENT = """
process: payment
variables:
  amount: {type: number, required: true}
steps:
  - id: charge
    type: service
    handler: charge-card
    input: {amount: "= amount"}
    retries: 1
    retry_backoff: PT1M
    boundary:
      - {error: CARD_DECLINED, next: declined}
    next: done
  - id: declined
    type: set
    set: {result: declined}
    next: done
  - id: done
    type: end
"""


@pytest.fixture
def engine(store, clock):
    engine = crmflow.Engine(store, clock=clock)
    engine.deploy(crmflow.load_process(PAYMENT, "payment.yaml"))
    return engine


def test_a_handler_result_is_merged_into_the_case(engine, clock):
    jobs = []

    def charge(job):
        jobs.append(job)
        return {"receipt": "رسید-۱", "charged_on": datetime.date(2026, 1, 3)}

    engine.add_handler("charge-card", charge)
    case_id = engine.start("payment", key="P-1", vars={"amount": 1500})
    assert engine.get_case(case_id).active == ["charge"]
    assert engine.run_due() == 1

    case = engine.get_case(case_id)
    assert case.status == "completed"
    assert case.variables["receipt"] == "رسید-۱"
    assert case.variables["charged_on"] == datetime.date(2026, 1, 3)
    [job] = jobs
    assert (job.case_id, job.process_id, job.step_id, job.handler, job.case_key) == (
        case_id, "payment", "charge", "charge-card", "P-1")
    assert job.input == {"amount": 1500} and job.attempt == 1
    assert job.now == SATURDAY_MORNING and job.idempotency_key
    assert "JobContext(" in repr(job)


@pytest.mark.parametrize("how", ["raise", "return"])
def test_a_business_error_is_caught_by_the_boundary(engine, how):
    def charge(job):
        error = crmflow.BusinessError("CARD_DECLINED", "over the limit")
        if how == "raise":
            raise error
        return error

    engine.add_handler("charge-card", charge)
    case_id = engine.start("payment", vars={"amount": 10})
    engine.run_due()
    case = engine.get_case(case_id)
    assert case.status == "completed" and case.variables["result"] == "declined"
    assert case.path == ["declined", "done"]  # an activity left by its boundary is not in the path


def test_an_uncaught_business_error_is_an_incident(engine):
    engine.add_handler("charge-card", lambda job: crmflow.BusinessError("FRAUD"))
    case_id = engine.start("payment", vars={"amount": 10})
    engine.run_due()
    case = engine.get_case(case_id)
    assert case.status == "incident"
    assert "FRAUD" in case.incidents[0].message


def test_an_exception_is_retried_then_an_incident_then_retried_by_hand(engine, clock):
    attempts = []

    def charge(job):
        attempts.append(job.attempt)
        if len(attempts) <= 2:
            raise ValueError("gateway timeout")
        return {"receipt": "R-9"}

    engine.add_handler("charge-card", charge)
    case_id = engine.start("payment", vars={"amount": 10})
    assert engine.run_due() == 1
    assert engine.get_case(case_id).status == "active"
    failed = [e for e in engine.history(case_id) if e.event == "job_failed"]
    assert len(failed) == 1 and "ValueError: gateway timeout" in str(failed[0].data)
    assert engine.next_due() == clock.now() + datetime.timedelta(minutes=1)

    clock.advance(datetime.timedelta(minutes=1))
    engine.run_due()
    case = engine.get_case(case_id)
    assert case.status == "incident" and attempts == [1, 2]
    [incident] = case.incidents
    assert incident.step_id == "charge" and "gateway timeout" in incident.message
    assert [w.kind for w in engine.waiting(case_id)] == ["incident"]

    engine.retry(case_id, "charge")
    engine.run_due()
    case = engine.get_case(case_id)
    assert case.status == "completed" and case.variables["receipt"] == "R-9"
    assert attempts == [1, 2, 1]


def test_a_handler_returning_something_else_is_a_failure(engine):
    engine.add_handler("charge-card", lambda job: "ok")
    case_id = engine.start("payment", vars={"amount": 10})
    engine.run_due()
    [failed] = [e for e in engine.history(case_id) if e.event == "job_failed"]
    assert "handler 'charge-card' returned a str" in str(failed.data)


def test_a_handler_result_that_has_no_value_is_a_failure(engine):
    engine.add_handler("charge-card", lambda job: {"when": datetime.datetime(2026, 1, 1)})
    case_id = engine.start("payment", vars={"amount": 10})
    engine.run_due()
    [failed] = [e for e in engine.history(case_id) if e.event == "job_failed"]
    assert "naive datetime" in str(failed.data)
