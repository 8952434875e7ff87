#!/usr/bin/python3
"""Runs one scenario file with `crmflow test` (see README.md for the convention).

usage: check_scenarios.py CRMFLOW valid|invalid FILE

valid:   exit 0, every scenario line `PASS name`, the last line `N passed, 0 failed`, nothing on
         stderr.
invalid: exit 2; stderr holds exactly one `FILE:LINE:COL: error: MESSAGE` line per
         `# expect: LINE:COL: SUBSTRING` comment at the top of the file, MESSAGE containing
         SUBSTRING, and nothing else.
"""
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from expectations import check_diagnostics, expectations  # noqa: E402


def main():
    crmflow, mode, path = sys.argv[1:4]
    # "valid-sqlite": the same scenarios through SqliteStore (crmflow test --store sqlite).
    extra = ["--store", "sqlite"] if mode == "valid-sqlite" else []
    run = subprocess.run([crmflow, "test", path] + extra, capture_output=True, text=True)
    out = f"--- exit code {run.returncode}\n--- stdout\n{run.stdout}--- stderr\n{run.stderr}"
    if mode in ("valid", "valid-sqlite"):
        lines = run.stdout.splitlines()
        ok = (run.returncode == 0 and not run.stderr and lines
              and re.fullmatch(r"\d+ passed, 0 failed", lines[-1])
              and all(l.startswith("PASS ") for l in lines[:-1]) and len(lines) > 1)
        if not ok:
            print(f"{path}: expected every scenario to pass with exit code 0\n{out}")
            return 1
        return 0

    wanted = expectations(path)
    if not wanted:
        print(f"{path}: an invalid/ file must begin with '# expect: LINE:COL: TEXT' lines")
        return 1
    problems = []
    if run.returncode != 2:
        problems.append(f"exit code {run.returncode}, expected 2")
    if run.stdout.strip() != "0 passed, 0 failed":
        problems.append("stdout must be only '0 passed, 0 failed': no scenario may run")
    problems += check_diagnostics(path, wanted, run.stderr)
    if problems:
        print(f"{path}:\n  " + "\n  ".join(problems) + f"\n{out}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
