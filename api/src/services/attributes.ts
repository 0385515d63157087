import { type AttributeDefinition, type AttributeType, type AttributeValue, IsoDate, IsoDateTime } from '@omniflow/schemas';
import { AppError, notFound } from '../errors.ts';
import type { AttributeSource, DomainEvent } from '../events.ts';
import { recordAudit } from './audit.ts';
import { isUniqueViolation } from './contacts.ts';
import { type DataContext, type Db, inTransaction, type ServiceContext, type Tx } from './context.ts';

// Custom attributes (§1.5): definitions, and type-checked writes of customers' values. A value in
// the wrong format is not saved; the result says why: ok | invalid_format | archived | type_mismatch.
// Writing the value a customer already has is not a change: no write, no event (§3.5).

export type AttributeWriteResult = 'ok' | 'invalid_format' | 'archived' | 'type_mismatch';
export type AttributeStatus = 'active' | 'archived';

export interface AttributeDefinitionDto {
  key: string;
  displayName: string;
  description: string;
  type: AttributeType;
  status: AttributeStatus;
  createdAt: string;
  updatedAt: string;
}

type DefinitionRow = { key: string; displayName: string | null; description: string; type: string; status: string; createdAt: Date; updatedAt: Date };

const toDto = (d: DefinitionRow): AttributeDefinitionDto => ({
  key: d.key,
  displayName: d.displayName ?? d.key,
  description: d.description,
  type: d.type as AttributeType,
  status: d.status as AttributeStatus,
  createdAt: d.createdAt.toISOString(),
  updatedAt: d.updatedAt.toISOString(),
});

export const TEXT_VALUE_MAX = 2000;
const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', '是']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', '否']);

export type ValueCheck = { result: 'ok'; value: AttributeValue } | { result: 'invalid_format' | 'type_mismatch'; message: string };

/**
 * Checks a value against an attribute type. `fromText`: the value was typed or read from a file
 * (bot input, CSV import), so a string is parsed for the type and a failure is `invalid_format`;
 * otherwise a value of the wrong JSON type is `type_mismatch`. `null` clears the value.
 */
export function checkAttributeValue(type: AttributeType, value: AttributeValue, options: { fromText?: boolean } = {}): ValueCheck {
  if (value === null) return { result: 'ok', value: null };
  const mismatch = (expected: string): ValueCheck => ({ result: 'type_mismatch', message: `expected ${expected}, got ${typeof value}` });
  const text = typeof value === 'string' ? value.trim() : null;
  switch (type) {
    case 'text':
      if (typeof value !== 'string') return options.fromText ? { result: 'ok', value: String(value) } : mismatch('a string');
      return value.length > TEXT_VALUE_MAX ? { result: 'invalid_format', message: `text longer than ${TEXT_VALUE_MAX} characters` } : { result: 'ok', value };
    case 'number': {
      if (typeof value === 'number') return Number.isFinite(value) ? { result: 'ok', value } : { result: 'invalid_format', message: 'not a finite number' };
      if (text === null || !options.fromText) return mismatch('a number');
      const n = Number(text);
      return text !== '' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) && Number.isFinite(n)
        ? { result: 'ok', value: n }
        : { result: 'invalid_format', message: `${JSON.stringify(text)} is not a number` };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { result: 'ok', value };
      if (text === null || !options.fromText) return mismatch('true or false');
      const word = text.toLowerCase();
      if (TRUE_WORDS.has(word)) return { result: 'ok', value: true };
      if (FALSE_WORDS.has(word)) return { result: 'ok', value: false };
      return { result: 'invalid_format', message: `${JSON.stringify(text)} is not true or false` };
    }
    case 'date':
      if (text === null) return mismatch('a date "YYYY-MM-DD"');
      return IsoDate.safeParse(text).success
        ? { result: 'ok', value: text }
        : { result: 'invalid_format', message: `${JSON.stringify(text)} is not a date "YYYY-MM-DD"` };
    case 'datetime':
      if (text === null) return mismatch('an ISO-8601 date and time');
      return IsoDateTime.safeParse(text).success
        ? { result: 'ok', value: text }
        : { result: 'invalid_format', message: `${JSON.stringify(text)} is not an ISO-8601 date and time with an offset, e.g. 2024-05-01T09:30:00+08:00` };
  }
}

export interface AttributeWrite {
  customerId: string;
  key: string;
  value: AttributeValue;
  source: AttributeSource;
  fromText?: boolean;
}

export interface AttributeWriteOutcome {
  result: AttributeWriteResult;
  /** Whether the stored value changed (false for a refused write or the same value again). */
  changed: boolean;
  /** The value now stored (after parsing, for `fromText`). */
  value: AttributeValue;
  message?: string;
}

