import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

// Bundles the run workflow the way a worker loads it: webpack into Temporal's deterministic sandbox.
// Fails on anything the sandbox refuses (a Node built-in, a module that cannot be resolved).

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows.ts', import.meta.url));

export interface BundleReport {
  bundle: WorkflowBundleWithSourceMap;
  bytes: number;
  ms: number;
  warnings: string[];
}

export async function bundleRunWorkflow(): Promise<BundleReport> {
  const warnings: string[] = [];
  const started = performance.now();
  const bundle = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: {
      log: () => {},
      trace: () => {},
      debug: () => {},
      info: () => {},
      warn: (message) => warnings.push(message),
      error: (message) => warnings.push(message),
    },
  });
  return { bundle, bytes: Buffer.byteLength(bundle.code), ms: Math.round(performance.now() - started), warnings };
}
