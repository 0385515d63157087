import type { AttributeType } from '@omniflow/schemas';
import { AppError, notFound } from '../errors.ts';
import type { DomainEvent, DomainEventBus } from '../events.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { setAttributeTx } from './attributes.ts';
import { recordAudit } from './audit.ts';
import { createCustomerTx, createIdentityTx, isUniqueViolation, updateCustomerTx } from './contacts.ts';
import type { DataContext, ServiceContext, Tx } from './context.ts';
import { JOURNAL_SCOPE, journalEvents, journalKeys, journalPrefix, type RowUndo, snapshotCustomerTx, undoChunkTx, writeJournalTx } from './import-journal.ts';
import {
  type AttributeDefinitionLite,
  checkRow,
  FIELD_LABELS,
  type ImportFormat,
  type ImportMode,
  type ImportRow,
  type RawRow,
  type RowError,
  readImportFile,
} from './import-rows.ts';
import { changePointsTx } from './points.ts';
import { applyTagsTx, removeTagsTx } from './tags.ts';

// Imports (§3.9): a file is read and checked when it is uploaded (a file that cannot be imported at
// all is refused at once), then queued and processed in the background, one job at a time. Each
// row is written whole or not at all: in `partial` mode every row is its own transaction and bad
// rows are reported; in `all_or_nothing` mode one bad row means nothing is written. Changes fire
// journey triggers (domain events) only when the job's "trigger journeys" toggle is on.

export const IMPORT_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const IMPORT_ATOMICITY = ['partial', 'all_or_nothing'] as const;
export type ImportAtomicity = (typeof IMPORT_ATOMICITY)[number];

/** Errors kept in the report; `failedRows` still counts every bad row. */
export const IMPORT_MAX_REPORTED_ERRORS = 5000;
const PROGRESS_EVERY_ROWS = 100;
/** An all-or-nothing chunk ends after this long (the longest the server waits for an import)… */
const ALL_OR_NOTHING_CHUNK_MS = 40;
/** …or this many rows. */
const ALL_OR_NOTHING_CHUNK_ROWS = 200;

export interface ImportRequest {
  mode: ImportMode;
  format: ImportFormat;
  content: string;
  fileName?: string | undefined;
  atomicity: ImportAtomicity;
  triggerJourneys: boolean;
  /** 覆蓋標籤: a row with tags first removes the customer's other tags (§1.4). */
  overwriteTags?: boolean | undefined;
  /** 一併扣除累積點數: a negative Point Balance also lowers lifetime points (§1.6). */
  deductLifetime?: boolean | undefined;
}

