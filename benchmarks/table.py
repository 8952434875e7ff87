#!/usr/bin/python3
"""Reads crmflow-bench --json lines (and the peers' lines, same shape) from stdin and prints them
as one table, grouped by workload so that crmflow's stores and the peers stand side by side."""

import json
import sys

ORDER = ["empty", "usertask", "service3", "parallel", "phone-repair", "timers", "worklist",
         "footprint"]


def main():
    rows = []
    for line in sys.stdin:
        line = line.strip()
        if line.startswith("{"):
            rows.append(json.loads(line))
    rows.sort(key=lambda r: (ORDER.index(r["workload"]) if r["workload"] in ORDER else 99))
    header = ("workload", "engine/store", "cases", "seconds", "cases/s", "transitions/s",
              "p50 µs", "p99 µs", "peak RSS kB")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] * 2 + ["---:"] * 7) + "|")
    for r in rows:
        print(f"| {r['workload']} | {r['store']} | {r['cases']:,} | {r['seconds']:.2f} | "
              f"{r['cases_per_s']:,.0f} | {r['transitions_per_s']:,.0f} | {r['p50_us']:.1f} | "
              f"{r['p99_us']:.1f} | {r['peak_rss_kb']:,} |")


if __name__ == "__main__":
    main()
