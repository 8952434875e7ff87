#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the crmflow runner on the bundled
# examples (what it can do so far: validate every example and draw the phone-repair process).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh default
crmflow=build/default/tools/crmflow/crmflow
"$crmflow" --version
