import { generateApiKey } from '../auth/api-key.ts';
import { roleWithin } from '../auth/permissions.ts';
import { ROLE_LABELS, type Role } from '../auth/roles.ts';
import { AppError, notFound } from '../errors.ts';
import { recordAudit } from './audit.ts';
import type { ServiceContext } from './context.ts';

// API keys (§3.13, §8.3): created by a person, shown once, stored as a hash with a visible prefix.
// A key acts with its role, which may not exceed its creator's.

export interface ApiKeyDto {
  id: string;
  name: string;
  /** Shown in lists to recognise a key: "omf_<prefix>_…". */
  prefix: string;
  role: Role;
  createdBy: { id: string; name: string };
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

type Row = {
  id: string;
  name: string;
  prefix: string;
  role: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  user: { id: string; name: string };
};

const toDto = (r: Row): ApiKeyDto => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  role: r.role as Role,
  createdBy: { id: r.user.id, name: r.user.name },
  createdAt: r.createdAt.toISOString(),
  lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
  revokedAt: r.revokedAt?.toISOString() ?? null,
});

const USER = { select: { id: true, name: true } } as const;

/** Returns the key itself once; it cannot be read again. */
export async function createApiKey(ctx: ServiceContext, input: { name: string; role?: Role | undefined }): Promise<{ key: string; apiKey: ApiKeyDto }> {
  const role = input.role ?? ctx.actor.role;
  if (!roleWithin(role, ctx.actor.role)) {
    throw new AppError(
      'FORBIDDEN',
      `A ${ROLE_LABELS[ctx.actor.role].en} cannot create a key acting as ${ROLE_LABELS[role].en}: a key may not do more than its creator`,
      {
        kind: 'invalid_field',
        field: 'role',
      },
    );
  }
  const generated = generateApiKey();
  return ctx.prisma.$transaction(async (tx) => {
    const row = await tx.apiKey.create({
      data: { name: input.name, prefix: generated.prefix, hash: generated.hash, role, userId: ctx.actor.id, createdAt: ctx.now() },
      include: { user: USER },
    });
    await recordAudit(tx, ctx, { action: 'api_key.create', objectType: 'api_key', objectId: row.id, diff: { name: row.name, prefix: row.prefix, role } });
    return { key: generated.key, apiKey: toDto(row) };
  });
}

export async function listApiKeys(ctx: Pick<ServiceContext, 'prisma'>, query: { includeRevoked: boolean }): Promise<ApiKeyDto[]> {
  const rows = await ctx.prisma.apiKey.findMany({
    where: query.includeRevoked ? {} : { revokedAt: null },
    include: { user: USER },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  return rows.map(toDto);
}

/** Revoking is immediate and final; revoking a revoked key changes nothing. */
export async function revokeApiKey(ctx: ServiceContext, id: string): Promise<ApiKeyDto> {
  return ctx.prisma.$transaction(async (tx) => {
    const key = await tx.apiKey.findUnique({ where: { id }, include: { user: USER } });
    if (!key) throw notFound('API key', id);
    if (key.revokedAt) return toDto(key);
    const row = await tx.apiKey.update({ where: { id }, data: { revokedAt: ctx.now() }, include: { user: USER } });
    await recordAudit(tx, ctx, { action: 'api_key.revoke', objectType: 'api_key', objectId: id, diff: { name: key.name, prefix: key.prefix } });
    return toDto(row);
  });
}
