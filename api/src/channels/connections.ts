import type { z } from 'zod';
import type { PrismaClient } from '../db/open.ts';
import { AppError, badField, notFound } from '../errors.ts';
import { recordAudit } from '../services/audit.ts';
import type { ServiceContext } from '../services/context.ts';
import { type ChannelConnectionKind, type CreateChannelInput, SECRETS, SETTINGS } from './kinds.ts';
import { type SecretBox, secretHint } from './secret-box.ts';

// Channel connections: CRUD with audit for the router, and the decrypted in-memory view the effect
// handler and webhook routes read. Every change reloads the view and tells listeners (the effects
// composition rebuilds its adapters).

/** What the api returns: never a secret, only which are set and (for long ones) their last 4 characters. */
export interface ChannelConnectionDto {
  id: string;
  kind: ChannelConnectionKind;
  name: string;
  settings: Record<string, unknown>;
  secrets: Record<string, { set: true; last4: string }>;
  /** Where the platform should post webhooks, relative to this server's public URL. */
  webhookPath: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A connection with its secrets decrypted: server-side only. */
export interface LoadedConnection {
  id: string;
  kind: ChannelConnectionKind;
  name: string;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
}

type Row = {
  id: string;
  kind: string;
  name: string;
  settings: string;
  secrets: string;
  secretHints: string;
  createdAt: Date;
  updatedAt: Date;
};

const WEBHOOK_PREFIX: Partial<Record<ChannelConnectionKind, string>> = { line: 'line', messenger: 'meta', instagram: 'meta', whatsapp: 'whatsapp' };

function toDto(r: Row): ChannelConnectionDto {
  const hints = JSON.parse(r.secretHints) as Record<string, string>;
  const kind = r.kind as ChannelConnectionKind;
  const prefix = WEBHOOK_PREFIX[kind];
  return {
    id: r.id,
    kind,
    name: r.name,
    settings: JSON.parse(r.settings) as Record<string, unknown>,
    secrets: Object.fromEntries(Object.entries(hints).map(([k, last4]) => [k, { set: true as const, last4 }])),
    webhookPath: prefix ? `/webhooks/${prefix}/${r.id}` : null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

const hintsOf = (secrets: Record<string, string>) => JSON.stringify(Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, secretHint(v)])));

/** Prefixes a zod issue path with the input field it belongs to, for badField. */
function checkAgainstKind(schema: z.ZodType, value: unknown, field: string): unknown {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = [field, ...issue.path.map(String)].join('.');
  throw badField(path, `${path}: ${issue.message}`);
}

export class ChannelRegistry {
  #loaded = new Map<string, LoadedConnection>();
  readonly #listeners = new Set<() => void>();

  constructor(
    readonly prisma: PrismaClient,
    readonly box: SecretBox,
  ) {}

