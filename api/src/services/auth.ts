import { TRPCError } from '@trpc/server';
import { decoyPasswordHash, verifyPassword } from '../auth/password.ts';
import { parseRole, type Role } from '../auth/roles.ts';
import { hashSessionToken, newSessionToken, SESSION_TTL_MS } from '../auth/session-token.ts';
import type { RequestMeta } from '../context.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { recordAudit } from './audit.ts';

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

const BAD_CREDENTIALS = 'Email or password is incorrect';

/**
 * Checks the credentials and opens a session. The same error, after the same work, whether the
 * email is unknown, the password wrong or the account disabled: sign-in reveals nothing.
 */
export async function signIn(
  deps: { prisma: PrismaClient; now: () => Date; request: RequestMeta },
  input: { email: string; password: string },
): Promise<{ user: SignedInUser; token: string; expiresAt: Date }> {
  const user = await deps.prisma.user.findUnique({ where: { email: normalizeEmail(input.email) } });
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? (await decoyPasswordHash()));
  const role = user && parseRole(user.role);
  if (!user || !passwordOk || user.disabledAt || !role) throw new TRPCError({ code: 'UNAUTHORIZED', message: BAD_CREDENTIALS });

  const now = deps.now();
  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  const signedIn: SignedInUser = { id: user.id, email: user.email, name: user.name, role };
  await deps.prisma.$transaction(async (tx) => {
    await tx.session.deleteMany({ where: { userId: user.id, expiresAt: { lte: now } } });
    await tx.session.create({ data: { tokenHash: hashSessionToken(token), userId: user.id, expiresAt, createdAt: now } });
    await recordAudit(tx, { actor: signedIn, request: deps.request, now: deps.now }, { action: 'auth.sign_in', objectType: 'user', objectId: user.id });
  });
  return { user: signedIn, token, expiresAt };
}

export async function signOut(prisma: PrismaClient, sessionToken: string | null): Promise<void> {
  if (sessionToken) await prisma.session.deleteMany({ where: { tokenHash: hashSessionToken(sessionToken) } });
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
