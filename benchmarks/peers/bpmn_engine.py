#!/usr/bin/python3
"""Runs crmflow-bench's four basic workloads on bpmn-engine (Node) and prints JSON lines.

    /usr/bin/python3 benchmarks/peers/bpmn_engine.py [--cases N] [--version SPEC] [--keep DIR]

bpmn-engine is installed from the npm registry into a fresh temporary folder (removed at the end
unless --keep names one to reuse). Every step has a timeout, so the script never hangs.
Exit codes: 0 done; 3 node or npm is missing; 4 the install failed (offline, registry refused,
timeout); 5 a workload failed or timed out; 64 bad arguments.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOADS = ("empty", "usertask", "service3", "parallel")
INSTALL_TIMEOUT_S = 180
RUN_TIMEOUT_S = 600

EXIT_NO_NODE = 3
EXIT_INSTALL_FAILED = 4
EXIT_RUN_FAILED = 5


def say(message):
    print(f"bpmn_engine.py: {message}", file=sys.stderr, flush=True)


def install(folder, spec):
    """npm install bpmn-engine into folder; returns False (having said why) on failure."""
    command = ["npm", "install", "--prefix", folder, "--no-audit", "--no-fund",
               "--no-save", "--loglevel=error", "--fetch-retries=1",
               "--fetch-timeout=30000", spec]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        say(f"npm install {spec} did not finish in {INSTALL_TIMEOUT_S} s (offline?)")
        return False
    if done.returncode != 0:
        say(f"npm install {spec} failed ({done.returncode}):\n{done.stderr.strip()}")
        return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=0,
                        help="cases per workload (default: 2000; usertask and the others alike)")
    parser.add_argument("--version", default="bpmn-engine@25",
                        help="what npm installs (default: bpmn-engine@25)")
    parser.add_argument("--keep", default="",
                        help="install into (or reuse) this folder instead of a temporary one")
    parser.add_argument("--workload", action="append", choices=WORKLOADS,
                        help="run only these workloads (repeatable; default: all four)")
    args = parser.parse_args()
    if args.cases < 0:
        parser.error("--cases must be positive")
    cases = args.cases or 2000

    node = shutil.which("node")
    npm = shutil.which("npm")
    if not node or not npm:
        say("node and npm are needed to run bpmn-engine; not found on PATH: "
            + ", ".join(name for name, path in (("node", node), ("npm", npm)) if not path))
        return EXIT_NO_NODE

    folder = args.keep or tempfile.mkdtemp(prefix="crmflow-peers-")
    try:
        if not os.path.isdir(os.path.join(folder, "node_modules", "bpmn-engine")):
            say(f"installing {args.version} into {folder}")
            if not install(folder, args.version):
                return EXIT_INSTALL_FAILED
        env = dict(os.environ, NODE_PATH=os.path.join(folder, "node_modules"))
        for workload in args.workload or WORKLOADS:
            try:
                done = subprocess.run(
                    [node, os.path.join(HERE, "bpmn_engine_bench.js"), workload, str(cases)],
                    capture_output=True, text=True, timeout=RUN_TIMEOUT_S, env=env,
                    stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                say(f"{workload} did not finish in {RUN_TIMEOUT_S} s")
                return EXIT_RUN_FAILED
            if done.returncode != 0:
                say(f"{workload} failed ({done.returncode}):\n{done.stderr.strip()}")
                return EXIT_RUN_FAILED
            line = done.stdout.strip().splitlines()[-1]
            json.loads(line)  # a malformed line is a bug here: let it show
            print(line, flush=True)
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
