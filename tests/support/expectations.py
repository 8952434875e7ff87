"""The `# expect: LINE:COL: SUBSTRING` convention of the invalid/ test files.

A file that must be refused begins with one such comment line per diagnostic it must produce.
`crmflow validate` and `crmflow test` print each problem as `FILE:LINE:COL: error: MESSAGE` on
stderr; `check_diagnostics` requires exactly the expected ones (MESSAGE containing SUBSTRING) and
nothing else.
"""
import re

EXPECT = re.compile(r"#\s*expect:\s*(\d+):(\d+):\s?(.*)$")


def expectations(path):
    """The (line, column, substring) triples at the top of `path`, before any other line."""
    found = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                break
            m = EXPECT.match(line.rstrip("\n"))
            if m:
                found.append((int(m.group(1)), int(m.group(2)), m.group(3).strip()))
    return found


def check_diagnostics(path, wanted, stderr):
    """Problems (a list of text lines, empty when all is well) comparing stderr with `wanted`."""
    problems = []
    prefix = re.compile(re.escape(path) + r":(\d+):(\d+): error: (.*)$")
    lines = [l for l in stderr.splitlines() if l]
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
    return problems
