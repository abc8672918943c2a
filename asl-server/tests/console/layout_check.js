#!/usr/bin/env node
// Development check of the console's graph layout (needs Node.js; not part of the Python
// checks): lays out every ASL definition given (files, or directories searched for *.json)
// with the console's own code and fails if any two state nodes overlap, if a node sticks out
// of a cluster it does not belong to, if clusters overlap without nesting, or if a
// coordinate is not finite. Edge labels lying on a node are counted and reported.
// Usage: node layout_check.js DIR_OR_FILE... [--verbose]
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const code = fs.readFileSync(path.join(__dirname, '..', '..', 'console', 'app.js'), 'utf8');
const sandbox = { console, URLSearchParams, Intl, Date, Math, JSON, Map, Set };
sandbox.globalThis = sandbox;
vm.createContext(sandbox);
vm.runInContext(code, sandbox);
const A = sandbox.aslConsoleInternals;

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const files = [];
const walk = (p) => {
  const st = fs.statSync(p);
  if (st.isDirectory()) for (const f of fs.readdirSync(p)) walk(path.join(p, f));
  else if (p.endsWith('.json')) files.push(p);
};
for (const a of args.filter((x) => !x.startsWith('--'))) walk(a);

const overlap = (a, b, tol = 0.5) => a.x < b.x + b.w - tol && b.x < a.x + a.w - tol && a.y < b.y + b.h - tol && b.y < a.y + a.h - tol;
const inside = (a, b) => a.x >= b.x - 0.5 && a.y >= b.y - 0.5 && a.x + a.w <= b.x + b.w + 0.5 && a.y + a.h <= b.y + b.h + 0.5;

let checked = 0; let skipped = 0; let bad = 0; let labelHits = 0; let maxStates = 0;
for (const f of files) {
  let def;
  try {
    def = JSON.parse(fs.readFileSync(f, 'utf8'));
  } catch (e) { skipped++; continue; }
  if (!def || typeof def !== 'object' || !def.States || typeof def.StartAt !== 'string') { skipped++; continue; }
  let out;
  try {
    const info = new Map();
    const scope = A.buildScope(def, 'definition', info, null);
    maxStates = Math.max(maxStates, info.size);
    const lay = A.layoutScope(scope, true);
    out = { clusters: [], branches: [], order: [], edges: [] };
    A.flatten(lay, 0, 0, out, 0);
  } catch (e) {
    if (verbose) console.log(`skip ${f}: ${e.message}`);
    skipped++;
    continue;
  }
  checked++;
  const problems = [];
  const leaves = out.order.filter((o) => o.kind !== 'cluster').map((o) => ({ node: o.n, name: o.n.state ? o.n.state.name : o.kind, x: o.x, y: o.y, w: o.n.w, h: o.n.h }));
  // members of each cluster: every layout node nested in it (by identity: names may repeat)
  const collect = (layout, set) => { for (const n of layout.nodes) { set.add(n); if (n.inner) n.inner.forEach((l) => collect(l, set)); } };
  const clusters = out.clusters.map((c) => {
    const members = new Set();
    c.n.inner.forEach((l) => collect(l, members));
    return { node: c.n, name: c.n.state.name, x: c.x, y: c.y, w: c.n.w, h: c.n.h, members };
  });
  for (const r of [...leaves, ...clusters]) if (![r.x, r.y, r.w, r.h].every(Number.isFinite)) problems.push(`${r.name}: coordinates not finite`);
  for (let i = 0; i < leaves.length; i++) for (let j = i + 1; j < leaves.length; j++) {
    if (overlap(leaves[i], leaves[j])) problems.push(`nodes overlap: ${leaves[i].name} / ${leaves[j].name}`);
  }
  for (const c of clusters) {
    for (const l of leaves) {
      const member = c.members.has(l.node);
      if (member && !inside(l, c)) problems.push(`${l.name} is not inside its cluster ${c.name}`);
      if (!member && overlap(l, c)) problems.push(`${l.name} overlaps cluster ${c.name}`);
    }
    for (const d of clusters) {
      if (c === d) continue;
      if (overlap(c, d) && !inside(c, d) && !inside(d, c)) problems.push(`clusters overlap: ${c.name} / ${d.name}`);
      if (c.members.has(d.node) && !inside(d, c)) problems.push(`cluster ${d.name} is not inside ${c.name}`);
    }
  }
  for (const fe of out.edges) {
    if (!fe.labelAt || !fe.e.labels.length) continue;
    const lw = A.labelWidth(fe.e);
    const box = { x: fe.labelAt.x - lw / 2, y: fe.labelAt.y - 9, w: lw, h: 18 };
    if (leaves.some((l) => overlap(box, l, 1))) labelHits++;
  }
  if (problems.length) {
    bad++;
    console.log(`FAIL ${f}`);
    for (const p of problems.slice(0, 10)) console.log(`     ${p}`);
  }
}
console.log(`layout_check: ${checked} definitions laid out (largest ${maxStates} states), ${skipped} skipped, ${labelHits} edge labels touching a node`);
console.log(`${checked - bad} passed, ${bad} failed`);
process.exit(bad ? 1 : 0);