  /** Reads and decrypts every live connection (at start and after each change). */
  async reload(): Promise<void> {
    const rows = await this.prisma.channelConnection.findMany({ where: { deletedAt: null }, orderBy: { createdAt: 'asc' } });
    const next = new Map<string, LoadedConnection>();
    for (const r of rows) {
      next.set(r.id, {
        id: r.id,
        kind: r.kind as ChannelConnectionKind,
        name: r.name,
        settings: JSON.parse(r.settings) as Record<string, unknown>,
        secrets: this.box.open(r.secrets, r.id),
      });
    }
    this.#loaded = next;
    for (const l of this.#listeners) l();
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get(id: string): LoadedConnection | undefined {
    return this.#loaded.get(id);
  }

  ofKind(kind: ChannelConnectionKind): LoadedConnection[] {
    return [...this.#loaded.values()].filter((c) => c.kind === kind);
  }

  /** Every secret value, for redacting logs and error messages. */
  allSecrets(): string[] {
    return [...this.#loaded.values()].flatMap((c) => Object.values(c.secrets));
  }
}

type ChannelServiceContext = ServiceContext & { channels: ChannelRegistry };

async function liveRow(prisma: PrismaClient, id: string): Promise<Row & { deletedAt: Date | null }> {
  const row = await prisma.channelConnection.findUnique({ where: { id } });
  if (!row || row.deletedAt) throw notFound('Channel connection', id);
  return row;
}

export async function listChannels(ctx: Pick<ServiceContext, 'prisma'>, query: { kind?: ChannelConnectionKind | undefined }): Promise<ChannelConnectionDto[]> {
  const rows = await ctx.prisma.channelConnection.findMany({
    where: { deletedAt: null, ...(query.kind ? { kind: query.kind } : {}) },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map(toDto);
}

export async function getChannel(ctx: Pick<ServiceContext, 'prisma'>, id: string): Promise<ChannelConnectionDto> {
  return toDto(await liveRow(ctx.prisma, id));
}

export async function createChannel(ctx: ChannelServiceContext, input: CreateChannelInput): Promise<ChannelConnectionDto> {
  const secrets = input.secrets as Record<string, string>;
  const dto = await ctx.prisma.$transaction(async (tx) => {
    // The id is bound into the ciphertext, so it is made first.
    const row = await tx.channelConnection.create({
      data: {
        kind: input.kind,
        name: input.name,
        settings: JSON.stringify(input.settings),
        secrets: '',
        secretHints: hintsOf(secrets),
        createdById: ctx.actor.id,
        createdAt: ctx.now(),
        updatedAt: ctx.now(),
      },
    });
    const sealed = await tx.channelConnection.update({ where: { id: row.id }, data: { secrets: ctx.channels.box.seal(secrets, row.id) } });
    await recordAudit(tx, ctx, {
      action: 'channel.create',
      objectType: 'channel',
      objectId: row.id,
      diff: { kind: input.kind, name: input.name, settings: input.settings, secrets: Object.keys(secrets) },
    });
    return toDto(sealed);
  });
  await ctx.channels.reload();
  return dto;
}

export async function updateChannel(
  ctx: ChannelServiceContext,
  input: { id: string; name?: string | undefined; settings?: Record<string, unknown> | undefined },
): Promise<ChannelConnectionDto> {
  const current = await liveRow(ctx.prisma, input.id);
  const kind = current.kind as ChannelConnectionKind;
  const settings = input.settings === undefined ? undefined : checkAgainstKind(SETTINGS[kind], input.settings, 'settings');
  const dto = await ctx.prisma.$transaction(async (tx) => {
    const row = await tx.channelConnection.update({
      where: { id: input.id },
      data: {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(settings !== undefined ? { settings: JSON.stringify(settings) } : {}),
        updatedAt: ctx.now(),
      },
    });
    await recordAudit(tx, ctx, {
      action: 'channel.update',
      objectType: 'channel',
      objectId: row.id,
      diff: {
        ...(input.name !== undefined ? { name: { from: current.name, to: input.name } } : {}),
        ...(settings !== undefined ? { settings: { from: JSON.parse(current.settings), to: settings } } : {}),
      },
    });
    return toDto(row);
  });
  await ctx.channels.reload();
  return dto;
}

/** Replaces (or, with null, removes) one secret; the new value is never echoed back, only its last 4. */
export async function rotateChannelSecret(
  ctx: ChannelServiceContext,
  input: { id: string; name: string; value: string | null },
): Promise<ChannelConnectionDto> {
  const current = await liveRow(ctx.prisma, input.id);
  const kind = current.kind as ChannelConnectionKind;
  const secrets = { ...ctx.channels.box.open(current.secrets, current.id) };
  if (kind !== 'http' && !(input.name in (SECRETS[kind] as unknown as { shape: Record<string, unknown> }).shape)) {
    throw badField('name', `name: a ${kind} connection has no secret "${input.name}"`);
  }
  if (input.value === null) delete secrets[input.name];
  else secrets[input.name] = input.value;
  checkAgainstKind(SECRETS[kind], secrets, 'secrets');
  const dto = await ctx.prisma.$transaction(async (tx) => {
    const row = await tx.channelConnection.update({
      where: { id: input.id },
      data: { secrets: ctx.channels.box.seal(secrets, current.id), secretHints: hintsOf(secrets), updatedAt: ctx.now() },
    });
    await recordAudit(tx, ctx, {
      action: 'channel.rotate_secret',
      objectType: 'channel',
      objectId: row.id,
      diff: { secret: input.name, removed: input.value === null },
    });
    return toDto(row);
  });
  await ctx.channels.reload();
  return dto;
}

/** Soft delete: contacts keep the channel id they were made on; webhooks and sends stop at once. */
export async function deleteChannel(ctx: ChannelServiceContext, id: string): Promise<{ id: string; deleted: true }> {
  const current = await liveRow(ctx.prisma, id);
  await ctx.prisma.$transaction(async (tx) => {
    // The secrets go with it: a deleted connection keeps nothing that could be decrypted later.
    await tx.channelConnection.update({
      where: { id },
      data: { deletedAt: ctx.now(), secrets: ctx.channels.box.seal({}, id), secretHints: '{}', updatedAt: ctx.now() },
    });
    await recordAudit(tx, ctx, { action: 'channel.delete', objectType: 'channel', objectId: id, diff: { kind: current.kind, name: current.name } });
  });
  await ctx.channels.reload();
  return { id, deleted: true };
}

export function assertKind(connection: LoadedConnection | undefined, kinds: readonly ChannelConnectionKind[], id: string): LoadedConnection {
  if (!connection || !kinds.includes(connection.kind)) throw new AppError('NOT_FOUND', `No ${kinds.join('/')} channel connection ${JSON.stringify(id)}`);
  return connection;
}