/** Inside a transaction: NOT_FOUND for an unknown attribute or customer; otherwise a result code. */
export async function setAttributeTx(tx: Tx, now: Date, input: AttributeWrite, events: DomainEvent[], importJobId?: string): Promise<AttributeWriteOutcome> {
  const definition = await tx.attributeDefinition.findUnique({ where: { key: input.key } });
  if (!definition) throw notFound('Attribute', input.key);
  if (!(await tx.customer.findUnique({ where: { id: input.customerId }, select: { id: true } }))) throw notFound('Customer', input.customerId);
  const current = await tx.attributeValue.findUnique({ where: { customerId_key: { customerId: input.customerId, key: input.key } } });
  const old = current ? (JSON.parse(current.value) as AttributeValue) : null;
  if (definition.status === 'archived') return { result: 'archived', changed: false, value: old, message: `attribute ${input.key} is archived` };
  const checked = checkAttributeValue(definition.type as AttributeType, input.value, { fromText: input.fromText ?? false });
  if (checked.result !== 'ok') return { result: checked.result, changed: false, value: old, message: checked.message };
  if (checked.value === old) return { result: 'ok', changed: false, value: old };
  if (checked.value === null) await tx.attributeValue.delete({ where: { id: current!.id } });
  else {
    const data = { value: JSON.stringify(checked.value), updatedAt: now, source: input.source };
    await tx.attributeValue.upsert({
      where: { customerId_key: { customerId: input.customerId, key: input.key } },
      create: { customerId: input.customerId, key: input.key, ...data },
      update: data,
    });
  }
  events.push({
    type: 'attribute.changed',
    at: now.toISOString(),
    customerId: input.customerId,
    key: input.key,
    old,
    new: checked.value,
    source: input.source,
    ...(importJobId ? { importJobId } : {}),
  });
  return { result: 'ok', changed: true, value: checked.value };
}

export function setAttribute(dc: DataContext, input: AttributeWrite): Promise<AttributeWriteOutcome> {
  return inTransaction(dc, (tx, events) => setAttributeTx(tx, dc.now(), input, events));
}

export async function listDefinitions(dc: Pick<DataContext, 'prisma'>, query: { status?: AttributeStatus | undefined }): Promise<AttributeDefinitionDto[]> {
  const rows = await dc.prisma.attributeDefinition.findMany({ where: query.status ? { status: query.status } : {}, orderBy: { key: 'asc' } });
  return rows.map(toDto);
}

export async function defineAttribute(
  ctx: ServiceContext,
  input: { key: string; type: AttributeType; displayName?: string | undefined; description?: string | undefined },
): Promise<AttributeDefinitionDto> {
  try {
    return await ctx.prisma.$transaction(async (tx) => {
      const row = await tx.attributeDefinition.create({
        data: { key: input.key, type: input.type, displayName: input.displayName || null, description: input.description ?? '' },
      });
      await recordAudit(tx, ctx, { action: 'attribute.define', objectType: 'attribute', objectId: row.key, diff: { type: row.type } });
      return toDto(row);
    });
  } catch (e) {
    if (isUniqueViolation(e))
      throw new AppError('CONFLICT', `attribute key ${JSON.stringify(input.key)} already exists`, { kind: 'invalid_field', field: 'key' });
    throw e;
  }
}

/** Edits the display name and description. The key and type are fixed: stored values and flows depend on them. */
export async function updateAttribute(
  ctx: ServiceContext,
  input: { key: string; displayName?: string | null | undefined; description?: string | undefined },
): Promise<AttributeDefinitionDto> {
  return ctx.prisma.$transaction(async (tx) => {
    if (!(await tx.attributeDefinition.findUnique({ where: { key: input.key } }))) throw notFound('Attribute', input.key);
    const row = await tx.attributeDefinition.update({
      where: { key: input.key },
      data: {
        ...(input.displayName !== undefined ? { displayName: input.displayName || null } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
      },
    });
    await recordAudit(tx, ctx, {
      action: 'attribute.update',
      objectType: 'attribute',
      objectId: row.key,
      diff: { fields: Object.keys(input).filter((k) => k !== 'key') },
    });
    return toDto(row);
  });
}

/** Archive (封存) or enable (啟用) again. */
export async function setAttributeStatus(ctx: ServiceContext, key: string, status: AttributeStatus): Promise<AttributeDefinitionDto> {
  return ctx.prisma.$transaction(async (tx) => {
    const current = await tx.attributeDefinition.findUnique({ where: { key } });
    if (!current) throw notFound('Attribute', key);
    if (current.status === status) return toDto(current);
    const row = await tx.attributeDefinition.update({ where: { key }, data: { status } });
    await recordAudit(tx, ctx, {
      action: status === 'archived' ? 'attribute.archive' : 'attribute.restore',
      objectType: 'attribute',
      objectId: key,
      diff: { status: { from: current.status, to: status } },
    });
    return toDto(row);
  });
}

/** Deletes the definition and every customer's value of it. */
export async function deleteAttribute(ctx: ServiceContext, key: string): Promise<{ key: string; valuesDeleted: number }> {
  return ctx.prisma.$transaction(async (tx) => {
    if (!(await tx.attributeDefinition.findUnique({ where: { key } }))) throw notFound('Attribute', key);
    const values = await tx.attributeValue.deleteMany({ where: { key } });
    await tx.attributeDefinition.delete({ where: { key } });
    await recordAudit(tx, ctx, { action: 'attribute.delete', objectType: 'attribute', objectId: key, diff: { valuesDeleted: values.count } });
    return { key, valuesDeleted: values.count };
  });
}

/** The team's attribute definitions as the validator reads them: placeholders and conditions must name known ones. */
export async function attributeCatalogue(db: Db): Promise<AttributeDefinition[]> {
  const rows = await db.attributeDefinition.findMany({ select: { key: true, type: true, status: true } });
  return rows.map((r) => ({ key: r.key, type: r.type as AttributeType, status: r.status as AttributeStatus }));
}
