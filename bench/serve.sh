#!/usr/bin/env bash
# The Step Functions API over HTTP on this machine, from concurrent clients: `asl serve` beside
# moto's server mode (`moto[server]`, pinned below), the same calls in the same run.
#
#   StartSyncExecution of a 10-state Express machine (Pass, Choice, two Tasks answered by the
#   mock configuration) — moto does not implement StartSyncExecution (the run says so);
#   StartExecution of the same definition as a Standard machine (asl: durable, in SQLite on
#   $TMPDIR; moto: in memory).
#
# Prints one JSON line per (server, action) from bench/src/bin/serve_load.rs, then a summary.
# Usage: bench/serve.sh [seconds per measurement, default 5] [clients, default 16]
# Needs: the Rust toolchain, Python 3 (a virtualenv with boto3 and moto[server] is made once).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
secs="${1:-5}"
clients="${2:-16}"
out="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT

. "$here/moto.sh"
bench_venv
py="$venv/bin/python"

echo "== building (release)"
(cd "$root" && cargo build --release -q -p asl-cli --bin asl && cargo build --release -q -p asl-bench --bin serve_load)

echo "== starting asl serve and moto_server"
"$root/target/release/asl" serve --port 0 --db "$out/asl.db" --log-dir "$out/logs" \
  --mock-config "$here/serve/MockConfigFile.json" 2> "$out/asl.err" &
start_moto "$out"
for _ in $(seq 100); do
  grep -q "http://" "$out/asl.err" 2>/dev/null && break
  sleep 0.1
done
asl=$(grep -o "http://[0-9.:]*" "$out/asl.err" | head -1)
echo "asl serve: $asl, moto_server $("$venv/bin/pip" show moto | grep Version): $moto"

asl_arns=$("$py" "$here/serve/setup.py" "$asl")
moto_arns=$("$py" "$here/serve/setup.py" "$moto")
get() { "$py" -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
load="$root/target/release/serve_load"
input='{"n": 3}'

echo "== ${secs}s per measurement, $clients clients"
{
  "$load" --label asl --endpoint "$asl" --action StartSyncExecution --arn "$(get "$asl_arns" express)#Bench" \
    --input "$input" --clients "$clients" --seconds "$secs"
  "$load" --label moto --endpoint "$moto" --action StartSyncExecution --arn "$(get "$moto_arns" express)" \
    --input "$input" --clients "$clients" --seconds "$secs"
  "$load" --label asl --endpoint "$asl" --action StartExecution --arn "$(get "$asl_arns" standard)#Bench" \
    --input "$input" --clients "$clients" --seconds "$secs"
  "$load" --label moto --endpoint "$moto" --action StartExecution --arn "$(get "$moto_arns" standard)" \
    --input "$input" --clients "$clients" --seconds "$secs"
} | tee "$out/load.jsonl"

echo
echo "== summary"
"$py" - "$out/load.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {(r["label"], r["action"]): r for r in rows}
print(f"{'action':<20} {'server':<6} {'exec/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
num = lambda v: float("nan") if v is None else v
for r in rows:
    print(f"{r['action']:<20} {r['label']:<6} {r['per_second']:>10.0f} {num(r['p50_ms']):>8.2f} {num(r['p99_ms']):>8.2f} {r['errors']:>7}")
for action in ("StartSyncExecution", "StartExecution"):
    a, m = by.get(("asl", action)), by.get(("moto", action))
    if a and m and m["ok"] > 0:
        print(f"{action}: asl / moto throughput = {a['per_second'] / m['per_second']:.1f}x (target >= 50x)")
    elif a and m:
        print(f"{action}: moto answers no call: {m['first_error'][:160]}")
sync = by.get(("asl", "StartSyncExecution"))
if sync:
    verdict = "met" if sync["p99_ms"] < 10 else "MISSED"
    print(f"StartSyncExecution p99 on asl: {sync['p99_ms']:.2f} ms (target < 10 ms: {verdict})")
PY
