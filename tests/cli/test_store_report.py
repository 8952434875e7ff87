"""`crmflow report` and `crmflow graph --case` against a SQLite store (spec/cli.md; docs/report.md).

Each test runs in its own temporary folder with its own database file. The runner is CRMFLOW_BIN.
The runner's clock is the system clock, so lateness is made with due moments in the past
(`datetime("2020-01-01T00:00:00Z")`) and in the future (P30D); durations are only checked for
their form.
"""
import json
import re
import shutil

import pytest

from cli_support import crmflow

REVIEW = """\
process: review
steps:
  - id: submit
    type: user
    name: Submit the request
    candidates: {users: [ali]}
    due: '= datetime("2020-01-01T00:00:00Z")'
  - id: check
    type: user
    candidates: {users: [sara]}
    due: P30D
    form: [{name: ok, type: boolean, required: true}]
  - id: decide
    type: exclusive
    next:
      - {to: submit, when: "ok = false"}
      - {to: done, default: true}
  - {id: done, type: end}
"""

OTHER = """\
process: other
steps:
  - {id: wait-here, type: user, candidates: {users: [ali]}}
  - {id: finish, type: end}
"""


def run(*args, cwd):
    return crmflow(*args, cwd=cwd)


def ok(*args, cwd):
    r = run(*args, cwd=cwd)
    assert r.returncode == 0, f"{args}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r


def as_json(*args, cwd):
    return json.loads(ok(*args, "--json", cwd=cwd).stdout)


def task_of(case_id, step, cwd):
    tasks = as_json("tasks", "--case", str(case_id), cwd=cwd)["tasks"]
    found = [t for t in tasks if t["step"] == step]
    assert len(found) == 1, tasks
    return found[0]["id"]


@pytest.fixture
def store(tmp_path):
    """Case 1 of `review` went round once and stands at submit again (its first submit completed
    late, its check on time); case 2 was cancelled at submit."""
    (tmp_path / "review.yaml").write_text(REVIEW)
    (tmp_path / "other.yaml").write_text(OTHER)
    ok("deploy", "review.yaml", cwd=tmp_path)
    first = as_json("start", "review", "--key", "R-1", cwd=tmp_path)["id"]
    ok("complete", str(task_of(first, "submit", tmp_path)), "--by", "ali", cwd=tmp_path)
    ok("complete", str(task_of(first, "check", tmp_path)), "--by", "sara", "--var", "ok=false",
       cwd=tmp_path)
    second = as_json("start", "review", "--key", "R-2", cwd=tmp_path)["id"]
    ok("cancel", str(second), cwd=tmp_path)
    return tmp_path, first, second


def step(process, step_id):
    found = [s for s in process["steps"] if s["step"] == step_id]
    assert len(found) == 1, process["steps"]
    return found[0]


def test_report_json(store):
    cwd, first, second = store
    r = as_json("report", cwd=cwd)
    assert r["process"] is None and r["since"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["now"])
    counts = {"active": 1, "incident": 0, "completed": 0, "terminated": 0, "cancelled": 1,
              "total": 2}
    assert r["cases"] == counts
    assert [p["process"] for p in r["processes"]] == ["review"]
    review = r["processes"][0]
    assert review["cases"] == counts
    assert [s["step"] for s in review["steps"]] == ["submit", "check", "decide"]

    submit = step(review, "submit")
    assert (submit["active"], submit["passed"], submit["open_tasks"], submit["overdue_tasks"],
            submit["completed_late"]) == (1, 1, 1, 1, 1)
    assert submit["durations"]["count"] == 1
    assert submit["durations"]["median"] == submit["durations"]["p90"] == \
        submit["durations"]["max"] >= 0
    check = step(review, "check")
    assert (check["active"], check["passed"], check["open_tasks"], check["overdue_tasks"],
            check["completed_late"]) == (0, 1, 0, 0, 0)
    decide = step(review, "decide")
    assert decide["passed"] == 1
    assert decide["durations"] == {"count": 1, "median": 0, "p90": 0, "max": 0}

    breaches = review["sla_breaches"]
    assert len(breaches) == 2
    open_one, done = breaches
    assert open_one["case"] == first and open_one["step"] == "submit"
    assert open_one["name"] == "Submit the request"
    assert open_one["due"] == "2020-01-01T00:00:00Z"
    assert open_one["completed"] is None
    assert open_one["late"] > 0
    assert done["case"] == first and done["step"] == "submit"
    assert re.fullmatch(r"\d{4}-.*Z", done["completed"])
    assert done["late"] > 0
    assert review["failed_notifications"] == []


