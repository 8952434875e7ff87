#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the default build (warnings as errors);
# unless CRMFLOW_SKIP_ASAN=1, the same tests under AddressSanitizer + UBSan; unless
# CRMFLOW_SKIP_TSAN=1, the threaded tests under ThreadSanitizer; unless CRMFLOW_SKIP_FUZZ=1, a
# bounded smoke run of every fuzz target (clang, libFuzzer; long runs: scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CCACHE_DIR=${CCACHE_DIR:-$PWD/build/.ccache}
# Objects may be shared between build folders (the add_subdirectory package test builds the
# library again in a folder of its own: with this it costs links, not a second compilation).
export CCACHE_NOHASHDIR=true
export CRMFLOW_TEST_ADD_SUBDIRECTORY=${CRMFLOW_TEST_ADD_SUBDIRECTORY:-1}
export CTEST_PARALLEL_LEVEL=${CTEST_PARALLEL_LEVEL:-2}

bash scripts/build.sh default
ctest --preset default

if [ "${CRMFLOW_SKIP_ASAN:-0}" != 1 ]; then
  bash scripts/build.sh asan
  ctest --preset asan
fi

if [ "${CRMFLOW_SKIP_TSAN:-0}" != 1 ]; then
  bash scripts/build.sh tsan
  ctest --preset tsan
fi

if [ "${CRMFLOW_SKIP_FUZZ:-0}" != 1 ]; then
  bash scripts/build.sh fuzz
  ctest --preset fuzz
fi
