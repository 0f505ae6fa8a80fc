"""The table of build/faults.sh: one row per fault, from the load's CSV, the phase times and the audit topic's ids.

usage: report.py REQUESTS_CSV PHASES AUDIT_IDS VERIFY VAULT_TIMEOUT_S PDP_TIMEOUT_MS REDIS_TIMEOUT_MS
Exit 1 when a must-be-zero column is not zero, a request outlived its bound, recovery took more than 5 s, or
verify-audit failed.
"""
import csv
import sys
from collections import Counter, defaultdict

MAX_RECOVERY_S = 5.0
SLACK_MS = 2000          # everything else on the path: the service, the other dependencies, a loaded 2-core machine
SETTLE_MS = 50           # a request that started this soon after the injection may have had its answer already

requests_csv, phases_file, ids_file, verify, vault_s, pdp_ms, redis_ms = sys.argv[1:8]
vault_ms, pdp_ms, redis_ms = int(vault_s) * 1000, int(pdp_ms), int(redis_ms)
# the longest a request may take while each dependency is away: what its configured timeouts add up to, plus slack.
# A read of a KVv2 secret makes two provider calls (the PEP's metadata read for the resource attributes, then the
# data), each up to VAULT_TIMEOUT waiting for the bulkhead and 3 x VAULT_TIMEOUT for its attempts (docs/PROVIDERS.md)
bound = {"provider": 2 * (vault_ms + 3 * vault_ms) + SLACK_MS, "pdp": pdp_ms + SLACK_MS, "redis": redis_ms + SLACK_MS, "kafka": SLACK_MS}

rows = list(csv.DictReader(open(requests_csv)))
for r in rows:
    r["start"], r["end"], r["status"] = int(r["start_ms"]), int(r["end_ms"]), int(r["status"])
    r["latency"] = float(r["latency_ms"])

events = defaultdict(set)
for line in open(ids_file):
    event_id, _, correlation = line.strip().partition(" ")
    if correlation:
        events[correlation].add(event_id)

phases = []
for line in open(phases_file):
    name, *times = line.split()
    phases.append((name, *map(int, times)))


def mix(rs):
    c = Counter(f"{r['status']} {r['code'] or '-'}" for r in rs if not 200 <= r["status"] < 300)
    return ", ".join(f"{k}×{v}" for k, v in sorted(c.items())) or "none"


def recovery(rs, back):
    """Seconds from the dependency's return to the end of the first success after which every request succeeded."""
    after = sorted((r for r in rs if r["start"] >= back), key=lambda r: r["start"])
    last_failure = max((i for i, r in enumerate(after) if not 200 <= r["status"] < 300), default=-1)
    steady = after[last_failure + 1:]
    if not steady:
        return None
    return max(0.0, (steady[0]["end"] - back) / 1000)


failed = []
print("| fault | requests | 2xx | 4xx | 5xx by code (during the fault) | non-2xx after it returned | raw 5xx | max latency ms (bound) | recover s | served on failed check | audit events lost |")
print("| --- | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |")
totals = Counter()
for name, start, injected, restoring, back, end in phases:
    kind = name.split("-")[0]
    rs = [r for r in rows if start <= r["start"] < end]
    during = [r for r in rs if injected <= r["start"] < back]
    after = [r for r in rs if r["start"] >= back]
    ok = sum(200 <= r["status"] < 300 for r in rs)
    c4 = sum(400 <= r["status"] < 500 for r in rs)
    five = [r for r in during if r["status"] >= 500 or r["status"] == 0]
    raw = sum(r["status"] >= 500 and not r["code"] for r in rs)
    longest = max((r["latency"] for r in rs), default=0)
    rec = recovery(rs, back)
    # a value that came back although the check could not have been made: PDP or Redis away for the whole request
    served = sum(1 for r in rs if kind in ("pdp", "redis") and r["value"] == "1"
                 and r["start"] >= injected + SETTLE_MS and r["end"] <= restoring)
    lost = sum(1 for r in rs if len(events.get(r["id"], ())) != 1)
    totals.update(requests=len(rs), lost=lost)
    rec_text = "never" if rec is None else f"{rec:.2f}"
    print(f"| {name} | {len(rs)} | {ok} | {c4} | {mix(five)} | {mix(after)} | {raw} | {longest:.0f} ({bound[kind]}) | {rec_text} | {served} | {lost} |")
    for what, bad in (("raw 5xx", raw), ("served on failed check", served), ("audit events lost or doubled", lost)):
        if bad:
            failed.append(f"{name}: {what}: {bad}")
    if longest > bound[kind]:
        failed.append(f"{name}: a request took {longest:.0f} ms, more than {bound[kind]} ms")
    if rec is None or rec > MAX_RECOVERY_S:
        failed.append(f"{name}: recovery {rec_text} s")

outside = sum(1 for r in rows if not any(p[1] <= r["start"] < p[-1] for p in phases))
missing = sum(1 for r in rows if len(events.get(r["id"], ())) != 1)
extra = len({c for c in events if c.startswith("flt-")} - {r["id"] for r in rows})   # the script's own reads carry other ids
print()
print(f"- all: {len(rows)} requests ({outside} outside the fault windows), {missing} without exactly one audit event, "
      f"{extra} audit events of requests never made; verify-audit over the topic: {verify}")
if missing:
    failed.append(f"{missing} requests without exactly one audit event")
if extra:
    failed.append(f"{extra} audit events of unknown requests")
if verify != "ok":
    failed.append("verify-audit over the audit topic failed")
for f in failed:
    print(f"- FAILED: {f}")
sys.exit(1 if failed else 0)
