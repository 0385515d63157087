import { generatePassword, hashPassword } from '../auth/password.ts';
import type { Role } from '../auth/roles.ts';
import { AppError, notFound } from '../errors.ts';
import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import { recordAudit } from './audit.ts';
import { normalizeEmail } from './auth.ts';
import type { ServiceContext } from './context.ts';

export interface UserSummary {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
}

const toSummary = (u: { id: string; email: string; name: string; role: string; createdAt: Date }): UserSummary => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role as Role,
  createdAt: u.createdAt.toISOString(),
});

export async function listUsers(ctx: ServiceContext): Promise<UserSummary[]> {
  return (await ctx.prisma.user.findMany({ orderBy: { email: 'asc' } })).map(toSummary);
}

export async function createUser(ctx: ServiceContext, input: { email: string; name: string; role: Role; password: string }): Promise<UserSummary> {
  try {
    return await ctx.prisma.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { email: normalizeEmail(input.email), name: input.name, role: input.role, passwordHash: await hashPassword(input.password) },
      });
      await recordAudit(tx, ctx, { action: 'user.create', objectType: 'user', objectId: user.id, diff: { email: user.email, role: user.role } });
      return toSummary(user);
    });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') {
      throw new AppError('CONFLICT', `email ${input.email} already belongs to a team member`, { kind: 'invalid_field', field: 'email' });
    }
    throw e;
  }
}

/** Changes a member's role. The last admin cannot be demoted: someone must be able to manage the team. */
export async function setRole(ctx: ServiceContext, input: { userId: string; role: Role }): Promise<UserSummary> {
  return ctx.prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: input.userId } });
    if (!user) throw notFound('User', input.userId);
    if (user.role === 'admin' && input.role !== 'admin' && (await tx.user.count({ where: { role: 'admin', disabledAt: null } })) <= 1) {
      throw new AppError('PRECONDITION_FAILED', 'role cannot change: this is the last admin', { kind: 'invalid_field', field: 'role' });
    }
    const updated = await tx.user.update({ where: { id: user.id }, data: { role: input.role } });
    await recordAudit(tx, ctx, { action: 'user.role_change', objectType: 'user', objectId: user.id, diff: { role: { from: user.role, to: input.role } } });
    return toSummary(updated);
  });
}

export const DEFAULT_ADMIN_EMAIL = 'admin@omniflow.local';

/**
 * On a fresh database, creates the first admin with a random password and returns the
 * credentials, to be shown once; only the scrypt hash is stored. Returns null when users exist.
 */
export async function ensureFirstAdmin(prisma: PrismaClient, email = DEFAULT_ADMIN_EMAIL): Promise<{ email: string; password: string } | null> {
  if ((await prisma.user.count()) > 0) return null;
  const password = generatePassword();
  await prisma.user.create({ data: { email: normalizeEmail(email), name: 'Admin', role: 'admin', passwordHash: await hashPassword(password) } });
  return { email: normalizeEmail(email), password };
}
