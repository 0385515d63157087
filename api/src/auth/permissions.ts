import type { FlowKind } from '@omniflow/schemas';
import type { Role } from './roles.ts';

// The studio matrix of PRODUCT_SPEC §8.3 as data: permission → role → which flow kinds.
// "all" is ✔ in the matrix, "bots" is "bots only" / "view bots"; a missing role is ✕.
// A middleware checks the role has the permission at all; procedures that touch a flow then
// check its kind against the grant (a CS Manager may edit chatbots but not journeys).

export type Grant = 'all' | 'bots';

const ALL_ROLES = {
  admin: 'all',
  supervisor: 'all',
  marketer: 'all',
  marketing_cs: 'all',
  cs_manager: 'all',
  cs_agent: 'all',
  sales_manager: 'all',
  salesperson: 'all',
} as const satisfies Record<Role, Grant>;

export const PERMISSIONS = {
  /** View bots and journeys. */
  'flows.view': { admin: 'all', supervisor: 'all', marketer: 'all', marketing_cs: 'all', cs_manager: 'all', cs_agent: 'bots' },
  /** Create, edit and duplicate drafts. */
  'flows.edit': { admin: 'all', supervisor: 'all', marketer: 'all', marketing_cs: 'all', cs_manager: 'bots' },
  /** Publish, schedule, roll back, pause, resume, end. */
  'flows.publish': { admin: 'all', supervisor: 'all', marketer: 'all', marketing_cs: 'all', cs_manager: 'bots' },
  /** Delete drafts, archive. */
  'flows.delete': { admin: 'all', supervisor: 'all', marketing_cs: 'all' },
  /** View run logs and metrics (§8.3). */
  'runs.view': { admin: 'all', supervisor: 'all', marketer: 'all', marketing_cs: 'all', cs_manager: 'all' },
  /** Read the audit log (ours: the matrix has no row for it). */
  'audit.view': { admin: 'all', supervisor: 'all' },
  /** Add team members and change roles (ours). */
  'users.manage': { admin: 'all' },
  // Customer data (§1.3–1.6). For these, a grant is all or nothing: "all" just means "yes".
  /** See customers, their contacts, tags, attribute values and points (ours: every role sees conversations). */
  'contacts.view': ALL_ROLES,
  /** Create customers and contacts, edit their fields, tag one customer (ours: the sales roles only look). */
  'contacts.edit': { admin: 'all', supervisor: 'all', marketer: 'all', marketing_cs: 'all', cs_manager: 'all', cs_agent: 'all' },
  /** Edit a customer's attribute value (§8.3: any role that can see the conversation). */
  'attributes.write': ALL_ROLES,
  /** Define, edit, archive and delete custom attributes (§8.3: Admin, Supervisor, Marketer). */
  'attributes.manage': { admin: 'all', supervisor: 'all', marketer: 'all' },
  /** Batch add/remove tags with the journey toggle (§8.3). */
  'tags.batch': { admin: 'all', supervisor: 'all', marketer: 'all', cs_manager: 'all' },
  /** Import customer data (§3.9, §8.3). */
  'imports.manage': { admin: 'all', supervisor: 'all', marketer: 'all', cs_manager: 'all' },
  /** Add or deduct points by hand (ours: the roles that run campaigns and service). */
  'points.manage': { admin: 'all', supervisor: 'all', marketer: 'all', marketing_cs: 'all', cs_manager: 'all' },
  /** Test lists and test sends (§8.3 "Test send / test run"). */
  'tests.send': { admin: 'all', supervisor: 'all', marketer: 'all', marketing_cs: 'all', cs_manager: 'all' },
  /** Create, list and revoke API keys (§8.3 "Manage triggers": a Marketer has no API keys, a CS Manager keywords only). */
  'apiKeys.manage': { admin: 'all', supervisor: 'all', marketing_cs: 'all' },
  /** Connect channels and manage their credentials (ours: admins only, since the secrets can send as the brand). */
  'channels.manage': { admin: 'all' },
} as const satisfies Record<string, Partial<Record<Role, Grant>>>;

export type Permission = keyof typeof PERMISSIONS;

const KINDS: Readonly<Record<Grant, readonly FlowKind[]>> = { all: ['chatbot', 'journey'], bots: ['chatbot'] };

/** The flow kinds `role` may act on with `permission`; empty when the role lacks it. */
export function grantedKinds(role: Role, permission: Permission): readonly FlowKind[] {
  const grant: Grant | undefined = (PERMISSIONS[permission] as Partial<Record<Role, Grant>>)[role];
  return grant ? KINDS[grant] : [];
}

/** Every permission `role` has. */
export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => grantedKinds(role, p).length > 0);
}

/** Whether `role` can do nothing beyond what `than` can (per permission and flow kind): an API key's role must not exceed its creator's. */
export function roleWithin(role: Role, than: Role): boolean {
  return (Object.keys(PERMISSIONS) as Permission[]).every((p) => grantedKinds(role, p).every((k) => grantedKinds(than, p).includes(k)));
}

export function can(role: Role, permission: Permission, kind?: FlowKind): boolean {
  const kinds = grantedKinds(role, permission);
  return kind === undefined ? kinds.length > 0 : kinds.includes(kind);
}
