import type { FlowKind } from '@omniflow/schemas';
import type { Role } from './roles.ts';

// The studio matrix of PRODUCT_SPEC §8.3 as data: permission → role → which flow kinds.
// "all" is ✔ in the matrix, "bots" is "bots only" / "view bots"; a missing role is ✕.
// A middleware checks the role has the permission at all; procedures that touch a flow then
// check its kind against the grant (a CS Manager may edit chatbots but not journeys).

export type Grant = 'all' | 'bots';

export const PERMISSIONS = {
  /** View bots and journeys. */
  'flows.view': { admin: 'all', supervisor: 'all', marketer: 'all', marketing_cs: 'all', cs_manager: 'all', cs_agent: 'bots' },
  /** Create, edit and duplicate drafts. */
  'flows.edit': { admin: 'all', supervisor: 'all', marketer: 'all', marketing_cs: 'all', cs_manager: 'bots' },
  /** Publish, schedule, roll back, pause, resume, end. */
  'flows.publish': { admin: 'all', supervisor: 'all', marketer: 'all', marketing_cs: 'all', cs_manager: 'bots' },
  /** Delete drafts, archive. */
  'flows.delete': { admin: 'all', supervisor: 'all', marketing_cs: 'all' },
  /** Read the audit log (ours: the matrix has no row for it). */
  'audit.view': { admin: 'all', supervisor: 'all' },
  /** Add team members and change roles (ours). */
  'users.manage': { admin: 'all' },
} as const satisfies Record<string, Partial<Record<Role, Grant>>>;

export type Permission = keyof typeof PERMISSIONS;

const KINDS: Readonly<Record<Grant, readonly FlowKind[]>> = { all: ['chatbot', 'journey'], bots: ['chatbot'] };

/** The flow kinds `role` may act on with `permission`; empty when the role lacks it. */
export function grantedKinds(role: Role, permission: Permission): readonly FlowKind[] {
  const grant: Grant | undefined = (PERMISSIONS[permission] as Partial<Record<Role, Grant>>)[role];
  return grant ? KINDS[grant] : [];
}

export function can(role: Role, permission: Permission, kind?: FlowKind): boolean {
  const kinds = grantedKinds(role, permission);
  return kind === undefined ? kinds.length > 0 : kinds.includes(kind);
}
