import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

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

/**
 * Replays a recorded history of the run workflow against the current code (locally, no server); throws
 * DeterminismViolationError when the code would now issue different commands.
 */
export async function replayRunHistory(history: unknown, workflowId?: string): Promise<void> {
  await Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH }, history, workflowId);
}
