import { type BotScope, ChannelKind, type FlowGraph, type FlowKind, parseStoredGraph } from '@omniflow/schemas';
import { z } from 'zod';
import type { Flow, FlowVersion, User } from '../generated/prisma/client.ts';
import type { FlowStatus } from '../lifecycle/transitions.ts';

// Rows → what the api returns. Dates become ISO strings (the api speaks plain JSON); JSON text
// columns are parsed.

export const FLOW_INCLUDE = {
  createdBy: { select: { id: true, name: true } },
  updatedBy: { select: { id: true, name: true } },
  currentVersion: { select: { id: true, number: true, publishedAt: true, checksum: true } },
} as const;

type UserRef = Pick<User, 'id' | 'name'>;
export type FlowRow = Flow & {
  createdBy: UserRef;
  updatedBy: UserRef;
  currentVersion: Pick<FlowVersion, 'id' | 'number' | 'publishedAt' | 'checksum'> | null;
};

export interface FlowSummary {
  id: string;
  name: string;
  kind: FlowKind;
  scope: BotScope | null;
  channels: ChannelKind[];
  status: FlowStatus;
  draftRevision: number;
  currentVersion: { id: string; number: number; publishedAt: string; checksum: string } | null;
  scheduledStartAt: string | null;
  scheduledEndAt: string | null;
  createdAt: string;
  updatedAt: string;
  createdBy: UserRef;
  updatedBy: UserRef;
}

const Channels = z.array(ChannelKind);

export function toFlowSummary(row: Omit<FlowRow, 'draftGraph'>): FlowSummary {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as FlowKind,
    scope: row.scope as BotScope | null,
    channels: Channels.parse(JSON.parse(row.channels)),
    status: row.status as FlowStatus,
    draftRevision: row.draftRevision,
    currentVersion: row.currentVersion && { ...row.currentVersion, publishedAt: row.currentVersion.publishedAt.toISOString() },
    scheduledStartAt: row.scheduledStartAt?.toISOString() ?? null,
    scheduledEndAt: row.scheduledEndAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    createdBy: row.createdBy,
    updatedBy: row.updatedBy,
  };
}

/** Reads a stored graph (draft or version), upgrading an older format. Stored graphs were valid when written. */
export function readStoredGraph(json: string, what: string): FlowGraph {
  const parsed = parseStoredGraph(JSON.parse(json));
  if (!parsed.ok) throw new Error(`The stored graph of ${what} is unreadable: ${parsed.error.map((e) => `${e.path.join('.')}: ${e.message}`).join('; ')}`);
  return parsed.graph;
}
