#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the crmflow runner on the bundled
# examples: validates every process (silent when valid), draws the phone-repair process as
# Mermaid text and as an SVG picture (build/phone-repair.svg), and runs the phone-repair process
# through its scenarios (cases driven by the engine with a manual clock).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh default
crmflow=build/default/tools/crmflow/crmflow

echo "== crmflow validate examples/*.yaml"
"$crmflow" validate examples/*.yaml
echo "all valid"
echo "== crmflow graph examples/phone-repair.yaml --format mermaid"
"$crmflow" graph examples/phone-repair.yaml --format mermaid
"$crmflow" graph examples/phone-repair.yaml --format svg > build/phone-repair.svg
echo "== wrote build/phone-repair.svg"
echo "== crmflow test tests/scenarios/example-phone-repair.yaml"
"$crmflow" test tests/scenarios/example-phone-repair.yaml
