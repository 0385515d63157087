import type { FlowKind } from '@omniflow/schemas';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { grantedKinds, type Permission } from './auth/permissions.ts';
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
}

/** The user behind the request's session cookie, or null without a live session. */
export async function findActor(ctx: Context): Promise<{ actor: Actor; sessionId: string } | null> {
  if (!ctx.sessionToken) return null;
  const session = await ctx.prisma.session.findUnique({ where: { tokenHash: hashSessionToken(ctx.sessionToken) }, include: { user: true } });
  const role = session ? parseRole(session.user.role) : undefined;
  if (!session || session.expiresAt <= ctx.now() || session.user.disabledAt || !role) return null;
  return { actor: { id: session.user.id, email: session.user.email, name: session.user.name, role }, sessionId: session.id };
}

/** Requires a signed-in user: UNAUTHORIZED without a live session. */
export const authedProcedure = t.procedure.use(async ({ ctx, next }) => {
  const found = await findActor(ctx);
  if (!found) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first: there is no valid session' });
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
export function permitted(permission: Permission) {
  return authedProcedure.use(({ ctx, next }) => {
    const kinds = grantedKinds(ctx.actor.role, permission);
    if (kinds.length === 0) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `The ${ROLE_LABELS[ctx.actor.role].en} role does not have the ${permission} permission` });
    }
    return next({ ctx: { access: new Access(permission, ctx.actor.role, kinds) } });
  });
}