export interface ImportJobDto {
  id: string;
  mode: ImportMode;
  format: ImportFormat;
  atomicity: ImportAtomicity;
  fileName: string;
  status: ImportStatus;
  triggerJourneys: boolean;
  totalRows: number;
  processedRows: number;
  createdRows: number;
  updatedRows: number;
  failedRows: number;
  /** processedRows / totalRows, 0…1. */
  progress: number;
  createdById: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ImportJobDetail extends ImportJobDto {
  errors: RowError[];
  options: { overwriteTags: boolean; deductLifetime: boolean };
}

interface Payload {
  rows: RawRow[];
  overwriteTags: boolean;
  deductLifetime: boolean;
}

type JobRow = NonNullable<Awaited<ReturnType<PrismaClient['importJob']['findUnique']>>>;

function toDto(j: JobRow): ImportJobDto {
  return {
    id: j.id,
    mode: j.mode as ImportMode,
    format: j.format as ImportFormat,
    atomicity: j.atomicity as ImportAtomicity,
    fileName: j.fileName,
    status: j.status as ImportStatus,
    triggerJourneys: j.triggerJourneys,
    totalRows: j.totalRows,
    processedRows: j.processedRows,
    createdRows: j.createdRows,
    updatedRows: j.updatedRows,
    failedRows: j.failedRows,
    progress: j.totalRows === 0 ? 0 : j.processedRows / j.totalRows,
    createdById: j.createdById,
    createdAt: j.createdAt.toISOString(),
    startedAt: j.startedAt?.toISOString() ?? null,
    finishedAt: j.finishedAt?.toISOString() ?? null,
  };
}

/** Reads the file, creates the queued job (audited) and hands it to the queue. */
export async function startImport(ctx: ServiceContext & { imports: ImportQueue }, input: ImportRequest): Promise<ImportJobDto> {
  const rows = readImportFile(input.format, input.content);
  const payload: Payload = { rows, overwriteTags: input.overwriteTags ?? false, deductLifetime: input.deductLifetime ?? false };
  const job = await ctx.prisma.$transaction(async (tx) => {
    const created = await tx.importJob.create({
      data: {
        mode: input.mode,
        format: input.format,
        atomicity: input.atomicity,
        fileName: input.fileName ?? '',
        triggerJourneys: input.triggerJourneys,
        totalRows: rows.length,
        payload: JSON.stringify(payload),
        createdById: ctx.actor.id,
        createdAt: ctx.now(),
      },
    });
    await recordAudit(tx, ctx, {
      action: 'import.create',
      objectType: 'import',
      objectId: created.id,
      diff: {
        mode: input.mode,
        format: input.format,
        atomicity: input.atomicity,
        rows: rows.length,
        triggerJourneys: input.triggerJourneys,
        fileName: input.fileName ?? '',
      },
    });
    return created;
  });
  ctx.imports.enqueue(job.id);
  return toDto(job);
}

export async function getImport(dc: Pick<DataContext, 'prisma'>, id: string): Promise<ImportJobDetail> {
  const job = await dc.prisma.importJob.findUnique({ where: { id } });
  if (!job) throw notFound('Import', id);
  const options = job.payload ? (JSON.parse(job.payload) as Payload) : null;
  return {
    ...toDto(job),
    errors: JSON.parse(job.errors) as RowError[],
    options: { overwriteTags: options?.overwriteTags ?? false, deductLifetime: options?.deductLifetime ?? false },
  };
}

export async function listImports(
  dc: Pick<DataContext, 'prisma'>,
  query: { status?: ImportStatus | undefined; cursor?: string | undefined; limit: number },
): Promise<{ items: ImportJobDto[]; nextCursor: string | null }> {
  const rows = await dc.prisma.importJob.findMany({
    where: query.status ? { status: query.status } : {},
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
    omit: { payload: true, errors: true },
  });
  const page = rows.slice(0, query.limit);
  return { items: page.map((r) => toDto({ ...r, payload: null, errors: '[]' })), nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
}

/** A queued job can be cancelled (等待中); one that started runs to its end. */
export async function cancelImport(ctx: ServiceContext, id: string): Promise<ImportJobDto> {
  return ctx.prisma.$transaction(async (tx) => {
    const job = await tx.importJob.findUnique({ where: { id } });
    if (!job) throw notFound('Import', id);
    const cancelled = await tx.importJob.updateMany({ where: { id, status: 'queued' }, data: { status: 'cancelled', finishedAt: ctx.now(), payload: null } });
    if (cancelled.count === 0) {
      throw new AppError('PRECONDITION_FAILED', `Import ${id} is ${job.status}: only a queued import can be cancelled`, { kind: 'invalid_field', field: 'id' });
    }
    await recordAudit(tx, ctx, { action: 'import.cancel', objectType: 'import', objectId: id });
    return toDto(await tx.importJob.findUniqueOrThrow({ where: { id } }));
  });
}

/** Lets the event loop serve other requests (I/O callbacks run before setImmediate callbacks). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A row that failed while being written; its transaction is rolled back. */
class RowFailure extends Error {
  constructor(readonly error: RowError) {
    super(error.message);
  }
}

/** Writes one checked row; returns whether it created the customer (or, for social contacts, the contact). */
async function writeRow(tx: Tx, now: Date, job: JobRow, payload: Payload, row: ImportRow, events: DomainEvent[]): Promise<'created' | 'updated'> {
  const labels = FIELD_LABELS[job.format as ImportFormat];
  const at = { row: row.row, ...(row.line !== undefined ? { line: row.line } : {}) };
  const fields = {
    ...(row.name !== undefined ? { name: row.name } : {}),
    ...(row.phone !== undefined ? { phone: row.phone } : {}),
    ...(row.email !== undefined ? { email: row.email } : {}),
  };
  let customer: Awaited<ReturnType<Tx['customer']['findUnique']>>;
  let outcome: 'created' | 'updated' = 'updated';
  try {
    if (job.mode === 'customers') {
      customer = await tx.customer.findUnique({ where: { memberId: row.memberId! } });
      if (!customer) {
        customer = await createCustomerTx(tx, now, { memberId: row.memberId!, ...fields }, events, job.id);
        outcome = 'created';
      } else customer = (await updateCustomerTx(tx, customer, fields)).row;
    } else {
      const key = { channel: row.channel!, channelId: row.channelId!, externalUserId: row.externalUserId! };
      const identity = await tx.contactIdentity.findUnique({ where: { channel_channelId_externalUserId: key }, include: { customer: true } });
      if (identity) {
        customer = (await updateCustomerTx(tx, identity.customer, { ...fields, ...(row.memberId ? { memberId: row.memberId } : {}) })).row;
        if (row.displayName !== undefined && row.displayName !== identity.displayName) {
          await tx.contactIdentity.update({ where: { id: identity.id }, data: { displayName: row.displayName, updatedAt: now } });
        }
      } else {
        customer = row.memberId ? await tx.customer.findUnique({ where: { memberId: row.memberId } }) : null;
        if (customer) customer = (await updateCustomerTx(tx, customer, fields)).row;
        else customer = await createCustomerTx(tx, now, { ...fields, ...(row.memberId ? { memberId: row.memberId } : {}) }, events, job.id);
        await createIdentityTx(tx, now, customer.id, { ...key, displayName: row.displayName, source: 'import' }, events, job.id);
        outcome = 'created';
      }
    }
  } catch (e) {
    if (isUniqueViolation(e))
      throw new RowFailure({ ...at, field: labels.memberId, message: `memberId ${JSON.stringify(row.memberId)} already belongs to another customer` });
    throw e;
  }
  const customerId = customer.id;
  const sourceRef = { feature: 'import', objectId: job.id };
  if (row.tags.length > 0) {
    if (payload.overwriteTags) {
      const others = (await tx.customerTag.findMany({ where: { customerId, tag: { notIn: row.tags } }, select: { tag: true } })).map((t) => t.tag);
      if (others.length > 0) await removeTagsTx(tx, now, { customerId, tags: others, source: 'import', sourceRef }, events, job.id);
    }
    await applyTagsTx(tx, now, { customerId, tags: row.tags, source: 'import', sourceRef, idempotencyKey: `import:${job.id}:${row.row}` }, events, job.id);
  }
  for (const [key, value] of row.attributes) {
    const written = await setAttributeTx(tx, now, { customerId, key, value, source: 'import', fromText: true }, events, job.id);
    if (written.result !== 'ok')
      throw new RowFailure({
        ...at,
        field: job.format === 'csv' ? `attr:${key}` : `attributes.${key}`,
        message: `${written.result}: ${written.message ?? ''}`,
      });
  }
  if (row.points !== undefined) {
    const changed = await changePointsTx(
      tx,
      now,
      {
        customerId,
        op: row.points > 0 ? 'add' : 'deduct',
        amount: Math.abs(row.points),
        reason: `Import ${job.id}, row ${row.row}`,
        idempotencyKey: `import:${job.id}:${row.row}`,
        sourceRef,
        deductLifetime: payload.deductLifetime,
      },
      events,
      job.id,
    );
    if (!changed.ok) {
      throw new RowFailure({
        ...at,
        field: labels.points,
        message:
          changed.reason === 'no_phone'
            ? 'the customer has no phone number: points need one (§1.6)'
            : `cannot deduct ${Math.abs(row.points)} points: the balance is ${changed.balance}`,
      });
    }
  }
  return outcome;
}

/** Turns an unexpected failure inside a row into a report line, so one row never stops a partial import. */
function rowErrorOf(e: unknown, row: ImportRow): RowError {
  if (e instanceof RowFailure) return e.error;
  const at = { row: row.row, ...(row.line !== undefined ? { line: row.line } : {}) };
  if (e instanceof AppError) return { ...at, field: 'row', message: e.message };
  return { ...at, field: 'row', message: 'the row could not be written (internal error; see the server log)' };
}

export interface ImportQueueDeps {
  prisma: PrismaClient;
  now: () => Date;
  events: DomainEventBus;
  log?: (error: unknown, message: string) => void;
}

/**
 * Processes import jobs one at a time, in the background of this process. Jobs left queued or
 * running by a previous process are resumed by `resume()`; re-running rows is safe because tag
 * and points writes carry per-row idempotency keys and field writes are idempotent.
 */
export class ImportQueue {
  private readonly pending: string[] = [];
  /** Jobs waiting or in progress here: a job is never processed twice at once. */
  private readonly known = new Set<string>();
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly deps: ImportQueueDeps) {}

  enqueue(jobId: string): void {
    if (this.stopped || this.known.has(jobId)) return;
    this.known.add(jobId);
    this.pending.push(jobId);
    // Start on a later turn of the event loop, so the request that queued the job is answered first.
    this.running ??= yieldToEventLoop()
      .then(() => this.work())
      .finally(() => {
        this.running = null;
      });
  }

  /** Picks up jobs a previous process left queued or running. */
  async resume(): Promise<number> {
    const jobs = await this.deps.prisma.importJob.findMany({
      where: { status: { in: ['queued', 'running'] } },
      orderBy: { createdAt: 'asc' },
      select: { id: true },
    });
    for (const job of jobs) this.enqueue(job.id);
    return jobs.length;
  }

  /** Resolves when the queue is empty (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops after the current row; an unfinished job stays `running` and is resumed at the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const id of this.pending.splice(0)) this.known.delete(id);
    await this.idle();
  }

  private async work(): Promise<void> {
    for (let id = this.pending.shift(); id !== undefined && !this.stopped; id = this.pending.shift()) {
      try {
        await this.process(id);
      } catch (e) {
        this.deps.log?.(e, `import ${id} failed`);
        // An all-or-nothing job with undo journal left stays `running`: resume() finishes undoing it.
        if ((await journalKeys(this.deps.prisma, id).catch(() => [])).length > 0) continue;
        await this.deps.prisma.importJob
          .updateMany({ where: { id, status: 'running' }, data: { status: 'failed', finishedAt: this.deps.now(), payload: null } })
          .catch(() => {});
      } finally {
        this.known.delete(id);
      }
    }
  }

  private async process(id: string): Promise<void> {
    const { prisma, now } = this.deps;
    const claimed = await prisma.importJob.updateMany({ where: { id, status: { in: ['queued', 'running'] } }, data: { status: 'running', startedAt: now() } });
    if (claimed.count === 0) return; // cancelled meanwhile
    const job = await prisma.importJob.findUniqueOrThrow({ where: { id } });
    if (!job.payload) throw new Error(`import ${id} has no rows`);
    const payload = JSON.parse(job.payload) as Payload;
    const definitions = new Map<string, AttributeDefinitionLite>(
      (await prisma.attributeDefinition.findMany({ select: { key: true, type: true, status: true } })).map((d) => [
        d.key,
        { type: d.type as AttributeType, status: d.status },
      ]),
    );
    const errors: RowError[] = [];
    const checked: ImportRow[] = [];
    let failedRows = 0;
    for (const [index, raw] of payload.rows.entries()) {
      // Checking 50,000 rows takes a while: let requests in now and then.
      if (index % 1000 === 999) await yieldToEventLoop();
      const result = checkRow(raw, job.mode as ImportMode, job.format as ImportFormat, definitions);
      if (result.ok) checked.push(result.row);
      else {
        failedRows++;
        errors.push(...result.errors);
      }
    }
    if (job.atomicity === 'all_or_nothing') await this.allOrNothing(job, payload, checked, errors, failedRows);
    else await this.partial(job, payload, checked, errors, failedRows);
  }

  private async partial(job: JobRow, payload: Payload, rows: ImportRow[], errors: RowError[], failedAtCheck: number): Promise<void> {
    const { prisma, now } = this.deps;
    const counts = { created: 0, updated: 0, failed: failedAtCheck };
    const badRows = new Set(errors.map((e) => e.row));
    const byRow = new Map(rows.map((r) => [r.row, r]));
    let processed = 0;
    const saveProgress = () =>
      prisma.importJob.update({
        where: { id: job.id },
        data: {
          processedRows: processed,
          createdRows: counts.created,
          updatedRows: counts.updated,
          failedRows: counts.failed,
          errors: JSON.stringify(errors.slice(0, IMPORT_MAX_REPORTED_ERRORS)),
        },
      });
    for (const raw of payload.rows) {
      if (this.stopped) return;
      const row = byRow.get(raw.row);
      if (row && !badRows.has(raw.row)) {
        try {
          const events: DomainEvent[] = [];
          const outcome = await prisma.$transaction((tx) => writeRow(tx, now(), job, payload, row, events), { timeout: 30_000, maxWait: 30_000 });
          counts[outcome]++;
          if (job.triggerJourneys) this.deps.events.emitAll(events);
        } catch (e) {
          if (!(e instanceof RowFailure) && !(e instanceof AppError)) this.deps.log?.(e, `import ${job.id} row ${row.row}`);
          counts.failed++;
          errors.push(rowErrorOf(e, row));
        }
      }
      processed++;
      if (processed % PROGRESS_EVERY_ROWS === 0) await saveProgress();
      // better-sqlite3 is synchronous, so a row's queries never wait on I/O: without this, one import
      // would keep every other request waiting until it ends.
      await yieldToEventLoop();
    }
    errors.sort((a, b) => a.row - b.row);
    await saveProgress();
    await prisma.importJob.update({ where: { id: job.id }, data: { status: 'done', finishedAt: now(), payload: null } });
  }

  private async allOrNothing(job: JobRow, payload: Payload, rows: ImportRow[], errors: RowError[], failedRows: number): Promise<void> {
    const { prisma, now } = this.deps;
    const fail = (report: RowError[], failed: number) =>
      prisma.importJob.update({
        where: { id: job.id },
        data: {
          status: 'failed',
          processedRows: payload.rows.length,
          createdRows: 0,
          updatedRows: 0,
          failedRows: failed,
          errors: JSON.stringify(report.slice(0, IMPORT_MAX_REPORTED_ERRORS)),
          finishedAt: now(),
          payload: null,
        },
      });
    // A job whose report is already set failed before a restart: finish undoing it.
    const earlier = JSON.parse(job.errors) as RowError[];
    if (earlier.length > 0) {
      if (!(await this.compensate(job.id))) return;
      await fail(earlier, job.failedRows || 1);
      return;
    }
    if (failedRows > 0) {
      // Rows written before a restart, if the attribute definitions changed meanwhile.
      if (!(await this.compensate(job.id))) return;
      await fail(errors, failedRows);
      return;
    }
    // Chunks of short transactions, each ending when it has run ALL_OR_NOTHING_CHUNK_MS or has
    // ALL_OR_NOTHING_CHUNK_ROWS rows, with the undo journal of its rows and a progress checkpoint
    // in the same commit (./import-journal.ts). A chunk runs without yielding (a request writing
    // on the main connection meanwhile would wait synchronously for the SQLite lock the chunk
    // holds); between chunks the event loop serves everything else.
    const counts = { created: job.createdRows, updated: job.updatedRows };
    let next = rows.findIndex((r) => r.row > job.processedRows);
    if (next < 0) next = rows.length;
    // Chunks committed before a restart keep their journal records; number the next one after them.
    let chunk = (await journalKeys(prisma, job.id)).length;
    while (next < rows.length) {
      if (this.stopped) return; // stays `running`: resume() goes on from the checkpoint
      let current: ImportRow | undefined;
      try {
        next = await prisma.$transaction(
          async (tx) => {
            const started = performance.now();
            const at = now();
            const undo: RowUndo[] = [];
            const events: DomainEvent[] = [];
            let i = next;
            const added = { created: 0, updated: 0 };
            while (i < rows.length && i - next < ALL_OR_NOTHING_CHUNK_ROWS && (i === next || performance.now() - started < ALL_OR_NOTHING_CHUNK_MS)) {
              current = rows[i]!;
              const written = await writeJournaledRow(tx, at, job, payload, current, events);
              undo.push(written.undo);
              added[written.outcome]++;
              i++;
            }
            await writeJournalTx(tx, job.id, chunk, at, undo, events);
            const last = rows[i - 1]!;
            // Rows that failed the check do not exist here (a job with any has stopped above), so the
            // checkpoint is the number of the last row written.
            await tx.importJob.update({
              where: { id: job.id },
              data: { processedRows: last.row, createdRows: counts.created + added.created, updatedRows: counts.updated + added.updated },
            });
            counts.created += added.created;
            counts.updated += added.updated;
            return i;
          },
          { timeout: 60_000, maxWait: 60_000 },
        );
      } catch (e) {
        // Any failure, expected or not, undoes what the import wrote so far.
        if (!(e instanceof RowFailure) && !(e instanceof AppError)) this.deps.log?.(e, `import ${job.id} chunk ${chunk}`);
        const report = [
          current
            ? rowErrorOf(e, current)
            : { row: rows[next]?.row ?? 0, field: 'row', message: 'the import could not be written (internal error; see the server log)' },
        ];
        // Record the report first: a restart from here finishes undoing instead of writing on.
        await prisma.importJob.update({ where: { id: job.id }, data: { errors: JSON.stringify(report), failedRows: 1 } });
        if (!(await this.compensate(job.id))) return;
        await fail(report, 1);
        return;
      }
      chunk++;
      await yieldToEventLoop();
    }
    const events = await journalEvents(prisma, job.id);
    await prisma.$transaction([
      prisma.importJob.update({
        where: { id: job.id },
        data: {
          status: 'done',
          processedRows: payload.rows.length,
          createdRows: counts.created,
          updatedRows: counts.updated,
          finishedAt: now(),
          payload: null,
        },
      }),
      prisma.idempotencyRecord.deleteMany({ where: { scope: JOURNAL_SCOPE, key: { startsWith: journalPrefix(job.id) } } }),
    ]);
    if (job.triggerJourneys) this.deps.events.emitAll(events);
  }

  /** Undoes every committed chunk of the job, last first, one transaction each; false if stopped first. */
  private async compensate(jobId: string): Promise<boolean> {
    const { prisma } = this.deps;
    for (const key of await journalKeys(prisma, jobId)) {
      if (this.stopped) return false;
      await prisma.$transaction((tx) => undoChunkTx(tx, key), { timeout: 60_000, maxWait: 60_000 });
      await yieldToEventLoop();
    }
    return true;
  }
}

/** Writes one row of an all-or-nothing import and returns how to undo it. */
async function writeJournaledRow(
  tx: Tx,
  now: Date,
  job: JobRow,
  payload: Payload,
  row: ImportRow,
  events: DomainEvent[],
): Promise<{ outcome: 'created' | 'updated'; undo: RowUndo }> {
  const identityKey = job.mode === 'social_contacts' ? { channel: row.channel!, channelId: row.channelId!, externalUserId: row.externalUserId! } : null;
  const identity = identityKey
    ? await tx.contactIdentity.findUnique({
        where: { channel_channelId_externalUserId: identityKey },
        select: { id: true, customerId: true, displayName: true },
      })
    : null;
  const existingId =
    identity?.customerId ?? (row.memberId ? (await tx.customer.findUnique({ where: { memberId: row.memberId }, select: { id: true } }))?.id : undefined);
  const before = existingId ? await snapshotCustomerTx(tx, existingId, row, payload.overwriteTags) : null;
  const outcome = await writeRow(tx, now, job, payload, row, events);
  if (!before || !existingId) {
    const created = identityKey
      ? (await tx.contactIdentity.findUniqueOrThrow({ where: { channel_channelId_externalUserId: identityKey }, select: { customerId: true } })).customerId
      : (await tx.customer.findUniqueOrThrow({ where: { memberId: row.memberId! }, select: { id: true } })).id;
    return { outcome, undo: { row: row.row, createdCustomerId: created } };
  }
  const { pointsBefore, ...undo } = before;
  const result: RowUndo = { row: row.row, ...undo, tagEventKeyPrefix: `import:${job.id}:${row.row}` };
  if (identityKey && !identity) {
    const made = await tx.contactIdentity.findUniqueOrThrow({ where: { channel_channelId_externalUserId: identityKey }, select: { id: true } });
    result.createdIdentityId = made.id;
  }
  if (identity && row.displayName !== undefined) result.displayName = { identityId: identity.id, before: identity.displayName };
  if (row.points !== undefined) {
    const after = await tx.customer.findUniqueOrThrow({ where: { id: existingId }, select: { pointsBalance: true, pointsLifetime: true } });
    result.points = {
      ledgerKey: `import:${job.id}:${row.row}`,
      balance: after.pointsBalance - pointsBefore.balance,
      lifetime: after.pointsLifetime - pointsBefore.lifetime,
    };
  }
  return { outcome, undo: result };
}
