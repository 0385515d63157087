import { z } from 'zod';
import { ChannelKind } from './channel.ts';
import { IsoDateTime } from './common.ts';

/** Journey run statuses (§2.2). */
export const RUN_STATUSES = ['running', 'waiting', 'completed', 'exited', 'goal_reached', 'failed', 'cancelled'] as const;
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

/** One contact in one pinned published version of one flow. */
export const Run = z.object({
  id: z.string(),
  flowId: z.string(),
  versionId: z.string(),
  customerId: z.string(),
  channel: ChannelKind.optional(),
  triggerEventId: z.string().optional(),
  status: RunStatus,
  currentNodeId: z.string().optional(),
  vars: z.record(z.string(), z.unknown()).default({}),
  isTest: z.boolean().default(false),
  enteredAt: IsoDateTime,
  endedAt: IsoDateTime.optional(),
  exitReason: z.string().optional(),
});
export type Run = z.infer<typeof Run>;

export const StepOutcome = z.enum(['passed', 'waiting', 'failed', 'skipped', 'exited', 'goal']);

/** One executed node of a run, as the run timeline shows it. */
export const RunStep = z.object({
  runId: z.string(),
  seq: z.number().int().min(0),
  nodeId: z.string(),
  nodeType: z.string(),
  attempt: z.number().int().min(1),
  startedAt: IsoDateTime,
  endedAt: IsoDateTime.optional(),
  outcome: StepOutcome,
  port: z.string().optional(),
  /** Why the step went the way it did, for the simulator and the run timeline. */
  explanation: z.string().max(2000).optional(),
  output: z.record(z.string(), z.unknown()).optional(),
  error: z.object({ reason: z.string(), message: z.string() }).optional(),
});
export type RunStep = z.infer<typeof RunStep>;

/** Message delivery statuses (§6.8); only forward transitions apply, except failed. */
export const DELIVERY_STATUSES = ['sending', 'sent', 'received', 'read', 'failed'] as const;
export const DeliveryStatus = z.enum(DELIVERY_STATUSES);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;
