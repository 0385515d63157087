import {
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  endSignal,
  inboundSignal,
  NON_RETRYABLE_ERRORS,
  type RunActivities,
  type RunInput,
  type RunSnapshot,
  stateQuery,
  versionPublishedSignal,
} from './contract.ts';
import { effectResultOfFailure } from './decisions.ts';
import { type LoopPorts, RunInterpreter } from './run-loop.ts';

// The run workflow: one per run, pinned to the version in its input. Bundled by the SDK (webpack) into
// Temporal's deterministic sandbox, so this file and everything it imports stay free of Node APIs, I/O,
// wall-clock time and randomness — `npm run check:temporal` proves it by bundling.

const nonRetryableErrorTypes = [...NON_RETRYABLE_ERRORS];

/** Node execution: reads the contact, may apply idempotent internal effects; retried on infrastructure errors. */
const { executeStep, publishEvents } = proxyActivities<RunActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20, nonRetryableErrorTypes },
});

/** Effect delivery: the embedded dispatcher's policy (5 s doubling up to 10 min, 5 attempts); 4xx and validation are final. */
const { deliverEffect } = proxyActivities<RunActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 5, nonRetryableErrorTypes },
});

/** Ledger writes are local to the worker (its ledger file): a local activity, no task round trip. */
const { recordLedger } = proxyLocalActivities<RunActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds', maximumAttempts: 50 },
});

const DEFAULT_STEP_BUDGET = 500;

export interface RunResult {
  status: RunSnapshot['status'];
  reason: string;
}

export async function omniflowRun(input: RunInput): Promise<RunResult> {
  const budget = input.stepBudget ?? DEFAULT_STEP_BUDGET;
  const ports: LoopPorts = {
    now: () => Date.now(), // workflow time: the task's start time, the same on replay
    activities: { executeStep, deliverEffect, publishEvents, recordLedger },
    condition: (ready, timeoutMs) => {
      if (timeoutMs === undefined) return condition(ready).then(() => true);
      if (timeoutMs <= 0) return Promise.resolve(ready());
      return condition(ready, timeoutMs);
    },
    continueAsNewDue: (steps) => workflowInfo().continueAsNewSuggested || steps >= budget,
    patched: (id) => patched(id),
    effectFailure: (error, intent) => effectResultOfFailure(error, intent.kind),
    isCancellation: (error) => isCancellation(error),
  };
  const interpreter = new RunInterpreter(input, ports);
  const scope = new CancellationScope();
  setHandler(inboundSignal, (event) => interpreter.onInbound(event));
  setHandler(versionPublishedSignal, (published) => interpreter.onVersionPublished(published));
  setHandler(endSignal, (request) => {
    interpreter.onEnd(request);
    // Cancels the step or delivery in progress; the run records its end outside the cancelled scope.
    scope.cancel();
  });
  setHandler(stateQuery, () => interpreter.snapshot());

  let result: Awaited<ReturnType<RunInterpreter['run']>>;
  try {
    result = await scope.run(() => interpreter.run());
  } catch (e) {
    if (!isCancellation(e)) throw e;
    const ending = interpreter.ending ?? { status: 'cancelled' as const, reason: 'workflow_cancelled' };
    result = await CancellationScope.nonCancellable(() => interpreter.finishEnded(ending.status, ending.reason));
  }
  if (result.kind === 'continue') return continueAsNew<typeof omniflowRun>(result.input);
  return { status: result.status, reason: result.reason };
}
