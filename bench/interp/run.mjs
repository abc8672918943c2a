// Times each shared/bench workload on aws-local-stepfunctions in one warm Node process.
// Usage: node run.mjs <bench dir> [seconds per workload]
// Prints one JSON line per workload: {"engine", "workload", "runs", "seconds_per_run"}
// (seconds per run of the fastest of five equal blocks).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';

const dir = process.argv[2];
const budget = Number(process.argv[3] ?? 5);
const workloads = ['pass-chain', 'choice-loop', 'map-fanout'];

for (const name of workloads) {
  const definition = JSON.parse(readFileSync(join(dir, `${name}.asl.json`), 'utf8'));
  const input = JSON.parse(readFileSync(join(dir, `${name}.input.json`), 'utf8'));
  const machine = new StateMachine(definition, { validationOptions: { checkPaths: false } });
  const once = async () => machine.run(structuredClone(input)).result;
  // Warm up: let the JIT settle.
  const warmEnd = performance.now() + Math.min(1000, budget * 200);
  let last;
  do {
    last = await once();
  } while (performance.now() < warmEnd);
  // Five equal blocks; the fastest block's time per run (least disturbed by neighbours),
  // as the Rust side measures.
  let runs = 0;
  let best = Infinity;
  for (let block = 0; block < 5; block++) {
    let n = 0;
    const start = performance.now();
    const end = start + (budget * 1000) / 5;
    do {
      last = await once();
      n += 1;
    } while (performance.now() < end);
    runs += n;
    best = Math.min(best, (performance.now() - start) / 1000 / n);
  }
  const outputSize = JSON.stringify(last).length;
  console.log(JSON.stringify({ engine: 'aws-local-stepfunctions@3.0.0', workload: name, runs, seconds_per_run: best, output_bytes: outputSize }));
}
