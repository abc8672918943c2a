#!/usr/bin/env bash
# A Distributed Map over a CSV object of N rows in S3 — moto's S3 on 127.0.0.1 — with an
# Express child (a Pass state) per row and the results written back by the ResultWriter:
# asl (bench/src/bin/dmap.rs, in one process on 2 worker threads) beside the same map run by
# moto's own Step Functions (its ASL interpreter, turned on through /moto-api/config) in the
# same moto server and run.
#
# moto's interpreter takes neither Express children nor WriterConfig, and runs ~1,000 items
# a second: it runs the map with Standard children and the default ResultWriter over its own
# smaller object (MOTO_ITEMS rows, default 10,000), and its rate is compared.
#
# Usage: bench/dmap.sh [items, default 1000000] [concurrency, default 1000]
# Needs: the Rust toolchain, Python 3 (the virtualenv of bench/serve.sh is made once).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
items="${1:-1000000}"
concurrency="${2:-1000}"
moto_items="${MOTO_ITEMS:-10000}"
out="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT

. "$here/moto.sh"
bench_venv

echo "== building (release)"
(cd "$root" && cargo build --release -q -p asl-bench --bin dmap)

start_moto "$out"
echo "moto_server $("$venv/bin/pip" show moto | grep Version): $moto"

echo "== asl: $items items, MaxConcurrency $concurrency"
/usr/bin/time -v "$root/target/release/dmap" --endpoint "$moto" --items "$items" \
  --concurrency "$concurrency" --bucket "dmap-$items" > "$out/asl.json" 2> "$out/asl.time"
grep -E "uploaded" "$out/asl.time" || true
cat "$out/asl.json"
rss=$(grep "Maximum resident" "$out/asl.time" | awk '{print $6}')

echo "== moto's Step Functions: $moto_items items (its own object, same server)"
"$root/target/release/dmap" --endpoint "$moto" --items "$moto_items" --concurrency "$concurrency" \
  --bucket "dmap-moto-$moto_items" > /dev/null 2>&1
"$venv/bin/python" "$here/dmap/moto_run.py" "$moto" "dmap-moto-$moto_items" "$moto_items" \
  "$concurrency" "$here/dmap/dmap-moto.asl.json" | tee "$out/moto.json"

echo
echo "== summary"
"$venv/bin/python" - "$out/asl.json" "$out/moto.json" "$rss" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
m = json.load(open(sys.argv[2]))
rss_mib = int(sys.argv[3]) / 1024
print(f"asl : {a['items']:>9} items in {a['seconds']:7.2f} s = {a['items_per_second']:>9.0f} items/s, "
      f"peak RSS {rss_mib:.1f} MiB (whole process), {a['result_bytes']} bytes of results written")
print(f"moto: {m['items']:>9} items in {m['seconds']:7.2f} s = {m['items_per_second']:>9.0f} items/s ({m['status']})")
print(f"asl / moto items per second: {a['items_per_second'] / m['items_per_second']:.0f}x")
print(f"targets: >= 50,000 items/s: {'met' if a['items_per_second'] >= 50000 else 'MISSED'}; "
      f"peak RSS < 200 MB: {'met' if rss_mib * 1.048576 < 200 else 'MISSED'}")
PY