def test_report_text(store):
    cwd, first, _ = store
    r = ok("report", cwd=cwd)
    lines = r.stdout.splitlines()
    assert re.fullmatch(r"report at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(all processes\)", lines[0])
    assert lines[1] == "cases: 2 (active 1, incident 0, completed 0, terminated 0, cancelled 1)"
    assert lines[2] == ""
    assert lines[3] == ("process review: cases 2 (active 1, incident 0, completed 0, "
                        "terminated 0, cancelled 1)")
    assert re.fullmatch(r"  step    active  passed  median +p90 +overdue", lines[4])
    assert re.fullmatch(r"  submit  1       1       \S+ +\S+ +1", lines[5])
    assert re.fullmatch(r"  check   0       1       \S+ +\S+ +0", lines[6])
    assert re.fullmatch(r"  decide  0       1       0s +0s +0", lines[7])
    assert lines[8] == "  SLA breaches: 2"
    assert re.fullmatch(rf"    task \d+ \(Submit the request\) of case {first} at submit: due "
                        r"2020-01-01T00:00:00Z, open, \d+d( \d+h)? late", lines[9])
    assert re.fullmatch(rf"    task \d+ \(Submit the request\) of case {first} at submit: due "
                        r"2020-01-01T00:00:00Z, completed \S+Z, \d+d( \d+h)? late", lines[10])
    assert len(lines) == 11
    assert r.stderr == ""


def test_report_filters(store):
    cwd, _, _ = store
    ok("deploy", "other.yaml", cwd=cwd)
    ok("start", "other", cwd=cwd)
    r = as_json("report", cwd=cwd)
    assert [p["process"] for p in r["processes"]] == ["other", "review"]
    assert r["cases"]["total"] == 3

    r = as_json("report", "--process", "other", cwd=cwd)
    assert r["process"] == "other"
    assert [p["process"] for p in r["processes"]] == ["other"]
    assert r["processes"][0]["steps"][0]["overdue_tasks"] == 0  # no due moment: never late

    r = as_json("report", "--since", "2999-01-01", cwd=cwd)
    assert r["since"] == "2999-01-01T00:00:00Z"
    assert r["cases"]["total"] == 0 and r["processes"] == []
    r = ok("report", "--since", "2999-01-01T00:00:00+03:30", cwd=cwd)
    assert r.stdout.splitlines()[1:] == [
        "cases: 0 (active 0, incident 0, completed 0, terminated 0, cancelled 0)"]
    assert "cases started since 2998-12-31T20:30:00Z" in r.stdout

    r = as_json("report", "--since", "2000-01-01T00:00:00Z", cwd=cwd)
    assert r["cases"]["total"] == 3


def test_report_usage(tmp_path):
    r = run("report", "--since", "yesterday", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("crmflow: usage:") and "--since 'yesterday'" in r.stderr
    r = run("report", "extra", cwd=tmp_path)
    assert r.returncode == 2
    # An empty store: nothing to report, and not an error.
    r = as_json("report", "--db", "memory:", cwd=tmp_path)
    assert r["cases"]["total"] == 0 and r["processes"] == []


def test_graph_marks_a_case(store):
    cwd, first, second = store
    plain = ok("graph", "review.yaml", "--format", "mermaid", cwd=cwd).stdout
    assert "classDef" not in plain
    marked = ok("graph", "review.yaml", "--format", "mermaid", "--case", str(first),
                cwd=cwd).stdout
    assert marked.startswith(plain)
    assert "  class submit active\n" in marked
    assert "  class check,decide passed\n" in marked
    # submit>check 0, check>decide 1, decide>submit 2 taken; decide>done 3 not.
    assert "  linkStyle 0,1,2 stroke:#616161,stroke-width:3px\n" in marked

    dot = ok("graph", "review.yaml", "--case", str(first), cwd=cwd).stdout
    assert re.search(r'"submit" \[[^\]]*fillcolor="#ffe082"', dot)
    assert re.search(r'"decide" -> "submit" \[[^\]]*penwidth=2', dot)
    assert not re.search(r'"decide" -> "done" \[[^\]]*penwidth', dot)

    if shutil.which("dot"):  # svg goes through Graphviz; check_commands.py covers its absence
        svg = ok("graph", "review.yaml", "--format", "svg", "--case", str(first), cwd=cwd).stdout
        assert svg.lstrip().startswith("<?xml") and 'fill="#ffe082"' in svg

    # The cancelled case stands nowhere: nothing active, submit withdrawn (never left).
    cancelled = ok("graph", "review.yaml", "--format", "mermaid", "--case", str(second),
                   cwd=cwd).stdout
    assert " active\n" not in cancelled.split("classDef active", 1)[1]
    assert "linkStyle" not in cancelled


def test_graph_case_refusals(store):
    cwd, first, _ = store
    r = run("graph", "other.yaml", "--case", str(first), cwd=cwd)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.startswith("crmflow: error: invalid_input:")
    assert "'review'" in r.stderr and "'other'" in r.stderr

    r = run("graph", "review.yaml", "--case", "999999", cwd=cwd)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.startswith("crmflow: error: not_found:")

    r = run("graph", "review.yaml", "--case", "abc", cwd=cwd)
    assert r.returncode == 1 and r.stderr.startswith("crmflow: error: invalid_input:")
    assert "--case" in r.stderr

    r = run("graph", "review.yaml", "--case", str(first), "--json", "--db", "memory:", cwd=cwd)
    assert r.returncode == 1 and r.stdout == ""
    assert json.loads(r.stderr)["error"]["code"] == "not_found"
