"""Delivering the outbox with `--channels` (spec/cli.md; docs/channels.md), end to end: a real
HTTP server on 127.0.0.1 that fails deliveries in every way a panel does (5xx, 429 with
Retry-After, an answer that never comes, a refused connection, a permanent 4xx), `crmflow tick`
advancing time, and the checks: every notification arrives, with one idempotency key across its
attempts; a refused command sends nothing; a permanent failure is parked and reported."""
import json
import socket

from cli_support import crmflow, later, ok, refused
from http_server import ScriptedServer

PROCESS = """
process: greet
variables:
  phone: {type: string, required: true}
steps:
  - id: welcome
    type: user
    assignee: ali
    form: [{name: ok, type: boolean, required: true}]
    notify:
      - {on: enter, channel: sms, to: "{{ phone }}", text: "سلام، پرونده {{ case.key }} ثبت شد."}
      - {on: enter, channel: sms, to: "{{ phone }}", text: "Your case {{ case.key }} is open."}
      - {on: complete, channel: sms, to: "{{ phone }}", text: "پرونده {{ case.key }} بسته شد."}
  - {id: done, type: end}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(tmp_path, url):
    process = tmp_path / "greet.yaml"
    process.write_text(PROCESS, encoding="utf-8")
    users = tmp_path / "users.yaml"
    users.write_text("users:\n  ali: {groups: [reception]}\n")
    channels = tmp_path / "channels.yaml"
    channels.write_text(
        "sms:\n  type: http\n"
        f"  url: {url}/send\n"
        "  headers: {Authorization: \"Bearer {{ env.SMS_TOKEN }}\"}\n"
        "  body: '{\"receptor\": \"{{ to }}\", \"message\": {{ json(text) }}}'\n"
        "  timeout: PT1S\n"
        "  country_code: \"98\"\n")
    db = tmp_path / "crm.db"
    common = ("--db", db, "--users", users)
    ok(crmflow("deploy", process, *common))
    return common, channels


def tick(common, channels, now):
    result = ok(crmflow("tick", "--now", now, "--channels", channels, "--json", *common,
                        env_extra={"SMS_TOKEN": "s3cret"}))
    return json.loads(result.stdout)


def test_every_notification_arrives_once_keyed_through_every_kind_of_failure(tmp_path):
    # Per notification: 503, then 429 (Retry-After: 3600), then no answer at all, then 200.
    def answer(request, attempt):
        if attempt == 1:
            return 503, {}, "busy"
        if attempt == 2:
            return 429, {"Retry-After": "3600"}, "slow down"
        if attempt == 3:
            return "hang"
        return 200, {}, '{"status": "queued"}'

    port = free_port()  # nothing listens here yet: the first tick's connections are refused
    common, channels = prepare(tmp_path, f"http://127.0.0.1:{port}")
    for key in ("C-1", "C-2"):
        ok(crmflow("start", "greet", "--key", key, "--var", "phone=09121234567", *common))
    # A refused command queues nothing: ali may complete, but not without the form's field.
    refused(crmflow("complete", "1", "--by", "ali", *common), "invalid_input")
    refused(crmflow("complete", "1", "--by", "ghost", *common), "not_authorized")

    assert tick(common, channels, later(1))["deliveries"] == 4  # refused connections
    pending = json.loads(ok(crmflow("show", "1", "--json", *common)).stdout)["notifications"]
    assert [n["status"] for n in pending] == ["pending", "pending"]
    assert all("refused" in n["last_error"] for n in pending), pending
    assert all(n["attempts"] == 1 for n in pending)

    with ScriptedServer(answer, hang_seconds=2.5) as server:
        channels.write_text(channels.read_text().replace(f"127.0.0.1:{port}",
                                                         server.url.split("//")[1]))
        ok(crmflow("complete", "2", "--by", "ali", "--var", "ok=true", *common))
        hour = 2
        while True:
            out = tick(common, channels, later(hour))
            if out["deliveries"] == 0:
                break
            hour += 2
            assert hour < 24, "deliveries never settled"
        requests = list(server.requests)

    by_key = {}
    for request in requests:
        by_key.setdefault(request.headers["Idempotency-Key"], []).append(request)
        assert request.headers["Authorization"] == "Bearer s3cret"
        assert request.json()["receptor"] == "+989121234567"  # written in E.164
    # Case 1's two, case 2's three: every one arrived, each under one key, with the same body.
    assert len(by_key) == 5
    for key, attempts in by_key.items():
        assert [r.body for r in attempts] == [attempts[0].body] * len(attempts), key
        assert len(attempts) == 4, (key, len(attempts))  # 503, 429, no answer, 200
    texts = sorted(r.json()["message"] for r in requests)
    assert "پرونده C-2 بسته شد." in texts
    assert "پرونده C-1 بسته شد." not in texts  # case 1 was never completed

    for case in ("1", "2"):
        shown = json.loads(ok(crmflow("show", case, "--json", *common)).stdout)
        assert {n["status"] for n in shown["notifications"]} == {"sent"}
        assert shown["pending_notifications"] == []
        for n in shown["notifications"]:
            # The refused connection counted for those queued before the server came up.
            assert n["attempts"] == (4 if "بسته" in n["text"] else 5), n
        history = json.loads(ok(crmflow("history", case, "--json", *common)).stdout)["events"]
        sent = [e for e in history if e["event"] == "notification_sent"]
        assert len(sent) == len(shown["notifications"])


def test_a_permanent_failure_is_parked_and_reported(tmp_path):
    def answer(request, attempt):
        if "بسته" in request.json()["message"]:
            return 200, {}, "ok"
        return 400, {}, '{"error": "invalid receptor"}'

    with ScriptedServer(answer) as server:
        common, channels = prepare(tmp_path, server.url)
        ok(crmflow("start", "greet", "--key", "C-9", "--var", "phone=09121234567", *common))
        assert tick(common, channels, later(1))["deliveries"] == 2
        # Given up at once: later ticks do not try again.
        assert tick(common, channels, later(48))["deliveries"] == 0
        assert len(server.requests) == 2

    shown = json.loads(ok(crmflow("show", "1", "--json", *common)).stdout)
    assert [n["status"] for n in shown["notifications"]] == ["failed", "failed"]
    assert all("400" in n["last_error"] for n in shown["notifications"])
    report = json.loads(ok(crmflow("report", "--json", *common)).stdout)
    [process] = report["processes"]
    assert len(process["failed_notifications"]) == 2
    plain = ok(crmflow("show", "1", *common)).stdout
    assert "failed notifications:" in plain


def test_without_channels_nothing_is_sent_and_tick_says_so(tmp_path):
    with ScriptedServer(lambda request, attempt: (200, {}, "ok")) as server:
        common, channels = prepare(tmp_path, server.url)
        ok(crmflow("start", "greet", "--key", "C-1", "--var", "phone=09121234567", *common))
        result = ok(crmflow("tick", "--now", later(1), *common))
        assert result.stdout == "0 jobs fired\n"
        assert server.requests == []
        result = ok(crmflow("tick", "--now", later(1), "--channels", channels,
                            *common, env_extra={"SMS_TOKEN": "x"}))
        assert result.stdout == "0 jobs fired, 2 notifications delivered or retried\n"
        assert len(server.requests) == 2
