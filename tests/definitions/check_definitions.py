#!/usr/bin/python3
"""Checks one definition file with `crmflow validate` (see README.md for the convention).

usage: check_definitions.py CRMFLOW valid|invalid|example FILE

valid:   exit 0 and no output at all.
invalid: exit 1; stderr holds exactly one `FILE:LINE:COL: error: MESSAGE` line per
         `# expect: LINE:COL: SUBSTRING` comment at the top of the file, MESSAGE containing
         SUBSTRING, and nothing else.
example: as valid; a YAML file that is no process (no top-level `process:`) is skipped (77).
"""
import re
import subprocess
import sys

SKIP = 77
EXPECT = re.compile(r"#\s*expect:\s*(\d+):(\d+):\s?(.*)$")


def expectations(path):
    found = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                break
            m = EXPECT.match(line.rstrip("\n"))
            if m:
                found.append((int(m.group(1)), int(m.group(2)), m.group(3).strip()))
    return found


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
    prefix = re.compile(re.escape(path) + r":(\d+):(\d+): error: (.*)$")
    lines = [l for l in run.stderr.splitlines() if l]
    unmatched = list(range(len(lines)))
    for line_no, col, text in wanted:
        hit = None
        for i in unmatched:
            m = prefix.match(lines[i])
            if m and int(m.group(1)) == line_no and int(m.group(2)) == col and text in m.group(3):
                hit = i
                break
        if hit is None:
            problems.append(f"missing: {path}:{line_no}:{col}: error: ...{text}...")
        else:
            unmatched.remove(hit)
    for i in unmatched:
        problems.append(f"unexpected: {lines[i]}")
    if problems:
        print(f"{path}:\n  " + "\n  ".join(problems) + f"\n{out}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
