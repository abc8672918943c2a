#!/usr/bin/env bash
# Times the testdata/bench workloads three ways in one run on one machine:
#   - the aws-local-stepfunctions interpreter (npm, version pinned in interp/package.json),
#     in one warm Node process;
#   - the same definitions compiled by asl (bench/build.rs), in one warm process, each in its
#     JSONPath form and its JSONata form (pass-chain-jsonata, …);
#   - hand-written Rust doing the same JSON work.
# Then the JSONata expressions of the JSONata forms (jsonata-cases.json) evaluated alone by
# jsonata-js, the reference implementation (npm, pinned at 2.0.6 in jsonata-node/), in one warm
# Node process, and by asl's evaluator (src/bin/jsonata.rs). Then the peak memory (max RSS) of
# one map-fanout execution, the compile-time cost of a generated 500-state definition, and
# durable executions over SQLite (bench/src/bin/durable.rs; the store is a temporary file under
# $TMPDIR, which must be a disk, not tmpfs).
#
# Usage: bench/compare.sh [seconds per measurement, default 5] [jsonata]
#   jsonata: only the JSONata figures (the six workloads compiled, the baselines, both
#   evaluators), no interpreter, memory, compile-time or durable figures.
# Needs: the Rust toolchain, Node >= 20 with npm, /usr/bin/time (GNU time) for the memory line.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
bench_dir="${ASL_TESTDATA_DIR:-$root/testdata}/bench"
secs="${1:-5}"
only="${2:-all}"
out="$(mktemp -d)"

echo "== building (release)"
(cd "$root" && cargo build --release -q -p asl-bench --bin timing --bin jsonata --bin expand500 --bin durable)

if [ "$only" != jsonata ]; then
  echo "== installing the interpreter (pinned)"
  (cd "$here/interp" && npm ci --no-audit --no-fund --silent)
fi
echo "== installing jsonata-js (pinned)"
(cd "$here/jsonata-node" && npm ci --no-audit --no-fund --silent)

if [ "$only" != jsonata ]; then
  echo "== timing: aws-local-stepfunctions, ${secs}s per workload"
  node "$here/interp/run.mjs" "$bench_dir" "$secs" | tee "$out/interp.jsonl"
else
  : > "$out/interp.jsonl"
fi

echo "== timing: compiled (JSONPath and JSONata forms) and hand-written, ${secs}s per workload"
"$root/target/release/timing" --seconds "$secs" | tee "$out/rust.jsonl"

echo "== timing: the JSONata expressions alone, jsonata-js, ${secs}s per expression"
node "$here/jsonata-node/run.mjs" "$here/jsonata-cases.json" "$bench_dir" "$secs" | tee "$out/jsonata-js.jsonl"

echo "== timing: the JSONata expressions alone, asl, ${secs}s per expression and engine"
"$root/target/release/jsonata" --seconds "$secs" | tee "$out/jsonata-asl.jsonl"

if [ "$only" = jsonata ]; then
  echo
  echo "== summary"
  python3 "$here/summary.py" "$out"
  exit 0
fi

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
python3 "$here/summary.py" "$out"
