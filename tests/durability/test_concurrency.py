"""Concurrency of the SQLite store: two processes on one database file.

Two `durability_driver complete-all` processes list the same open tasks and, released at the same
moment, race to complete them. Afterwards every task has been completed exactly once: the `won`
lines of the two processes are disjoint and together name every task, each loser saw the task
completed by the other (`lost`) or retried after a `conflict`, no call failed (in particular no
"database is locked" and no `unavailable` reached the caller), and `verify` finds exactly one
task_completed event per task, by the process that won it.
"""

import subprocess

import pytest

from harness import driver, lines_of, run, verify, whole_lines

CASES = 40  # 80 open tasks: two per case, so completions also race on the same case row


def open_cases(db, ack_log, prefix, cases=CASES):
    code, out, err = run(["writer", str(db), str(cases), prefix, "--open"])
    assert code == 0, f"creating {cases} cases failed:\n{err}"
    with ack_log.open("a") as log:
        log.writelines(line + "\n" for line in out)
    return [int(words[2]) for words in lines_of("started", out)]


def race(db, orders):
    """Starts one complete-all per order, releases them together, returns their output lines."""
    workers = []
    for number, order in enumerate(orders):
        worker = subprocess.Popen(
            [driver(), "complete-all", str(db), f"worker{number}", "--order", order, "--wait-go"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            bufsize=0)  # readline() must not read ahead what communicate() then would not see
        workers.append(worker)
    ready = []
    for worker in workers:
        line = worker.stdout.readline().decode()
        assert line.startswith("ready "), f"a worker did not get ready: {line!r}"
        ready.append(int(line.split()[1]))
    for worker in workers:
        worker.stdin.write(b"go\n")
    results = []
    for worker, listed in zip(workers, ready):
        out, err = worker.communicate(timeout=120)
        lines = whole_lines(out)
        text = "\n".join(lines) + "\n" + err.decode("utf-8", "replace")
        assert "database is locked" not in text.lower(), text
        assert worker.returncode == 0 and not lines_of("error", lines), text
        results.append((f"worker{len(results)}", listed, lines))
    return results


def check_exactly_once(results, tasks_expected):
    won = {}
    for name, listed, lines in results:
        wins = lines_of("won", lines)
        assert len(wins) + len(lines_of("lost", lines)) == listed, (
            f"{name} listed {listed} tasks but reported {len(wins)} won and the rest not lost")
        for _, task, _, worker in wins:
            assert worker == name, f"{name} reported a win as {worker}"
            assert task not in won, f"task {task} won by {won[task]} and by {worker}"
            won[task] = worker
    for name, _, lines in results:
        for _, task, _ in lines_of("lost", lines):
            assert won.get(task, name) != name, f"{name} lost task {task}, which nobody else won"
    assert len(won) == tasks_expected, f"{len(won)} tasks completed, expected {tasks_expected}"
    summaries = [f"{name}: {lines[-1]}" for name, _, lines in results]
    print("race:", " | ".join(summaries))


# forward/forward: both go for the same task at once; forward/reverse: they meet in the middle;
# forward/crossed: they complete the two tasks of one case at once, so commits conflict.
@pytest.mark.parametrize("orders", [("forward", "forward"), ("forward", "reverse"),
                                    ("forward", "crossed")])
def test_two_processes_complete_each_task_exactly_once(tmp_path, orders):
    db = tmp_path / "race.db"
    ack_log = tmp_path / "race.acks"
    ack_log.touch()
    cases = open_cases(db, ack_log, "C")
    assert len(cases) == CASES
    results = race(db, orders)
    for _, listed, _ in results:
        assert listed == 2 * CASES, f"a worker listed {listed} open tasks, expected {2 * CASES}"
    check_exactly_once(results, 2 * CASES)
    with ack_log.open("a") as log:
        for _, _, lines in results:
            log.writelines(line + "\n" for line in lines)
    verify(db, ack_log, "--all-acknowledged", "--all-completed")


def test_two_writers_at_once_share_the_file(tmp_path):
    """Two writers deploying one definition, then starting and completing their own cases at the
    same time on a new file: both see version 1 (one deploys it, the other finds it deployed),
    ids are never handed out twice, no call fails on the other's locks, and everything is
    acknowledged."""
    db = tmp_path / "writers.db"
    ack_log = tmp_path / "writers.acks"
    writers = [subprocess.Popen([driver(), "writer", str(db), "30", prefix],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for prefix in ("A", "B")]
    outputs = []
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        text = err.decode("utf-8", "replace")
        assert writer.returncode == 0, f"a concurrent writer failed:\n{text}"
        assert "database is locked" not in text.lower(), text
        outputs.append(whole_lines(out))
    for out in outputs:
        assert "deployed 1" in out, f"a writer did not see version 1: {out[:3]}"
    case_ids = [words[2] for out in outputs for words in lines_of("started", out)]
    assert len(case_ids) == 60 and len(set(case_ids)) == 60, "case ids handed out twice"
    with ack_log.open("w") as log:
        for out in outputs:
            log.writelines(line + "\n" for line in out)
    verify(db, ack_log, "--all-acknowledged", "--all-completed")


def test_two_processes_create_the_file_at_once(tmp_path):
    """Two processes opening a file that does not exist yet both create and migrate the schema;
    both must succeed, and the file must then work."""
    db = tmp_path / "new.db"
    results = race(db, ("forward", "forward"))
    for name, listed, lines in results:
        assert listed == 0 and lines[-1] == "summary won 0 lost 0 conflicts 0 errors 0", (
            name, lines)
    ack_log = tmp_path / "new.acks"
    open_cases(db, ack_log, "N", cases=3)
    verify(db, ack_log, "--all-acknowledged")
