import type { Catalogue } from '@omniflow/nodes';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import { SESSION_COOKIE } from './auth/session-token.ts';
import type { PrismaClient } from './db/open.ts';

/** What every procedure can reach: shared services plus the facts of this one request. */
export interface Context {
  prisma: PrismaClient;
  catalogue: Catalogue;
  now: () => Date;
  request: RequestMeta;
  sessionToken: string | null;
  setSessionCookie: (token: string, expiresAt: Date) => void;
  clearSessionCookie: () => void;
}

/** Where a request came from, for the audit log. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

export interface AppServices {
  prisma: PrismaClient;
  catalogue: Catalogue;
  now?: () => Date;
}

export function contextFactory(services: AppServices) {
  const now = services.now ?? (() => new Date());
  return ({ req, res }: CreateFastifyContextOptions): Context => ({
    prisma: services.prisma,
    catalogue: services.catalogue,
    now,
    request: { ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null },
    sessionToken: req.cookies[SESSION_COOKIE] ?? null,
    setSessionCookie: (token, expiresAt) => {
      // httpOnly: scripts cannot read it; Lax: not sent on cross-site POSTs (CSRF); Secure behind HTTPS.
      res.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https', path: '/', expires: expiresAt });
    },
    clearSessionCookie: () => {
      res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https', path: '/' });
    },
  });
}
