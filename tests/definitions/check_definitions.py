#!/usr/bin/python3
"""Checks one definition file with `crmflow validate` (see README.md for the convention).

usage: check_definitions.py CRMFLOW valid|invalid|example FILE

valid:   exit 0 and no output at all.
invalid: exit 1; stderr holds exactly one `FILE:LINE:COL: error: MESSAGE` line per
         `# expect: LINE:COL: SUBSTRING` comment at the top of the file, MESSAGE containing
         SUBSTRING, and nothing else.
example: as valid; a YAML file that is no process (no top-level `process:`) is skipped (77).
"""
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from expectations import check_diagnostics, expectations  # noqa: E402

SKIP = 77
def is_process(path):
    with open(path, encoding="utf-8") as f:
        return any(line.startswith("process:") for line in f)


def main():
    crmflow, mode, path = sys.argv[1:4]
    if mode == "example" and not is_process(path):
        print(f"{path}: not a process definition, skipped")
        return SKIP
    run = subprocess.run([crmflow, "validate", path], capture_output=True, text=True)
    out = f"--- exit code {run.returncode}\n--- stdout\n{run.stdout}--- stderr\n{run.stderr}"
    if mode in ("valid", "example"):
        if run.returncode != 0 or run.stdout or run.stderr:
            print(f"{path}: expected to validate silently with exit code 0\n{out}")
            return 1
        return 0

    wanted = expectations(path)
    if not wanted:
        print(f"{path}: an invalid/ file must begin with '# expect: LINE:COL: TEXT' lines")
        return 1
    problems = []
    if run.returncode != 1:
        problems.append(f"exit code {run.returncode}, expected 1")
    if run.stdout:
        problems.append("unexpected output on stdout")
    problems += check_diagnostics(path, wanted, run.stderr)
    if problems:
        print(f"{path}:\n  " + "\n  ".join(problems) + f"\n{out}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
