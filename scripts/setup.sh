#!/usr/bin/env bash
# Installs the Debian 12 packages crmflow needs to build and test. Idempotent: packages that are
# already installed are skipped, and nothing runs apt when all are present. Works as root or via sudo.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-graph1.81-dev libboost-serialization1.81-dev libboost-json1.81-dev
  libsqlitecpp-dev libsqlite3-dev libyaml-cpp-dev libfmt-dev catch2 libpugixml-dev libpqxx-dev
  pybind11-dev python3-dev libhowardhinnant-date-dev tzdata libssl-dev
  graphviz python3-jsonschema python3-pytest python3-yaml sqlite3
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages are installed"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
