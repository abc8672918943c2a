#!/usr/bin/env bash
# Times the testdata/bench workloads three ways in one run on one machine:
#   - the aws-local-stepfunctions interpreter (npm, version pinned in interp/package.json),
#     in one warm Node process;
#   - the same definitions compiled by asl (bench/build.rs), in one warm process;
#   - hand-written Rust doing the same JSON work.
# Then the peak memory (max RSS) of one map-fanout execution, the compile-time cost of a
# generated 500-state definition, and durable executions over SQLite (bench/src/bin/durable.rs;
# the store is a temporary file under $TMPDIR, which must be a disk, not tmpfs).
#
# Usage: bench/compare.sh [seconds per measurement, default 5]
# Needs: the Rust toolchain, Node >= 20 with npm, /usr/bin/time (GNU time) for the memory line.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
bench_dir="${ASL_TESTDATA_DIR:-$root/testdata}/bench"
secs="${1:-5}"
out="$(mktemp -d)"

echo "== building (release)"
(cd "$root" && cargo build --release -q -p asl-bench --bin timing --bin expand500 --bin durable)

echo "== installing the interpreter (pinned)"
(cd "$here/interp" && npm ci --no-audit --no-fund --silent)

echo "== timing: aws-local-stepfunctions, ${secs}s per workload"
node "$here/interp/run.mjs" "$bench_dir" "$secs" | tee "$out/interp.jsonl"

echo "== timing: compiled and hand-written, ${secs}s per workload"
"$root/target/release/timing" --seconds "$secs" | tee "$out/rust.jsonl"

echo "== peak memory of one map-fanout execution"
if [ -x /usr/bin/time ]; then
  /usr/bin/time -v "$root/target/release/timing" --once map-fanout 2> "$out/time.txt" > /dev/null
  grep -E "Maximum resident set size" "$out/time.txt" | tee "$out/mem.txt"
else
  echo "(no /usr/bin/time: skipped)"
fi

echo "== compile-time cost of a 500-state definition"
"$root/target/release/expand500" | tee "$out/expand.txt"
crate="$out/crate500"
"$root/target/release/expand500" --crate "$crate" "$root" > /dev/null
(cd "$crate" && cargo build -q 2>/dev/null || true)  # fetch and build dependencies first
touch "$crate/src/main.rs"
start=$(date +%s.%N)
(cd "$crate" && cargo build -q)
end=$(date +%s.%N)
echo "debug build of a crate holding it (incremental, dependencies built): $(echo "$end - $start" | bc) s" | tee -a "$out/expand.txt"

echo "== durable executions: task-chain (100 Tasks) over SQLite, 2 worker threads"
for d in process powerloss; do
  for c in 1 100; do
    n=$([ "$d" = process ] && echo $((c == 1 ? 300 : 1000)) || echo $((c == 1 ? 100 : 300)))
    "$root/target/release/durable" chain --concurrency "$c" --executions "$n" --durability "$d" --repeats 3 > /dev/null
  done
done
"$root/target/release/durable" parked --executions 10000 > /dev/null

echo
echo "== summary"
python3 - "$out" <<'EOF'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
rows = {}
for f in ["interp.jsonl", "rust.jsonl"]:
    for line in (out / f).read_text().splitlines():
        r = json.loads(line)
        rows.setdefault(r["workload"], {})[r["engine"].split("@")[0]] = r["seconds_per_run"]
transitions = {"pass-chain": 100, "choice-loop": 20003, "map-fanout": 30001}
print(f"{'workload':12} {'interpreter':>12} {'compiled':>12} {'baseline':>12} {'compiled Mtr/s':>15} {'interp/compiled':>16} {'compiled/baseline':>18}")
for w, r in rows.items():
    i, c, b = r.get("aws-local-stepfunctions"), r.get("asl (compiled)"), r.get("hand-written Rust")
    fmt = lambda s: f"{s*1e6:10.1f}us" if s is not None else "-"
    print(f"{w:12} {fmt(i):>12} {fmt(c):>12} {fmt(b):>12} {transitions[w]/c/1e6:15.2f} {i/c:16.1f} {c/b:18.2f}")
EOF
