// Times jsonata-js (the reference implementation, version pinned in package.json and its lock
// file) on the JSONata expressions of the testdata/bench *-jsonata workloads, in one warm Node
// process, with the bindings `bench/src/bin/jsonata.rs` gives asl's evaluator.
// Usage: node run.mjs <cases json> <bench dir> [seconds per case]
// Prints one JSON line per case:
//   {"engine", "case", "expression", "evals", "ns_per_eval", "result_bytes", "result_head"}
// (nanoseconds per evaluation of the fastest of five equal blocks, as the Rust side measures).
//
// Each case's expression is read from its definition at a JSON pointer and compiled once
// (`jsonata(text)`); each evaluation is `await expr.evaluate(undefined, bindings)` with
// `bindings` = {states: {input: <the state input>}, ...variables}, built once: jsonata-js 2.x's
// evaluate returns a promise, so the await is part of its price.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import jsonata from 'jsonata';

const require = createRequire(import.meta.url);
const version = require('jsonata/package.json').version;
const [casesFile, dir] = process.argv.slice(2, 4);
const budget = Number(process.argv[4] ?? 2);
const read = (path) => JSON.parse(readFileSync(path, 'utf8'));

function pointer(doc, p) {
  return p
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((v, k) => (v === undefined ? undefined : v[k]), doc);
}

for (const c of read(casesFile)) {
  const doc = read(join(dir, `${c.definition}.asl.json`));
  const field = pointer(doc, c.pointer);
  if (typeof field !== 'string' || !field.startsWith('{%') || !field.endsWith('%}')) {
    throw new Error(`${c.case}: no JSONata expression at ${c.pointer}`);
  }
  const text = field.slice(2, -2);
  const expr = jsonata(text);
  const input = c.states_input_file ? read(join(dir, c.states_input_file)) : c.states_input;
  const bindings = { states: { input }, ...(c.variables ?? {}) };
  const once = () => expr.evaluate(undefined, bindings);

  // Warm up for a fifth of the budget; size batches to ≈ 100 µs so reading the clock is noise.
  let calls = 0;
  const warmStart = performance.now();
  let last;
  do {
    last = await once();
    calls += 1;
  } while (performance.now() - warmStart < (budget * 1000) / 5);
  const per = (performance.now() - warmStart) / calls;
  const batch = Math.max(1, Math.floor(0.1 / per));
  let total = 0;
  let best = Infinity;
  for (let block = 0; block < 5; block++) {
    let n = 0;
    const start = performance.now();
    const end = start + (budget * 1000) / 5;
    do {
      for (let k = 0; k < batch; k++) last = await once();
      n += batch;
    } while (performance.now() < end);
    total += n;
    best = Math.min(best, ((performance.now() - start) * 1e6) / n);
  }
  const result = last === undefined ? 'undefined' : JSON.stringify(last);
  console.log(
    JSON.stringify({
      engine: `jsonata-js@${version}`,
      case: c.case,
      definition: c.definition,
      expression: text.trim(),
      evals: total,
      ns_per_eval: best,
      per_execution: c.per_execution,
      result_bytes: result.length,
      result_head: [...result].slice(0, 80).join(''),
    }),
  );
}
