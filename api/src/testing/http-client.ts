import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { inferRouterError } from '@trpc/server';
import { SESSION_COOKIE } from '../auth/session-token.ts';
import type { AppRouter } from '../router/index.ts';

// A tRPC client over real HTTP that keeps the session cookie like a browser would, for tests.

export interface BrowserLikeClient {
  trpc: ReturnType<typeof createTRPCClient<AppRouter>>;
  /** The Set-Cookie headers of the last response that had any. */
  lastSetCookie: () => string[];
  hasSession: () => boolean;
}

export function httpClient(baseUrl: string, options: { userAgent?: string; bearer?: string } = {}): BrowserLikeClient {
  let session: string | null = null;
  let lastSetCookie: string[] = [];
  const trpc = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseUrl}/trpc`,
        headers: () => ({
          ...(session ? { cookie: `${SESSION_COOKIE}=${session}` } : {}),
          ...(options.userAgent ? { 'user-agent': options.userAgent } : {}),
          ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}),
        }),
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          const cookies = response.headers.getSetCookie();
          if (cookies.length > 0) lastSetCookie = cookies;
          for (const cookie of cookies) {
            const [pair = '', ...attributes] = cookie.split(';').map((s) => s.trim());
            const [name, value = ''] = pair.split('=');
            if (name !== SESSION_COOKIE) continue;
            const expired = attributes.some((a) => /^expires=/i.test(a) && Date.parse(a.slice(8)) <= Date.now()) || value === '';
            session = expired ? null : value;
          }
          return response;
        },
      }),
    ],
  });
  return { trpc, lastSetCookie: () => lastSetCookie, hasSession: () => session !== null };
}

export type AppClientError = TRPCClientError<AppRouter>;
export type AppErrorShape = inferRouterError<AppRouter>;

/** Awaits a call that must fail and returns its error, typed with the router's error shape. */
export async function failure(call: Promise<unknown>): Promise<AppClientError> {
  try {
    await call;
  } catch (e) {
    if (e instanceof TRPCClientError) return e as AppClientError;
    throw e;
  }
  throw new Error('Expected the call to fail, but it succeeded');
}
