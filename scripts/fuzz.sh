#!/usr/bin/env bash
# Long fuzz runs (docs/fuzzing.md). Usage: bash scripts/fuzz.sh [TARGET|all] [SECONDS]
#   TARGET   process, expression, template, scenario or time; "all" (the default) runs each in
#            turn, SECONDS each
#   SECONDS  how long each target runs (default 600)
# Builds the preset fuzz (clang, libFuzzer, ASan+UBSan), then runs the target with its seed
# corpus (build/fuzz/tests/fuzz/corpus/TARGET) and its dictionary. What it learns is kept in
# build/fuzz-corpus/TARGET (the next run starts from there); an input that crashes, leaks, runs
# longer than 10 s or grows past 2 GiB is written to build/fuzz-findings/TARGET/ and the run
# stops with a non-zero status. Reproduce one with:
#   build/fuzz/tests/fuzz/crmflow_fuzz_TARGET build/fuzz-findings/TARGET/crash-...
# Environment: CRMFLOW_JOBS (build jobs, default 2), CRMFLOW_FUZZ_BUILD=0 (run what is built,
# e.g. while another run builds), CRMFLOW_FUZZ_FLAGS (more libFuzzer flags, e.g. "-only_ascii=1").
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(process expression template scenario time)
target=${1:-all}
seconds=${2:-600}
if [ "$target" = all ]; then
  selected=("${targets[@]}")
else
  found=0
  for t in "${targets[@]}"; do [ "$t" = "$target" ] && found=1; done
  if [ "$found" != 1 ]; then
    echo "scripts/fuzz.sh: unknown target '$target'; one of: all ${targets[*]}" >&2
    exit 2
  fi
  selected=("$target")
fi
case "$seconds" in
  '' | *[!0-9]*)
    echo "scripts/fuzz.sh: SECONDS must be a whole number, not '$seconds'" >&2
    exit 2
    ;;
esac

if [ "${CRMFLOW_FUZZ_BUILD:-1}" != 0 ]; then
  export CCACHE_NOHASHDIR=true
  if [ ! -f build/fuzz/build.ninja ]; then
    cmake --preset fuzz >/dev/null
  fi
  programs=()
  for t in "${selected[@]}"; do programs+=("crmflow_fuzz_$t"); done
  cmake --build build/fuzz -j "${CRMFLOW_JOBS:-2}" --target "${programs[@]}"
fi

status=0
for t in "${selected[@]}"; do
  corpus=build/fuzz-corpus/$t
  findings=build/fuzz-findings/$t
  mkdir -p "$corpus" "$findings"
  dict=()
  [ -f "tests/fuzz/dicts/$t.dict" ] && dict=("-dict=tests/fuzz/dicts/$t.dict")
  echo "== $t: ${seconds} s, corpus $corpus, findings $findings"
  # shellcheck disable=SC2086 # CRMFLOW_FUZZ_FLAGS is a list of flags
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    "build/fuzz/tests/fuzz/crmflow_fuzz_$t" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -max_len=16384 -print_final_stats=1 -artifact_prefix="$findings/" "${dict[@]}" \
    ${CRMFLOW_FUZZ_FLAGS:-} "$corpus" "build/fuzz/tests/fuzz/corpus/$t" || status=$?
done
exit "$status"
