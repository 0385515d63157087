import { type AttributeType, type AttributeValue, CHANNEL_KINDS, type ChannelKind, Phone } from '@omniflow/schemas';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { badField } from '../errors.ts';
import { checkAttributeValue } from './attributes.ts';
import { POINTS_MAX_CHANGE } from './points.ts';

// Reading an import file (§3.9) into rows, and checking each row on its own. CSV follows RFC 4180
// (csv-parse: quoted fields, doubled quotes, CRLF or LF, a UTF-8 BOM); JSON is an array of objects.
// Problems with the file as a whole (no key column, too many rows, not CSV) refuse the import;
// problems with a row are reported with its number and the column at fault.

export const IMPORT_MODES = ['customers', 'social_contacts'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];
export const IMPORT_FORMATS = ['csv', 'json'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export const IMPORT_MAX_ROWS = 50_000;
export const IMPORT_MAX_TAGS_PER_ROW = 50;
export const TAG_NAME_MAX = 100;

/** One row as read from the file: strings from CSV, JSON values from JSON. Empty cells are left out. */
export interface RawRow {
  /** 1-based number of the data row (the header is not counted). */
  row: number;
  /** CSV: the file line the record starts on. */
  line?: number;
  fields: Partial<Record<StandardField, unknown>>;
  /** [key, value] pairs (a list, so no key, not even "__proto__", is special). */
  attributes: [string, unknown][];
  /** JSON: properties that are not import fields. */
  unknownFields?: string[];
  /** JSON: `attributes` is not an object. */
  attributesInvalid?: boolean;
  /** JSON: the row is not an object at all. */
  notAnObject?: boolean;
}

export type StandardField = 'memberId' | 'name' | 'phone' | 'email' | 'tags' | 'points' | 'channel' | 'channelId' | 'externalUserId' | 'displayName';

/** How each field is named in a report: the CSV column, or the JSON property. */
export const FIELD_LABELS: Readonly<Record<ImportFormat, Record<StandardField, string>>> = {
  csv: {
    memberId: 'Member ID',
    name: 'Name',
    phone: 'Phone',
    email: 'Email',
    tags: 'Tags',
    points: 'Point Balance',
    channel: 'Channel',
    channelId: 'Channel ID',
    externalUserId: 'External User ID',
    displayName: 'Display Name',
  },
  json: {
    memberId: 'memberId',
    name: 'name',
    phone: 'phone',
    email: 'email',
    tags: 'tags',
    points: 'pointBalance',
    channel: 'channel',
    channelId: 'channelId',
    externalUserId: 'externalUserId',
    displayName: 'displayName',
  },
};

const CSV_HEADERS: Record<string, StandardField> = {};
for (const [field, label] of Object.entries(FIELD_LABELS.csv) as [StandardField, string][]) {
  for (const name of [label, field, label.replace(/ /g, '_')]) CSV_HEADERS[name.toLowerCase()] = field;
}
const JSON_FIELDS = new Map<string, StandardField>(Object.entries(FIELD_LABELS.json).map(([field, name]) => [name, field as StandardField]));
JSON_FIELDS.set('Point Balance', 'points');

export const ATTRIBUTE_COLUMN_PREFIX = 'attr:';

/** Reads the file; throws BAD_REQUEST for a file that cannot be imported at all. */
export function readImportFile(format: ImportFormat, content: string): RawRow[] {
  const rows = format === 'csv' ? readCsv(content) : readJson(content);
  if (rows.length === 0) throw badField('content', 'The file has no data rows');
  if (rows.length > IMPORT_MAX_ROWS) throw badField('content', `The file has ${rows.length} rows; an import takes at most ${IMPORT_MAX_ROWS}`);
  return rows;
}

function readCsv(content: string): RawRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(content, { bom: true, info: true, relax_column_count: false, skip_empty_lines: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
  } catch (e) {
    throw badField('content', `The file is not valid CSV: ${e instanceof Error ? e.message : String(e)}`);
  }
  const [header, ...data] = records;
  if (!header) return [];
  const columns = header.record.map((raw, index) => {
    const name = raw.trim();
    if (name.toLowerCase().startsWith(ATTRIBUTE_COLUMN_PREFIX)) {
      const key = name.slice(ATTRIBUTE_COLUMN_PREFIX.length).trim();
      if (!/^[A-Za-z0-9_]{1,64}$/.test(key))
        throw badField(`content.header.${index + 1}`, `Column ${JSON.stringify(name)}: attribute keys use letters, digits and "_"`);
      return { kind: 'attribute' as const, key };
    }
    const field = CSV_HEADERS[name.toLowerCase()];
    if (!field) {
      throw badField(
        `content.header.${index + 1}`,
        `Unknown column ${JSON.stringify(name)}: use ${Object.values(FIELD_LABELS.csv).join(', ')}, or "${ATTRIBUTE_COLUMN_PREFIX}<attribute key>"`,
      );
    }
    return { kind: 'field' as const, field };
  });
  const seen = new Set<string>();
  for (const c of columns) {
    const id = c.kind === 'field' ? c.field : `attr:${c.key}`;
    if (seen.has(id)) throw badField('content.header', `Column ${JSON.stringify(id)} appears twice`);
    seen.add(id);
  }
  return data.map(({ record, info }, i) => {
    const row: RawRow = { row: i + 1, line: info.lines - countNewlines(record), fields: {}, attributes: [] };
    record.forEach((value, index) => {
      const column = columns[index];
      if (!column || value.trim() === '') return;
      if (column.kind === 'field') row.fields[column.field] = value.trim();
      else row.attributes.push([column.key, value]);
    });
    return row;
  });
}

/** csv-parse reports the line a record ends on; a quoted field may span lines. */
function countNewlines(record: string[]): number {
  let n = 0;
  for (const value of record) for (const ch of value) if (ch === '\n') n++;
  return n;
}

function readJson(content: string): RawRow[] {
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch (e) {
    throw badField('content', `The file is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!Array.isArray(data)) throw badField('content', 'A JSON import is an array of objects, one per row');
  return data.map((item, i): RawRow => {
    const row: RawRow = { row: i + 1, fields: {}, attributes: [] };
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return { ...row, notAnObject: true };
    for (const [name, value] of Object.entries(item as Record<string, unknown>)) {
      if (value === null || value === undefined || value === '') continue;
      if (name === 'attributes') {
        if (typeof value === 'object' && !Array.isArray(value)) row.attributes.push(...Object.entries(value as Record<string, unknown>));
        else row.attributesInvalid = true;
        continue;
      }
      const field = JSON_FIELDS.get(name);
      if (field) row.fields[field] = value;
      else row.unknownFields = [...(row.unknownFields ?? []), name];
    }
    return row;
  });
}

/** A row checked and typed, ready to write. */
export interface ImportRow {
  row: number;
  line?: number;
  memberId?: string;
  name?: string;
  phone?: string;
  email?: string;
  channel?: ChannelKind;
  channelId?: string;
  externalUserId?: string;
  displayName?: string;
  tags: string[];
  attributes: [string, AttributeValue][];
  /** Signed: positive adds, negative deducts, 0 or absent does nothing. */
  points?: number;
}

export interface RowError {
  row: number;
  line?: number;
  /** The column (CSV) or property (JSON) at fault. */
  field: string;
  message: string;
}

export interface AttributeDefinitionLite {
  type: AttributeType;
  status: string;
}

const Email = z.email();

/** Checks one row against the mode and the attribute definitions; returns the typed row or its errors (all of them). */
export function checkRow(
  raw: RawRow,
  mode: ImportMode,
  format: ImportFormat,
  definitions: ReadonlyMap<string, AttributeDefinitionLite>,
): { ok: true; row: ImportRow } | { ok: false; errors: RowError[] } {
  const labels = FIELD_LABELS[format];
  const errors: RowError[] = [];
  const at = { row: raw.row, ...(raw.line !== undefined ? { line: raw.line } : {}) };
  const fail = (field: string, message: string) => errors.push({ ...at, field, message });
  if (raw.notAnObject) return { ok: false, errors: [{ ...at, field: 'row', message: 'Each row must be an object' }] };
  for (const name of raw.unknownFields ?? [])
    fail(name, `Unknown field ${JSON.stringify(name)}: use ${Object.values(FIELD_LABELS.json).join(', ')} or attributes`);

  const row: ImportRow = { ...at, tags: [], attributes: [] };
  const text = (field: StandardField, max: number): string | undefined => {
    const value = raw.fields[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' && typeof value !== 'number') {
      fail(labels[field], 'must be text');
      return undefined;
    }
    const s = String(value).trim();
    if (s.length > max) fail(labels[field], `longer than ${max} characters`);
    return s.length > max || s === '' ? undefined : s;
  };

  const memberId = text('memberId', 100);
  if (memberId) row.memberId = memberId;
  const name = text('name', 200);
  if (name) row.name = name;
  const phone = text('phone', 20);
  if (phone !== undefined) {
    const normalized = phone.replace(/[\s-]/g, '').replace(/^\+/, '');
    if (Phone.safeParse(normalized).success) row.phone = normalized;
    else fail(labels.phone, 'Use the international format without "+" or a leading 0, e.g. 886911223344');
  }
  const email = text('email', 320);
  if (email !== undefined) {
    if (Email.safeParse(email).success) row.email = email.toLowerCase();
    else fail(labels.email, `${JSON.stringify(email)} is not an email address`);
  }

  if (mode === 'customers') {
    if (!memberId && raw.fields.memberId === undefined) fail(labels.memberId, 'is required to import customers: it is the key');
  } else {
    const channel = text('channel', 20);
    if (channel === undefined) fail(labels.channel, `is required: one of ${CHANNEL_KINDS.join(', ')}`);
    else if ((CHANNEL_KINDS as readonly string[]).includes(channel.toLowerCase())) row.channel = channel.toLowerCase() as ChannelKind;
    else fail(labels.channel, `${JSON.stringify(channel)} is not a channel: one of ${CHANNEL_KINDS.join(', ')}`);
    const channelId = text('channelId', 200);
    if (channelId) row.channelId = channelId;
    else if (raw.fields.channelId === undefined) fail(labels.channelId, 'is required to import social contacts');
    const externalUserId = text('externalUserId', 200);
    if (externalUserId) row.externalUserId = externalUserId;
    else if (raw.fields.externalUserId === undefined) fail(labels.externalUserId, 'is required to import social contacts: it is the key');
    const displayName = text('displayName', 200);
    if (displayName) row.displayName = displayName;
  }

  const tags = raw.fields.tags;
  if (tags !== undefined) {
    const list = typeof tags === 'string' ? tags.split(/[,;]/) : Array.isArray(tags) && tags.every((t) => typeof t === 'string') ? (tags as string[]) : null;
    if (!list) fail(labels.tags, 'must be text (tags separated by "," or ";") or a list of strings');
    else {
      const names = [...new Set(list.map((t) => t.trim()).filter((t) => t !== ''))];
      const tooLong = names.find((t) => t.length > TAG_NAME_MAX);
      if (tooLong) fail(labels.tags, `tag ${JSON.stringify(tooLong.slice(0, 20))}… is longer than ${TAG_NAME_MAX} characters`);
      else if (names.length > IMPORT_MAX_TAGS_PER_ROW) fail(labels.tags, `at most ${IMPORT_MAX_TAGS_PER_ROW} tags per row`);
      else row.tags = names;
    }
  }

  const points = raw.fields.points;
  if (points !== undefined) {
    const n = typeof points === 'number' ? points : typeof points === 'string' && /^[-+]?\d+$/.test(points.trim()) ? Number(points.trim()) : Number.NaN;
    if (!Number.isSafeInteger(n)) fail(labels.points, 'must be a whole number: positive adds points, negative deducts');
    else if (Math.abs(n) > POINTS_MAX_CHANGE) fail(labels.points, `at most ${POINTS_MAX_CHANGE} points per row`);
    else if (n !== 0) row.points = n;
  }

  if (raw.attributesInvalid) fail('attributes', 'must be an object of attribute keys and values');
  for (const [key, value] of raw.attributes) {
    const label = format === 'csv' ? `${ATTRIBUTE_COLUMN_PREFIX}${key}` : `attributes.${key}`;
    const definition = definitions.get(key);
    if (!definition) {
      fail(label, `Unknown attribute ${JSON.stringify(key)}: define it first`);
      continue;
    }
    if (definition.status === 'archived') {
      fail(label, `archived: attribute ${JSON.stringify(key)} cannot be newly assigned`);
      continue;
    }
    if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      fail(label, 'type_mismatch: must be text, a number or true/false');
      continue;
    }
    const checked = checkAttributeValue(definition.type, value, { fromText: true });
    if (checked.result === 'ok') row.attributes.push([key, checked.value]);
    else fail(label, `${checked.result}: ${checked.message}`);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, row };
}
