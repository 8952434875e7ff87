#!/usr/bin/python3
"""Runs one scenario file with `crmflow test` (see README.md for the convention).

usage: check_scenarios.py CRMFLOW valid|invalid FILE

valid:   exit 0, every scenario line `PASS name`, the last line `N passed, 0 failed`, nothing on
         stderr.
invalid: exit 2; stderr holds exactly one `FILE:LINE:COL: error: MESSAGE` line per
         `# expect: LINE:COL: SUBSTRING` comment at the top of the file, MESSAGE containing
         SUBSTRING, and nothing else.
"""
import re
import subprocess
import sys

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


def main():
    crmflow, mode, path = sys.argv[1:4]
    run = subprocess.run([crmflow, "test", path], capture_output=True, text=True)
    out = f"--- exit code {run.returncode}\n--- stdout\n{run.stdout}--- stderr\n{run.stderr}"
    if mode == "valid":
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
