import type { FlowKind } from '@omniflow/schemas';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { apiKeyMatches, apiKeyPrefix } from './auth/api-key.ts';
import { grantedKinds, type Permission, roleWithin } from './auth/permissions.ts';
import { parseRole, ROLE_LABELS, type Role } from './auth/roles.ts';
import { hashSessionToken } from './auth/session-token.ts';
import type { Context } from './context.ts';
import { AppError } from './errors.ts';

const t = initTRPC.context<Context>().create({
  // Stack traces in error responses only when explicitly developing.
  isDev: process.env.NODE_ENV === 'development',
  errorFormatter({ shape, error }) {
    const inputIssues =
      error.code === 'BAD_REQUEST' && error.cause instanceof ZodError
        ? error.cause.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message, code: i.code }))
        : null;
    return {
      ...shape,
      // Unexpected failures are logged by the server; their text is not for clients.
      message: error.code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : inputIssues ? describeInputIssues(inputIssues) : shape.message,
      data: { ...shape.data, inputIssues, details: error instanceof AppError ? error.details : null },
    };
  },
});

function describeInputIssues(issues: { path: (string | number)[]; message: string }[]): string {
  return issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
}

export const router = t.router;
export const publicProcedure = t.procedure;

/** The signed-in user a procedure acts for. */
export interface Actor {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** How the request authenticated: a session cookie, or an API key acting with the key's role. */
  via: 'session' | 'api_key';
}

/** The user behind the request's API key or session cookie, or null without either. */
export async function findActor(ctx: Context): Promise<{ actor: Actor } | null> {
  if (ctx.bearerToken) return findApiKeyActor(ctx, ctx.bearerToken);
  if (!ctx.sessionToken) return null;
  // Every request does this lookup: one plain SQL join (portable: quoted identifiers only) costs a
  // fraction of the ORM's two queries.
  const [row] = await ctx.prisma.$queryRaw<SessionRow[]>`
    SELECT u."id" AS "id", u."email" AS "email", u."name" AS "name", u."role" AS "role", u."disabledAt" AS "disabledAt", s."expiresAt" AS "expiresAt"
    FROM "Session" s JOIN "User" u ON u."id" = s."userId"
    WHERE s."tokenHash" = ${hashSessionToken(ctx.sessionToken)}`;
  const role = row ? parseRole(row.role) : undefined;
  if (!row || !role || row.disabledAt !== null || toDate(row.expiresAt) <= ctx.now()) return null;
  return { actor: { id: row.id, email: row.email, name: row.name, role, via: 'session' } };
}

interface SessionRow {
  id: string;
  email: string;
  name: string;
  role: string;
  disabledAt: unknown;
  expiresAt: Date | number | string;
}

/** A DateTime column read with raw SQL: a Date (PostgreSQL), or epoch milliseconds / ISO text (SQLite). */
function toDate(value: Date | number | string): Date {
  return value instanceof Date ? value : new Date(value);
}

// lastUsedAt is written at most once a minute per key, so API traffic does not turn every read into a write.
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * An API key acts with its own role, never beyond its creator's current role: a key outlives a
 * demotion only in what the creator may still do. Revoked keys and keys of disabled users fail.
 */
async function findApiKeyActor(ctx: Context, key: string): Promise<{ actor: Actor } | null> {
  const prefix = apiKeyPrefix(key);
  if (!prefix) return null;
  const row = await ctx.prisma.apiKey.findUnique({ where: { prefix }, include: { user: true } });
  if (!row || row.revokedAt || row.user.disabledAt || !apiKeyMatches(key, row.hash)) return null;
  const role = parseRole(row.role);
  const userRole = parseRole(row.user.role);
  if (!role || !userRole || !roleWithin(role, userRole)) return null;
  const now = ctx.now();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await ctx.prisma.$transaction((tx) => tx.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now } }));
  }
  return { actor: { id: row.user.id, email: row.user.email, name: row.user.name, role, via: 'api_key' } };
}

/** Requires a signed-in user or a valid API key: UNAUTHORIZED otherwise. */
export const authedProcedure = t.procedure.use(async ({ ctx, next }) => {
  const found = await findActor(ctx);
  if (!found) {
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: ctx.bearerToken ? 'The API key is not valid: unknown, revoked, or beyond its creator’s role' : 'Sign in first: there is no valid session',
    });
  }
  return next({ ctx: found });
});

/**
 * What the actor may do under one permission: which flow kinds. Procedures that load a flow call
 * `assertKind` with its kind, so a CS Manager can edit bots but not journeys.
 */
export class Access {
  constructor(
    readonly permission: Permission,
    readonly role: Role,
    readonly kinds: readonly FlowKind[],
  ) {}

  allows(kind: FlowKind): boolean {
    return this.kinds.includes(kind);
  }

  assertKind(kind: FlowKind): void {
    if (!this.allows(kind)) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: `A ${ROLE_LABELS[this.role].en} may use ${this.permission} on ${this.kinds.join(' and ')} flows only, not on a ${kind}`,
      });
    }
  }
}

/** A procedure gated by the permission table (src/auth/permissions.ts): FORBIDDEN for roles without it. */
export function permitted(permission: Permission, options: { sessionOnly?: boolean } = {}) {
  return authedProcedure.use(({ ctx, next }) => {
    if (options.sessionOnly && ctx.actor.via !== 'session') {
      throw new TRPCError({ code: 'FORBIDDEN', message: `${permission} needs a signed-in person: an API key cannot use it` });
    }
    const kinds = grantedKinds(ctx.actor.role, permission);
    if (kinds.length === 0) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `The ${ROLE_LABELS[ctx.actor.role].en} role does not have the ${permission} permission` });
    }
    return next({ ctx: { access: new Access(permission, ctx.actor.role, kinds) } });
  });
}
