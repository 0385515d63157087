import { describe, expect, it } from 'vitest';
import { bundleRunWorkflow } from './bundle.ts';

// `npm test` includes what `npm run check:temporal` checks: the run workflow bundles for Temporal's
// deterministic sandbox (webpack, no Node built-ins), and the bundle holds only the workflow's own
// Node-free modules besides the SDK.

describe('run workflow bundle', () => {
  it('bundles with bundleWorkflowCode without warnings or errors', async () => {
    const report = await bundleRunWorkflow();
    expect(report.warnings).toEqual([]);
    expect(report.bundle.code).toContain('omniflowRun');
    // Module paths are relative to the working directory (the repo root or engine/).
    const ours = new Set([...report.bundle.code.matchAll(/\.\/(?:engine\/)?(src\/[\w/.-]+\.ts)/g)].map((m) => `./engine/${m[1]}`));
    expect([...ours].sort()).toEqual([
      './engine/src/interpreter/compiled-flow.ts',
      './engine/src/interpreter/event-match.ts',
      './engine/src/temporal/contract.ts',
      './engine/src/temporal/decisions.ts',
      './engine/src/temporal/run-loop.ts',
      './engine/src/temporal/workflows.ts',
    ]);
  }, 60_000);
});
