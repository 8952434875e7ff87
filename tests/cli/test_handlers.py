"""Service handlers for the runner (`--handlers`, spec/cli.md; docs/channels.md): the `http` form
against a real server on 127.0.0.1 and the `command` form with a real program, through
`crmflow tick` and through a scenario (`crmflow test`): a result mapped into the case, a business
error answer caught by a boundary event, a technical failure retried and then an incident."""
import json

from cli_support import SOURCE, crmflow, later, ok
from http_server import ScriptedServer

PROCESS = """
process: quote
variables:
  cost: {{type: number}}
steps:
  - id: price
    type: service
    handler: {handler}
    input: {{cost: "= cost"}}
    output: {{quote: "= result.quote", ref: "= result.ref"}}
    retries: 1
    retry_backoff: PT1M
    boundary:
      - {{error: TOO_EXPENSIVE, next: review}}
    next: sent
  - {{id: sent, type: end}}
  - {{id: review, type: user, candidates: {{groups: [managers]}}, next: reviewed}}
  - {{id: reviewed, type: end}}
"""

QUOTE_PROGRAM = SOURCE / "tests/scenarios/handlers/quote.py"


def quote_answer(request, attempt):
    """The web hook: a quote, the business error TOO_EXPENSIVE, or a 500 for a missing cost."""
    job = request.json()
    assert request.headers["Idempotency-Key"] == job["idempotency_key"]
    cost = job["input"].get("cost")
    if cost is None:
        return 500, {}, "cost missing"
    if cost > 5_000_000:
        return 200, {"Content-Type": "application/json"}, json.dumps(
            {"error": "TOO_EXPENSIVE", "message": "over the limit"})
    return 200, {"Content-Type": "application/json"}, json.dumps(
        {"quote": round(cost * 1.09), "ref": "Q-" + job["key"]})


def prepare(tmp_path, handler, handlers_text):
    process = tmp_path / "quote.yaml"
    process.write_text(PROCESS.format(handler=handler))
    handlers = tmp_path / "handlers.yaml"
    handlers.write_text(handlers_text)
    users = tmp_path / "users.yaml"
    users.write_text("users:\n  mina: {groups: [managers]}\n")
    common = ("--db", tmp_path / "crm.db", "--users", users, "--handlers", handlers)
    ok(crmflow("deploy", process, *common))
    return common


def show(common, case):
    return json.loads(ok(crmflow("show", case, "--json", *common)).stdout)


def run_three_cases(common):
    ok(crmflow("start", "quote", "--key", "R-1", "--var", "cost=1000000", *common))
    ok(crmflow("start", "quote", "--key", "R-2", "--var", "cost=9000000", *common))
    ok(crmflow("start", "quote", "--key", "R-3", *common))
    ok(crmflow("tick", "--now", later(1), *common))   # the first tries
    ok(crmflow("tick", "--now", later(2), *common))   # the retry after the backoff
    done = show(common, "1")
    assert done["status"] == "completed"
    assert done["variables"]["quote"] == 1090000 and done["variables"]["ref"] == "Q-R-1"
    reviewed = show(common, "2")
    assert reviewed["status"] == "active" and reviewed["active"] == ["review"]
    broken = show(common, "3")
    assert broken["status"] == "incident"
    [incident] = broken["incidents"]
    assert incident["step"] == "price"
    history = json.loads(ok(crmflow("history", "3", "--json", *common)).stdout)["events"]
    assert [e["event"] for e in history].count("job_failed") == 2
    return incident


def test_http_handler_through_tick(tmp_path):
    with ScriptedServer(quote_answer) as server:
        common = prepare(tmp_path, "quote",
                         f"quote:\n  type: http\n  url: {server.url}/hooks/quote\n  timeout: PT2S\n")
        incident = run_three_cases(common)
        assert "500" in incident["message"]
        paths = {r.path for r in server.requests}
    assert paths == {"/hooks/quote"}


def test_command_handler_through_tick(tmp_path):
    common = prepare(tmp_path, "quote", f"quote:\n  type: command\n  command: [{QUOTE_PROGRAM}]\n")
    incident = run_three_cases(common)
    assert "cost must be a number" in incident["message"]


def test_http_handler_in_a_scenario(tmp_path):
    scenario = tmp_path / "quote-scenario.yaml"
    with ScriptedServer(quote_answer) as server:
        scenario.write_text(f"""
processes:
  - {PROCESS.format(handler="quote").strip().replace(chr(10), chr(10) + "    ")}
handlers:
  quote: {{type: http, url: "{server.url}/quote"}}
users:
  mina: {{groups: [managers]}}
scenarios:
  - name: a quote comes back from the web hook
    do:
      - start: quote
        key: R-7
        vars: {{cost: 1000000}}
      - expect: {{status: completed, vars: {{quote: 1090000, ref: Q-R-7}}}}
  - name: its business error answer goes to the boundary event
    do:
      - start: quote
        vars: {{cost: 9000000}}
      - expect: {{active: [review]}}
""")
        result = crmflow("test", scenario)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "2 passed, 0 failed"
