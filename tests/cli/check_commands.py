#!/usr/bin/python3
"""CLI tests of `crmflow validate` and `crmflow graph` (spec/cli.md, "Checking flows").

usage: check_commands.py CRMFLOW SOURCE_DIR validate
       check_commands.py CRMFLOW SOURCE_DIR graph-usage
       check_commands.py CRMFLOW SOURCE_DIR graph FILE     (dot, svg and mermaid of one process)
Prints what failed and exits 1; exits 0 when every check passed.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

failures = []


def run(crmflow, *args, env=None):
    return subprocess.run([crmflow, *args], capture_output=True, text=True, env=env)


def check(condition, what, result=None):
    if condition:
        return
    detail = ""
    if result is not None:
        detail = (f"\n    exit {result.returncode}\n    stdout: {result.stdout[:2000]!r}"
                  f"\n    stderr: {result.stderr[:2000]!r}")
    failures.append(what + detail)


DIAGNOSTIC = re.compile(r"^(.+):(\d+):(\d+): error: .+$")


def test_validate(crmflow, source):
    valid = os.path.join(source, "tests/definitions/valid/loop-with-exit.yaml")
    valid2 = os.path.join(source, "tests/definitions/valid/nested-subprocess.yaml")
    invalid = os.path.join(source, "tests/definitions/invalid/closed-cycle.yaml")
    invalid2 = os.path.join(source, "tests/definitions/invalid/unreachable-step.yaml")
    missing = os.path.join(source, "tests/definitions/no-such-file.yaml")

    r = run(crmflow, "validate")
    check(r.returncode == 2 and r.stderr.startswith("crmflow: usage:") and not r.stdout,
          "validate without a file is bad usage (2)", r)
    r = run(crmflow, "validate", "--no-such-option", valid)
    check(r.returncode == 2 and "crmflow: usage:" in r.stderr, "an unknown option is bad usage", r)

    r = run(crmflow, "validate", valid, valid2)
    check(r.returncode == 0 and r.stdout == "" and r.stderr == "", "valid files: 0, silent", r)

    r = run(crmflow, "validate", invalid)
    lines = r.stderr.splitlines()
    check(r.returncode == 1 and r.stdout == "" and lines, "an invalid file: 1", r)
    check(all(DIAGNOSTIC.match(l) and l.startswith(invalid + ":") for l in lines),
          "each problem is FILE:LINE:COL: error: MESSAGE", r)

    r = run(crmflow, "validate", invalid, valid, invalid2)
    files = {DIAGNOSTIC.match(l).group(1) for l in r.stderr.splitlines() if DIAGNOSTIC.match(l)}
    check(r.returncode == 1 and files == {invalid, invalid2},
          "every file is checked and every invalid one reported", r)

    r = run(crmflow, "validate", missing)
    check(r.returncode == 2 and r.stderr.startswith(missing + ": error: cannot read"),
          "an unreadable file: 2 and FILE: error: ...", r)
    r = run(crmflow, "validate", valid, missing, invalid)
    check(r.returncode == 2 and invalid + ":" in r.stderr,
          "an unreadable file wins over an invalid one (2), the others are still checked", r)
    r = run(crmflow, "validate", source)
    check(r.returncode == 2 and "is a directory" in r.stderr, "a directory is unreadable", r)

    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write("process: broken\nsteps: [\n")
    try:
        r = run(crmflow, "validate", f.name)
        check(r.returncode == 1 and r.stderr.startswith(f.name + ":"),
              "a YAML syntax error is a problem like any other (1)", r)
    finally:
        os.unlink(f.name)


def test_graph_usage(crmflow, source):
    valid = os.path.join(source, "tests/definitions/valid/loop-with-exit.yaml")
    invalid = os.path.join(source, "tests/definitions/invalid/closed-cycle.yaml")
    r = run(crmflow, "graph")
    check(r.returncode == 2 and "crmflow: usage:" in r.stderr, "graph without a file: 2", r)
    r = run(crmflow, "graph", valid, valid)
    check(r.returncode == 2, "graph takes one file: 2", r)
    r = run(crmflow, "graph", valid, "--format", "png")
    check(r.returncode == 2 and "unknown format 'png'" in r.stderr, "an unknown format: 2", r)
    r = run(crmflow, "graph", valid, "--format")
    check(r.returncode == 2, "--format without a value: 2", r)
    r = run(crmflow, "graph", os.path.join(source, "no-such.yaml"))
    check(r.returncode == 1 and "cannot read" in r.stderr and not r.stdout,
          "graph of an unreadable file: 1", r)
    r = run(crmflow, "graph", invalid)
    check(r.returncode == 1 and not r.stdout and
          all(DIAGNOSTIC.match(l) for l in r.stderr.splitlines()),
          "graph of an invalid file: 1 with its problems", r)
    r = run(crmflow, "graph", valid, "--db", "memory:", "--case", "c-1")
    check(r.returncode == 1 and r.stderr.startswith("crmflow: error: invalid_input:") and
          "--case" in r.stderr and not r.stdout, "a malformed --case id is refused (1)", r)
    r = run(crmflow, "--format=mermaid", "graph", valid)
    check(r.returncode == 2, "a command's option before the command word is unknown (2)", r)
    r = run(crmflow, "graph", "--format=mermaid", valid)
    check(r.returncode == 0 and r.stdout.startswith("flowchart TD\n"), "--format=mermaid", r)

    # svg without Graphviz on PATH: a clear message naming the package.
    env = dict(os.environ, PATH="/nonexistent")
    r = run(crmflow, "graph", valid, "--format", "svg", env=env)
    check(r.returncode == 1 and "graphviz" in r.stderr and not r.stdout,
          "svg without `dot`: 1, naming the package graphviz", r)


def steps_of(document):
    for step in document.get("steps", []):
        yield step
        yield from steps_of(step)


MERMAID_NODE = re.compile(r'^\s*([A-Za-z][A-Za-z0-9_]*)(\(\(\(|\(\(|\[\[|\(|\{)"(.*)"(\)\)\)|\)\)|\]\]|\)|\})$')
MERMAID_SUBGRAPH = re.compile(r'^\s*subgraph ([A-Za-z][A-Za-z0-9_]*) \["(.*)"\]$')
MERMAID_EDGE = re.compile(r'^\s*([A-Za-z][A-Za-z0-9_]*) (-->|-\.->)(\|"[^"]*"\|)? ([A-Za-z][A-Za-z0-9_]*)$')


def mermaid_text(text):
    escapes = {'"': "#quot;", "#": "#35;", "<": "#lt;", ">": "#gt;", "\n": "<br/>"}
    return "".join(escapes.get(c, c) for c in text)


def test_graph(crmflow, path):
    with open(path, encoding="utf-8") as f:
        document = yaml.safe_load(f)
    steps = list(steps_of(document))

    r = run(crmflow, "graph", path)
    check(r.returncode == 0 and r.stdout.startswith("digraph ") and r.stderr == "",
          f"{path}: dot is the default format", r)
    again = run(crmflow, "graph", path, "--format", "dot")
    check(again.stdout == r.stdout, f"{path}: the drawing is deterministic")
    for step in steps:
        # A subprocess with steps is a cluster named after it.
        name = ("cluster_" if step.get("steps") else "") + str(step["id"])
        check('"' + name.replace('"', '\\"') + '"' in r.stdout,
              f"{path}: dot names step {step['id']}")
    dot = shutil.which("dot")
    check(dot is not None, "Graphviz `dot` is installed (scripts/setup.sh)")
    if dot:
        g = subprocess.run([dot, "-Tsvg"], input=r.stdout, capture_output=True, text=True)
        check(g.returncode == 0 and "<svg" in g.stdout and g.stderr == "",
              f"{path}: Graphviz accepts the dot text", g)

        s = run(crmflow, "graph", path, "--format", "svg")
        check(s.returncode == 0 and "<svg" in s.stdout and s.stdout.rstrip().endswith("</svg>"),
              f"{path}: --format svg", s)

    m = run(crmflow, "graph", path, "--format", "mermaid")
    lines = m.stdout.splitlines()
    check(m.returncode == 0 and lines and lines[0] == "flowchart TD", f"{path}: mermaid", m)
    nodes, edges = {}, []
    for line in lines[1:]:
        if n := MERMAID_NODE.match(line):
            nodes[n.group(1)] = n.group(3)
        elif sg := MERMAID_SUBGRAPH.match(line):
            nodes[sg.group(1)] = sg.group(2)
        elif e := MERMAID_EDGE.match(line):
            edges.append((e.group(1), e.group(4)))
        elif line.strip() == "end" or line.lstrip().startswith(("classDef ", "class ", "linkStyle ")):
            pass
        else:
            check(False, f"{path}: unexpected mermaid line {line!r}")
    check(len(nodes) == len(steps), f"{path}: one mermaid node per step ({len(nodes)} for {len(steps)})", m)
    for step in steps:
        caption = mermaid_text(str(step.get("name", step["id"])))
        # A gateway's label starts with its marker: "X name", "+ name", "O name", "◎ name".
        check(any(label.split("<br/>")[0] in (caption, *(m + " " + caption for m in "X+O◎"))
                  for label in nodes.values()),
              f"{path}: mermaid shows step {step['id']} as {caption!r}")
    check(edges, f"{path}: mermaid has edges")
    for a, b in edges:
        check(a in nodes and b in nodes, f"{path}: mermaid edge {a} --> {b} joins known nodes")


def main():
    crmflow, source, what = sys.argv[1:4]
    if what == "validate":
        test_validate(crmflow, source)
    elif what == "graph-usage":
        test_graph_usage(crmflow, source)
    elif what == "graph":
        test_graph(crmflow, sys.argv[4])
    else:
        print(f"unknown test {what}")
        return 2
    for f in failures:
        print("FAILED:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
