#!/usr/bin/env node
// Adds up the JSON results every package's `vitest run` wrote and prints one closing line,
// so CI logs end with "N passed, N failed" whichever packages ran.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dirs = pkg.workspaces.flatMap((w) => (w.endsWith('/*') ? [] : [w]));
for (const w of pkg.workspaces.filter((w) => w.endsWith('/*'))) {
  const base = join(root, w.slice(0, -2));
  for (const name of readdirSync(base)) if (existsSync(join(base, name, 'package.json'))) dirs.push(join(w.slice(0, -2), name));
}
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const dir of dirs) {
  const file = join(root, dir, '.vitest-results.json');
  const scripts = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).scripts ?? {};
  if (!scripts.test) continue;
  if (!existsSync(file)) {
    missing.push(dir);
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
}
if (missing.length) console.log(`(no test results from: ${missing.join(', ')})`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
