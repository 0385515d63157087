import { z } from 'zod';

// PRODUCT_SPEC §2.3 as data. Each action lists the statuses it may start from and where each
// leads; a status missing from an action's row is an illegal transition.

export const FLOW_STATUSES = ['draft', 'scheduled', 'active', 'paused', 'ended', 'archived'] as const;
export const FlowStatus = z.enum(FLOW_STATUSES);
export type FlowStatus = z.infer<typeof FlowStatus>;

export type FlowAction = 'edit' | 'publish' | 'schedule' | 'pause' | 'resume' | 'end' | 'archive' | 'delete';

export const TRANSITIONS: Readonly<Record<FlowAction, Partial<Record<FlowStatus, FlowStatus>>>> = {
  /** Save the working draft. Live flows keep running their published version meanwhile; ended flows can only be duplicated. */
  edit: { draft: 'draft', scheduled: 'scheduled', active: 'active', paused: 'paused' },
  /** Publish a version that starts now. A scheduled flow's content can only be republished, keeping its start time. */
  publish: { draft: 'active', active: 'active', paused: 'active', scheduled: 'scheduled' },
  /** Publish with a start time. The start of a scheduled or active flow cannot be edited: pause or end it first. */
  schedule: { draft: 'scheduled', paused: 'scheduled' },
  pause: { active: 'paused', scheduled: 'paused' },
  /** Resumes to active; to scheduled when the scheduled start is still ahead (see nextStatus). */
  resume: { paused: 'active' },
  end: { active: 'ended', scheduled: 'ended', paused: 'ended' },
  /** Not while live: pause or end first. */
  archive: { draft: 'archived', paused: 'archived', ended: 'archived' },
  /** Only drafts can be deleted (§2.3); the row disappears. */
  delete: { draft: 'draft' },
};

/** The status an action is aiming for, to name it when the transition is refused. */
export const ACTION_TARGET: Readonly<Record<FlowAction, string>> = {
  edit: 'an edited draft',
  publish: 'active',
  schedule: 'scheduled',
  pause: 'paused',
  resume: 'active',
  end: 'ended',
  archive: 'archived',
  delete: 'deleted',
};

export type Transition = { ok: true; to: FlowStatus } | { ok: false; from: FlowStatus; to: string; allowedFrom: FlowStatus[]; message: string };

export function nextStatus(action: FlowAction, from: FlowStatus, options: { scheduledStartInFuture?: boolean } = {}): Transition {
  const row = TRANSITIONS[action];
  const to = row[from];
  if (to === undefined) {
    const allowedFrom = FLOW_STATUSES.filter((s) => row[s] !== undefined);
    return {
      ok: false,
      from,
      to: ACTION_TARGET[action],
      allowedFrom,
      message: `Cannot ${action} this flow: it is ${from}, and going from ${from} to ${ACTION_TARGET[action]} is not allowed (${action} works from ${allowedFrom.join(', ')}).`,
    };
  }
  if (action === 'resume' && options.scheduledStartInFuture) return { ok: true, to: 'scheduled' };
  return { ok: true, to };
}

/** Scheduling window rules of §2.3: start and end each at least a minute ahead, end after start. */
export const MIN_SCHEDULE_LEAD_MS = 60_000;

export function checkSchedule(schedule: { startAt: Date; endAt?: Date | undefined }, now: Date): { field: string; message: string }[] {
  const errors: { field: string; message: string }[] = [];
  const earliest = now.getTime() + MIN_SCHEDULE_LEAD_MS;
  if (schedule.startAt.getTime() < earliest) errors.push({ field: 'schedule.startAt', message: 'schedule.startAt must be at least 1 minute in the future' });
  if (schedule.endAt) {
    if (schedule.endAt.getTime() < earliest) errors.push({ field: 'schedule.endAt', message: 'schedule.endAt must be at least 1 minute in the future' });
    if (schedule.endAt.getTime() <= schedule.startAt.getTime())
      errors.push({ field: 'schedule.endAt', message: 'schedule.endAt must be after schedule.startAt' });
  }
  return errors;
}
