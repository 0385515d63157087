import type { PERMISSIONS } from '@omniflow/api';
import type { FlowKind } from '@omniflow/schemas';
import type { Me } from '../trpc.ts';

// Who may publish, roll back, pause, resume and end (§8.3), to grey out what the api would refuse.
// The studio only imports the api's types, so the grant is restated here; typing it as the api's
// own entry makes any change to the matrix a compile error until this follows.
const PUBLISH: (typeof PERMISSIONS)['flows.publish'] = { admin: 'all', supervisor: 'all', marketer: 'all', marketing_cs: 'all', cs_manager: 'bots' };

export function canPublish(me: Me | null | undefined, kind: FlowKind): boolean {
  if (!me) return false;
  const grant = (PUBLISH as Partial<Record<string, 'all' | 'bots'>>)[me.role];
  return grant === 'all' || (grant === 'bots' && kind === 'chatbot');
}
