"""compare.sh's summary: reads the JSON lines a run wrote into its output directory.

  interp.jsonl       aws-local-stepfunctions (interp/run.mjs), JSONPath workloads
  rust.jsonl         asl compiled and hand-written Rust (timing), all six workloads
  jsonata-js.jsonl   jsonata-js on the JSONata expressions (jsonata-node/run.mjs)
  jsonata-asl.jsonl  asl's evaluator on the same expressions (jsonata)

Usage: python3 summary.py <output directory>
"""

import json
import pathlib
import sys

out = pathlib.Path(sys.argv[1])


def lines(name):
    f = out / name
    if not f.exists():
        return []
    return [json.loads(l) for l in f.read_text().splitlines() if l.strip()]


rows = {}
for f in ["interp.jsonl", "rust.jsonl"]:
    for r in lines(f):
        rows.setdefault(r["workload"], {})[r["engine"].split("@")[0]] = r["seconds_per_run"]
transitions = {"pass-chain": 100, "choice-loop": 20003, "map-fanout": 30001}
fmt = lambda s: f"{s*1e6:10.1f}us" if s is not None else "-"

# The JSONPath workloads against the interpreter (compare.sh's original table).
if lines("interp.jsonl"):
    print(f"{'workload':12} {'interpreter':>12} {'compiled':>12} {'baseline':>12} {'compiled Mtr/s':>15} {'interp/compiled':>16} {'compiled/baseline':>18}")
    for w, r in rows.items():
        if w not in transitions:
            continue
        i, c, b = r.get("aws-local-stepfunctions"), r.get("asl (compiled)"), r.get("hand-written Rust")
        print(f"{w:12} {fmt(i):>12} {fmt(c):>12} {fmt(b):>12} {transitions[w]/c/1e6:15.2f} {i/c:16.1f} {c/b:18.2f}")
    print()

# Each JSONata form against its JSONPath form.
print("JSONata forms, compiled: time per execution; JSONata / JSONPath target <= 1.5")
print(f"{'workload':12} {'JSONPath':>12} {'JSONata':>12} {'baseline':>12} {'JSONata Mtr/s':>14} {'JSONata/JSONPath':>17} {'JSONata/baseline':>17}")
for w in transitions:
    p = rows.get(w, {}).get("asl (compiled)")
    j = rows.get(f"{w}-jsonata", {}).get("asl (compiled)")
    b = rows.get(w, {}).get("hand-written Rust")
    if p is None or j is None:
        continue
    verdict = f"{j / p:.1f} " + ("met" if j / p <= 1.5 else "MISSED")
    print(f"{w:12} {fmt(p):>12} {fmt(j):>12} {fmt(b):>12} {transitions[w]/j/1e6:14.2f} {verdict:>17} {j/b:17.1f}")
print()

# The evaluator against jsonata-js, expression by expression.
js = {r["case"]: r for r in lines("jsonata-js.jsonl")}
asl = {}
for r in lines("jsonata-asl.jsonl"):
    asl.setdefault(r["case"], {})[r["engine"]] = r
if js or asl:
    print("JSONata expressions alone: ns per evaluation; jsonata-js / asl evaluator target >= 20")
    print(f"{'expression':32} {'jsonata-js':>11} {'asl eval':>9} {'Query::eval':>12} {'hand-written':>13} {'jsonata-js/asl':>15} {'same result':>11}")
    for case, r in asl.items():
        a = r.get("asl evaluator")
        q = r.get("asl Query::eval")
        h = r.get("hand-written Rust")
        j = js.get(case)
        ns = lambda x: f"{x['ns_per_eval']:.1f}" if x else "-"
        ratio = j["ns_per_eval"] / a["ns_per_eval"] if j and a else None
        verdict = "-" if ratio is None else f"{ratio:.1f} " + ("met" if ratio >= 20 else "MISSED")
        same = "-"
        if j and a:
            same = "yes" if (j["result_bytes"], j["result_head"]) == (a["result_bytes"], a["result_head"]) else "NO"
        print(f"{case:32} {ns(j):>11} {ns(a):>9} {ns(q):>12} {ns(h):>13} {verdict:>15} {same:>11}")

# What a JSONata form costs over its JSONPath form, per transition: the price of JSONata in the
# states (a state lowered to straight-line code pays little; one that calls the evaluator pays
# about an evaluation, see the table above).
print()
print("JSONata form over its JSONPath form, per transition (state entered)")
for w, n in transitions.items():
    p = rows.get(w, {}).get("asl (compiled)")
    j = rows.get(f"{w}-jsonata", {}).get("asl (compiled)")
    if p is None or j is None:
        continue
    print(f"  {w + '-jsonata':20} {(j - p) / n * 1e9:8.1f} ns")
