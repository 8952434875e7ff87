"""The scenario runner: tests/scenarios files run from Python."""

import pytest

import crmflow
from conftest import SCENARIOS


@pytest.mark.parametrize("store", ["as_file", "sqlite"])
def test_the_phone_repair_scenarios_pass(store):
    outcome = crmflow.run_scenario_file(str(SCENARIOS / "example-phone-repair.yaml"), store=store)
    assert outcome.diagnostics == []
    assert outcome.exit_code == 0 and outcome.failed == 0
    assert outcome.passed == len(outcome.scenarios) > 1
    first = outcome.scenarios[0]
    assert first.passed and first.failure == ""
    assert first.line() == "PASS " + first.name


def test_a_failing_scenario_says_why():
    text = """
processes:
  - process: hold
    steps:
      - id: wait
        type: user
        candidates: {groups: [desk]}
      - id: done
        type: end
scenarios:
  - name: expects the wrong status
    do:
      - start: hold
      - expect: {status: completed}
"""
    outcome = crmflow.run_scenario_text(text, str(SCENARIOS / "inline.yaml"))
    assert outcome.exit_code == 1 and outcome.failed == 1
    [scenario] = outcome.scenarios
    assert not scenario.passed and "completed" in scenario.failure and "active" in scenario.failure
    assert scenario.line().startswith("FAIL expects the wrong status: ")


def test_an_invalid_file_has_diagnostics_and_runs_nothing():
    outcome = crmflow.run_scenario_file(str(SCENARIOS / "invalid" / "unknown-step.yaml"))
    assert outcome.exit_code == 2 and outcome.scenarios == []
    assert outcome.diagnostics and outcome.diagnostics[0].line > 0
    with pytest.raises(crmflow.InvalidInput, match="store must be"):
        crmflow.run_scenario_file("x.yaml", store="postgres")
