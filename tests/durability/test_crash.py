"""Crash safety of the SQLite store: SIGKILL a writer at random moments, reopen, verify.

Each round starts `durability_driver writer` on a database, kills it with SIGKILL after a random
delay, keeps the lines it had printed (each one an acknowledged call), and runs `verify`, which
checks PRAGMA integrity_check, that every acknowledged start and completion is there, that no
case is half-applied, and that at most the one call in flight is in the database without an
acknowledgement (see verify.cpp). Rounds go on writing to the database the previous round left,
so every round also proves that a crashed database can be written again.

The delays come from a seeded generator: the seed is printed, and CRMFLOW_DURABILITY_SEED=<seed>
replays a failing run.
"""

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time

import pytest

from harness import driver, lines_of, verify, whole_lines

# Rounds per database and databases: 4 x 5 rounds keep the test under a minute on two cores,
# ASan build included, while each database still sees several crashes and recoveries.
DATABASES = 4
ROUNDS_PER_DATABASE = 5
# The writer is killed this long after it acknowledged its deploy (seconds): from its first start
# to well inside the stream. test_kill_during_the_first_transactions covers the moments before.
DELAY = (0.0, 0.4)
# More cases than any writer reaches before its kill; one that finishes is fine too.
CASES_PER_WRITER = 100000


def seed():
    value = os.environ.get("CRMFLOW_DURABILITY_SEED")
    chosen = int(value) if value else random.SystemRandom().randrange(1 << 32)
    print(f"durability seed {chosen} (replay with CRMFLOW_DURABILITY_SEED={chosen})")
    return chosen


def kill_writer(db, prefix, delay, from_deploy=False, cases=CASES_PER_WRITER):
    """Runs a writer, SIGKILLs it `delay` seconds after its start (or, with from_deploy, after it
    acknowledged its deploy, so that a slow start under a sanitizer does not eat the delay),
    returns its acknowledged lines."""
    # Unbuffered: readline() must not read ahead what communicate() then would not see.
    writer = subprocess.Popen([driver(), "writer", str(db), str(cases), prefix],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    first = writer.stdout.readline() if from_deploy else b""
    time.sleep(delay)
    writer.send_signal(signal.SIGKILL)
    out, err = writer.communicate(timeout=60)
    lines = whole_lines(first + out)
    finished = writer.returncode == 0 and lines[-1:] == ["done"]
    # A writer may only end by our kill or by finishing; a refused call is a failure.
    assert writer.returncode == -signal.SIGKILL or finished, (
        f"writer {prefix} exited with {writer.returncode} before the kill:\n"
        f"{err.decode('utf-8', 'replace')}")
    return lines


def crash_rounds(tmp_path, rng, database, rounds, delay):
    db = tmp_path / f"crash-{database}.db"
    ack_log = tmp_path / f"crash-{database}.acks"
    ack_log.touch()
    acknowledged = 0
    for round_number in range(rounds):
        prefix = f"D{database}R{round_number}"
        wait = rng.uniform(*delay)
        lines = kill_writer(db, prefix, wait, from_deploy=True)
        with ack_log.open("a") as log:
            log.writelines(line + "\n" for line in lines)
        acknowledged += len(lines_of("started", lines)) + len(lines_of("completed", lines))
        report = verify(db, ack_log)
        print(f"round {prefix}: killed {wait * 1000:.0f} ms after its deploy, {len(lines)} lines; "
              f"{report}")
    return acknowledged


def test_kill_during_the_stream_loses_nothing_acknowledged(tmp_path):
    rng = random.Random(seed())
    acknowledged = 0
    for database in range(DATABASES):
        acknowledged += crash_rounds(tmp_path, rng, database, ROUNDS_PER_DATABASE, DELAY)
    # The test means something only if the writers got to commit before their kills.
    assert acknowledged > 0, "no writer acknowledged any call before it was killed"


def test_kill_during_the_first_transactions(tmp_path):
    """Kills within the first 60 ms (open, schema creation, deploy, first start), then
    lets a writer finish on the same file: a database cut short while it was being created must
    open, migrate and work."""
    rng = random.Random(seed())
    for attempt in range(3):
        db = tmp_path / f"early-{attempt}.db"
        ack_log = tmp_path / f"early-{attempt}.acks"
        ack_log.touch()
        for round_number in range(3):
            lines = kill_writer(db, f"E{attempt}R{round_number}", rng.uniform(0.0, 0.06))
            with ack_log.open("a") as log:
                log.writelines(line + "\n" for line in lines)
        done = subprocess.run([driver(), "writer", str(db), "3", f"E{attempt}END"],
                              capture_output=True, timeout=60)
        lines = whole_lines(done.stdout)
        assert done.returncode == 0, (
            f"a writer on the database left by early kills failed:\n"
            f"{done.stderr.decode('utf-8', 'replace')}")
        assert lines_of("started", lines) and lines[-1] == "done", lines
        with ack_log.open("a") as log:
            log.writelines(line + "\n" for line in lines)
        verify(db, ack_log)


def test_verify_reports_what_a_crash_could_break(tmp_path):
    """The verifier itself: on a sound database it passes, and it names a lost acknowledged
    completion, changes without an acknowledgement beyond the call in flight, and a task row
    missing under its history (a half-applied commit)."""
    db = tmp_path / "sound.db"
    done = subprocess.run([driver(), "writer", str(db), "4", "V"], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    lines = whole_lines(done.stdout)
    completions = lines_of("completed", lines)
    sound = tmp_path / "sound.acks"
    sound.write_text("".join(line + "\n" for line in lines))
    verify(db, sound)

    def violations(ack_lines, database=db):
        acks = tmp_path / "mutated.acks"
        acks.write_text("".join(line + "\n" for line in ack_lines))
        done = subprocess.run([driver(), "verify", str(database), str(acks)],
                              capture_output=True, timeout=60)
        assert done.returncode == 1, f"verify passed a broken database:\n{done.stdout!r}"
        return done.stdout.decode()

    # Two completions of one run without their lines: more than the one call in flight.
    last_two = {" ".join(words) for words in completions[-2:]}
    report = violations([line for line in lines if line not in last_two])
    assert "2 changes are in the database without an acknowledgement" in report, report

    # An acknowledged completion the database does not have.
    started = lines_of("started", lines)
    extra = f"completed 999999 {started[0][2]} writer"
    report = violations(lines + [extra])
    assert "acknowledged completion of task 999999" in report and "is lost" in report, report

    # A task row gone while its case's history still has it (a completed task: it has no
    # candidate rows that would point at it).
    task = completions[0][1]
    broken = tmp_path / "broken.db"
    for suffix in ("", "-wal", "-shm"):
        if (tmp_path / f"sound.db{suffix}").exists():
            shutil.copy(tmp_path / f"sound.db{suffix}", tmp_path / f"broken.db{suffix}")
    with sqlite3.connect(broken) as connection:
        connection.execute("DELETE FROM tasks WHERE id = ?", (int(task),))
    report = violations(lines, database=broken)
    assert f"task {task} at work-" in report and "in the history but not in the store" in report, \
        report
