import { useQuery } from '@tanstack/react-query';
import type { ApiClient, RouterOutputs } from '../trpc.ts';
import type { VersionCounters } from './stats-model.ts';

/** How often the counters refresh while they are on screen. */
export const STATS_REFRESH_MS = 3000;

/** A published version's per-node counters, refreshed while shown (react-query stops when unmounted or hidden). */
export function useVersionStats(client: ApiClient, flowId: string, versionId: string | null, enabled: boolean) {
  return useQuery({
    queryKey: ['nodeStats', flowId, versionId],
    queryFn: async (): Promise<VersionCounters> => client.runs.nodeStats.query({ flowId, versionId: versionId ?? '' }),
    enabled: enabled && versionId !== null,
    refetchInterval: STATS_REFRESH_MS,
    retry: false,
  });
}

export type VersionMetrics = RouterOutputs['runs']['nodeMetrics'];

/** The §7 message rates of a version's nodes (numerators and denominators), refreshed like the counters. */
export function useVersionMetrics(client: ApiClient, flowId: string, versionId: string | null, enabled: boolean) {
  return useQuery({
    queryKey: ['nodeMetrics', flowId, versionId],
    queryFn: async (): Promise<VersionMetrics> => client.runs.nodeMetrics.query({ flowId, versionId: versionId ?? '' }),
    enabled: enabled && versionId !== null,
    refetchInterval: STATS_REFRESH_MS,
    retry: false,
  });
}
