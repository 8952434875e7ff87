"""`crmflow run` against a database file: killed and restarted, or stopped with SIGTERM, it fires
every timer exactly once (docs/runner.md, "No job is lost").

Each test deploys a process whose cases wait on a timer and then end, starts cases with the real
`crmflow` program, runs `crmflow run` on the same file, interrupts it, starts it again, and reads
the outcome back through `crmflow cases --json` and `crmflow history CASE --json`: every case
completed, with exactly one `timer_fired` event. The runner is found through CRMFLOW_BIN.

Timing is never asserted: the runner is only waited for (at most PATIENCE seconds per wait), so a
slow machine or a sanitizer build makes the test slower, not flaky.
"""
import json
import os
import queue
import random
import signal
import subprocess
import threading
import time

import pytest

CRMFLOW = os.environ.get("CRMFLOW_BIN")
PATIENCE = 60  # seconds: the longest any single wait may take before the test fails

NAP = """\
process: nap
steps:
  - {id: pause, type: wait, timer: PT2S}
  - {id: done, type: end}
"""

NOW = """\
process: now
steps:
  - {id: pause, type: wait, timer: PT0S}
  - {id: done, type: end}
"""


def crmflow(db, *args):
    if not CRMFLOW:
        pytest.fail("CRMFLOW_BIN is not set: run this test through CTest (ctest -R durability.run)")
    done = subprocess.run([CRMFLOW, "--db", str(db), *map(str, args)], capture_output=True,
                          text=True, timeout=PATIENCE)
    assert done.returncode == 0, f"crmflow {' '.join(map(str, args))}: exit {done.returncode}: " \
                                 f"{done.stderr}"
    return done.stdout


def deploy(tmp_path, db, text):
    path = tmp_path / "process.yaml"
    path.write_text(text)
    crmflow(db, "deploy", path)


def start_cases(db, process, count):
    return [json.loads(crmflow(db, "--json", "start", process, "--key", f"K-{n}"))["id"]
            for n in range(count)]


def cases(db):
    return {c["id"]: c for c in json.loads(crmflow(db, "--json", "cases", "--limit", "1000"))["cases"]}


def timers_fired(db, case_id):
    events = json.loads(crmflow(db, "--json", "history", case_id))["events"]
    return sum(1 for e in events if e["event"] == "timer_fired")


class Run:
    """One `crmflow run` process; its stderr lines are collected by a thread as they come."""

    def __init__(self, db, *args):
        self.process = subprocess.Popen([CRMFLOW, "--db", str(db), "run", *map(str, args)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        text=True)
        self.lines = queue.Queue()
        self.seen = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for_line(self, contains):
        """Waits for a log line that contains `contains` and returns it."""
        deadline = time.monotonic() + PATIENCE
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"crmflow run printed no line with {contains!r} in {PATIENCE} s; "
                            f"it printed: {self.seen}")
            if line is None:
                pytest.fail(f"crmflow run ended (exit {self.process.wait()}) before printing "
                            f"{contains!r}; it printed: {self.seen}")
            self.seen.append(line)
            if contains in line:
                return line

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        assert self.process.wait(timeout=PATIENCE) == -signal.SIGKILL

    def terminate(self):
        """SIGTERM, then the clean stop: exit 0 and a last line `... stopped`."""
        self._stop()
        assert self.seen and self.seen[-1].endswith(" stopped"), self.seen
        assert not [line for line in self.seen if " error: " in line], self.seen

    def terminate_json(self):
        """As terminate(), for a runner started with --json."""
        self._stop()
        assert self.seen and json.loads(self.seen[-1]).get("stopped") is True, self.seen
        assert not [line for line in self.seen if '"error"' in line], self.seen

    def _stop(self):
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=PATIENCE)
        self.reader.join(timeout=PATIENCE)
        rest = []
        while not self.lines.empty():
            line = self.lines.get()
            if line is not None:
                rest.append(line)
        self.seen += rest
        assert code == 0, f"crmflow run exited {code} after SIGTERM: {self.seen}"


