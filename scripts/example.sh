#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the crmflow runner on the bundled
# examples: validates every process (silent when valid), draws the phone-repair process as
# Mermaid text and as an SVG picture (build/phone-repair.svg), runs the phone-repair process
# through its scenarios (cases driven by the engine with a manual clock), and then runs one repair
# against a database, delivering its SMS and e-mail through the file channels of
# examples/settings/channels.yaml and printing what was sent.
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

echo "== a phone repair against a database (build/example/crm.db), its messages through a file channel"
mkdir -p build/example
rm -f build/example/crm.db* examples/settings/sms.jsonl examples/settings/email.jsonl
crm() {
  "$crmflow" --db build/example/crm.db --users examples/settings/users.yaml \
    --calendars examples/settings/calendars.yaml --channels examples/settings/channels.yaml "$@"
}
crm deploy examples/phone-repair.yaml
crm start phone-repair --key R-1001 --by ali --var customer.name=Reza --var 'customer.phone="09121234567"'
crm claim 1 --by neda
crm complete 1 --by neda --var device=A52 --var 'fault=screen cracked'
crm complete 2 --by sara --var 'diagnosis=broken glass' --var cost=1500000
crm complete 3 --by sara --var 'repair_notes=new glass' --var cost=1500000
crm complete 4 --by neda --var paid=true --var payment_method=cash
crm tick                                  # delivers the outbox through the channels
echo "== what the customer and the staff were sent (examples/settings/sms.jsonl, email.jsonl)"
/usr/bin/python3 - examples/settings/sms.jsonl examples/settings/email.jsonl <<'PY'
import json, pathlib, sys
for path in sys.argv[1:]:
    file = pathlib.Path(path)
    for line in file.read_text(encoding="utf-8").splitlines() if file.exists() else []:
        n = json.loads(line)
        head = f"{n['channel']} to {n['to']}" + (f" ({n['segments']} segment(s))" if n.get("segments") else "")
        print(f"{head}: {n.get('subject', '') + ': ' if n.get('subject') else ''}{n['text']}")
PY
