#!/usr/bin/python3
"""A service handler in the `--handlers` command form, for tests/scenarios/handlers-command.yaml.

Reads the job as JSON on stdin and answers on stdout: a quote with VAT, or the business error
TOO_EXPENSIVE for repairs over 5,000,000; a cost that is not a number is a technical failure
(exit 1, the reason on stderr).
"""
import json
import sys

job = json.load(sys.stdin)
cost = job["input"].get("cost")
if not isinstance(cost, (int, float)):
    print(f"quote: cost must be a number, not {cost!r}", file=sys.stderr)
    sys.exit(1)
if cost > 5_000_000:
    json.dump({"error": "TOO_EXPENSIVE", "message": f"{cost} is over the limit"}, sys.stdout)
else:
    json.dump({"quote": round(cost * 1.09), "ref": "Q-" + job["key"],
               "attempt": job["attempt"], "idempotency_key": job["idempotency_key"]}, sys.stdout)
