import type { MessageKey } from '../i18n.tsx';
import { problemText } from '../problem-text.ts';
import type { ApiProblem } from '../trpc.ts';

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const STATUS: Record<string, MessageKey> = {
  draft: 'status.draft',
  scheduled: 'status.scheduled',
  active: 'status.active',
  paused: 'status.paused',
  ended: 'status.ended',
  archived: 'status.archived',
};
const ACTION: Record<string, MessageKey> = {
  pause: 'action.pause',
  resume: 'action.resume',
  end: 'action.end',
  publish: 'action.publish',
  schedule: 'action.schedule',
  edit: 'action.edit',
  archive: 'action.archive',
  delete: 'action.delete',
};

export function statusText(status: string, t: Translate): string {
  const key = STATUS[status];
  return key ? t(key) : status;
}

/** A refused status change as a sentence in the person's language: what they tried, from where, and when it works. */
export function lifecycleProblemText(problem: ApiProblem, t: Translate): string {
  const d = problem.details;
  if (d?.kind === 'illegal_transition') {
    const action = ACTION[d.action];
    if (action) {
      return t('lifecycle.refused', {
        action: t(action),
        from: statusText(d.from, t),
        allowed: d.allowedFrom.map((s) => statusText(s, t)).join(' / '),
      });
    }
  }
  return problemText(problem, t);
}
