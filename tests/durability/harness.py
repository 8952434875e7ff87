"""Shared helpers of the durability tests: finding and running durability_driver.

The driver is named by CRMFLOW_DURABILITY_DRIVER (CTest sets it, see CMakeLists.txt). Every
helper returns the driver's output as text; acknowledgement lines end with a newline, so a line
cut short by a kill (which emit() never produces, but a test should not trust that) is dropped.
"""

import os
import subprocess
import sys

import pytest


def driver():
    path = os.environ.get("CRMFLOW_DURABILITY_DRIVER")
    if not path:
        pytest.fail("CRMFLOW_DURABILITY_DRIVER is not set: run this test through CTest "
                    "(ctest -R durability) or set it to the durability_driver binary")
    if not os.access(path, os.X_OK):
        pytest.fail(f"CRMFLOW_DURABILITY_DRIVER={path} is not an executable")
    return path


def whole_lines(data):
    """The complete lines of a process's output (without the last one if it lacks its newline)."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    lines = text.split("\n")
    return lines[:-1]  # the piece after the last newline is empty or cut short


def run(args, timeout=120):
    """Runs the driver to completion and returns (exit code, stdout lines, stderr text)."""
    done = subprocess.run([driver(), *args], capture_output=True, timeout=timeout)
    return done.returncode, whole_lines(done.stdout), done.stderr.decode("utf-8", "replace")


def verify(db, ack_log, *flags):
    """Runs `verify` and fails the test with its full report when it finds a violation."""
    code, out, err = run(["verify", str(db), str(ack_log), *flags])
    report = "\n".join(out)
    if code != 0:
        pytest.fail(f"verify {db} found violations (exit {code}):\n{report}\n{err}")
    sys.stdout.write(report + "\n")
    return report


def lines_of(kind, lines):
    """The lines of one kind ('started', 'won', ...) split into words."""
    return [line.split() for line in lines if line.split()[:1] == [kind]]
