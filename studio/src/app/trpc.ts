import type { AppRouter, ErrorDetails, RouterInputs, RouterOutputs } from '@omniflow/api';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';

export type { RouterInputs, RouterOutputs };
export type FlowSummary = RouterOutputs['flows']['list']['items'][number];
export type FlowDetail = RouterOutputs['flows']['get'];
export type Me = RouterOutputs['auth']['me'];

/** The typed api client. The session is an httpOnly cookie, so every call sends credentials. */
export function createApiClient(url = '/trpc') {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url, fetch: (input, init) => fetch(input, { ...init, credentials: 'include' }) })],
  });
}
export type ApiClient = ReturnType<typeof createApiClient>;

export const api: ApiClient = createApiClient();

/** What the api says went wrong, without ever handing the person a stack trace or raw JSON. */
export interface ApiProblem {
  code: string;
  message: string;
  details?: ErrorDetails;
}

export function toProblem(error: unknown): ApiProblem {
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as { code?: string; details?: ErrorDetails };
    return { code: data.code ?? 'UNKNOWN', message: error.message, ...(data.details ? { details: data.details } : {}) };
  }
  return { code: 'NETWORK', message: error instanceof Error ? error.message : String(error) };
}
