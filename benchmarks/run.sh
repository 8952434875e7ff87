#!/bin/bash
# The one command of issue 9: runs crmflow-bench on every workload and store, then the peers
# (bpmn-engine, installed from npm into a temporary folder), and prints the side-by-side table
# (Markdown). The raw JSON lines are kept in $OUT (default: a temporary file, path printed).
#
#   benchmarks/run.sh [BUILD_DIR] [crmflow-bench arguments...]
#   e.g. benchmarks/run.sh build/bench-release
#        benchmarks/run.sh build/default --smoke
#
# BUILD_DIR defaults to build/release; build it first:
#   cmake --preset release && cmake --build build/release --target crmflow-bench
# PEER_CASES (default 2000) sets the peers' cases per workload; PEERS=0 skips them.
# When node/npm is missing or the registry cannot be reached, the peers' rows are left out and
# the reason is printed; the exit status is then the peers script's (3: no node, 4: no install).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
build="${1:-$root/build/release}"
[ $# -gt 0 ] && shift
bench="$build/benchmarks/crmflow-bench"
if [ ! -x "$bench" ]; then
  echo "run.sh: $bench not found; build the crmflow-bench target in $build first" >&2
  exit 1
fi
out="${OUT:-$(mktemp /tmp/crmflow-bench-XXXXXX.jsonl)}"
echo "run.sh: JSON lines in $out" >&2

"$bench" --json "$@" | tee "$out" >&2 || exit 1
peers_status=0
if [ "${PEERS:-1}" != 0 ]; then
  timeout 1500 /usr/bin/python3 "$here/peers/bpmn_engine.py" --cases "${PEER_CASES:-2000}" \
    | tee -a "$out" >&2
  peers_status=${PIPESTATUS[0]}
  if [ "$peers_status" != 0 ]; then
    echo "run.sh: the peers did not run (exit $peers_status); their rows are missing" >&2
  fi
fi
/usr/bin/python3 "$here/table.py" < "$out"
exit "$peers_status"