def wait_until_completed(db, ids):
    deadline = time.monotonic() + PATIENCE
    while True:
        statuses = {i: cases(db)[i]["status"] for i in ids}
        if all(s == "completed" for s in statuses.values()):
            return
        if time.monotonic() > deadline:
            pytest.fail(f"cases not completed after {PATIENCE} s: {statuses}")
        time.sleep(0.2)


def assert_each_fired_once(db, ids):
    listed = cases(db)
    for i in ids:
        assert listed[i]["status"] == "completed", listed[i]
        assert listed[i]["active"] == [], listed[i]
        assert timers_fired(db, i) == 1, f"case {i}: timer_fired {timers_fired(db, i)} times"


def test_timers_missed_while_killed_fire_once_after_a_restart(tmp_path):
    db = tmp_path / "crm.db"
    deploy(tmp_path, db, NAP)
    ids = start_cases(db, "nap", 16)
    started = time.monotonic()

    # Killed before (most of) the timers are due.
    first = Run(db)
    first.wait_for_line("running on")
    first.kill()

    # Every timer falls due while no runner runs.
    time.sleep(max(0.0, started + 2.5 - time.monotonic()))

    # Killed again while they are due: some may have fired, the rest have not.
    second = Run(db)
    second.wait_for_line("running on")
    time.sleep(random.uniform(0.0, 0.05))
    second.kill()
    done = [i for i, c in cases(db).items() if c["status"] == "completed"]
    print(f"{len(done)} of {len(ids)} cases completed when the second runner was killed")

    third = Run(db, "--workers", 2)
    third.wait_for_line("running on")
    wait_until_completed(db, ids)
    third.terminate()
    assert_each_fired_once(db, ids)

    # A runner started on the finished database fires nothing.
    fourth = Run(db)
    fourth.wait_for_line("running on")
    time.sleep(0.5)
    fourth.terminate()
    assert not [line for line in fourth.seen if " fired " in line], fourth.seen
    assert_each_fired_once(db, ids)


def test_sigterm_while_timers_fire_loses_no_job(tmp_path):
    db = tmp_path / "crm.db"
    deploy(tmp_path, db, NOW)
    ids = start_cases(db, "now", 30)

    # Every timer is due when the runner starts: SIGTERM lands before or during its first pass.
    first = Run(db, "--workers", 2)
    first.wait_for_line("running on")
    first.terminate()
    fired_first = sum(int(line.split()[2]) for line in first.seen if " fired " in line)
    print(f"{fired_first} of {len(ids)} timers fired before the SIGTERM stop")
    listed = cases(db)
    completed = [i for i in ids if listed[i]["status"] == "completed"]
    # What the stopped runner reported is exactly what it committed.
    assert fired_first == len(completed), (first.seen, listed)

    second = Run(db)
    second.wait_for_line("running on")
    wait_until_completed(db, ids)
    second.terminate()
    fired_second = sum(int(line.split()[2]) for line in second.seen if " fired " in line)
    assert fired_first + fired_second == len(ids), (first.seen, second.seen)
    assert_each_fired_once(db, ids)


def test_cases_started_while_it_runs_fire_and_the_json_log(tmp_path):
    db = tmp_path / "crm.db"
    deploy(tmp_path, db, NOW)
    runner = Run(db, "--json")
    started = json.loads(runner.wait_for_line('"started"'))
    assert started["started"] == str(db) and started["workers"] == 1, started
    # Another process adds the work: the runner finds it by looking at the database.
    ids = start_cases(db, "now", 2)
    wait_until_completed(db, ids)
    runner.terminate_json()
    fired = [json.loads(line) for line in runner.seen if '"fired"' in line]
    assert sum(entry["fired"] for entry in fired) == 2, runner.seen
    assert all(set(entry) == {"at", "fired", "delivered", "now"} for entry in fired), runner.seen
    assert_each_fired_once(db, ids)


def test_usage_errors(tmp_path):
    db = tmp_path / "crm.db"
    for bad in ("0", "65", "two", "1.5"):
        done = subprocess.run([CRMFLOW, "--db", str(db), "run", "--workers", bad],
                              capture_output=True, text=True, timeout=PATIENCE)
        assert done.returncode == 2, done
        assert done.stderr == (f"crmflow: usage: --workers '{bad}': write a whole number from 1 "
                               f"to 64\n"), done.stderr
    assert not db.exists()
