import type { TriggerEvent } from '@omniflow/schemas';
import type { PrismaClient } from '../db/open.ts';
import type { DomainEvent } from '../events.ts';
import { IMPORT_MODES, type ImportMode } from '../services/import-rows.ts';

// §3.9: an import with "trigger journeys" on emits its rows' domain events (an import with it off emits
// none, so it never reaches here). Besides the tag-applied / attribute-changed / new-contact triggers those
// events fire on their own, journeys whose trigger is "import" start once per imported customer: the
// events of one row arrive together, so they are gathered for a tick and sent as one
// `import.row_imported` event naming the import mode and what the row did.

const EFFECT_OF: Partial<Record<DomainEvent['type'], string>> = {
  'tag.applied': 'tag_applied',
  'attribute.changed': 'attribute_changed',
  'contact.created': 'new_contact',
};

export class ImportTriggerFeed {
  readonly #modes = new Map<string, ImportMode | undefined>();
  #pending = new Map<string, { jobId: string; customerId: string; at: string; effects: Set<string> }>();
  #flushing: Promise<void> = Promise.resolve();
  #scheduled = false;

  constructor(
    private readonly options: {
      prisma: PrismaClient;
      ingest: (event: TriggerEvent) => void;
      onError?: (error: unknown) => void;
    },
  ) {}

  /** Takes every domain event; keeps those an import produced. */
  push(event: DomainEvent): void {
    const effect = EFFECT_OF[event.type];
    if (!event.importJobId || !effect) return;
    const key = `${event.importJobId}\u0000${event.customerId}`;
    const row = this.#pending.get(key) ?? { jobId: event.importJobId, customerId: event.customerId, at: event.at, effects: new Set<string>() };
    row.effects.add(effect);
    this.#pending.set(key, row);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#flushing = this.#flushing.then(() => this.#flush()).catch((e) => this.options.onError?.(e));
      });
    }
  }

  /** Resolves once every gathered row has been handed to the engine (tests). */
  async settled(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await this.#flushing;
  }

  async #mode(jobId: string): Promise<ImportMode | undefined> {
    if (!this.#modes.has(jobId)) {
      const job = await this.options.prisma.importJob.findUnique({ where: { id: jobId }, select: { mode: true, triggerJourneys: true } });
      const mode = job?.triggerJourneys && (IMPORT_MODES as readonly string[]).includes(job.mode) ? (job.mode as ImportMode) : undefined;
      this.#modes.set(jobId, mode);
    }
    return this.#modes.get(jobId);
  }

  async #flush(): Promise<void> {
    const rows = [...this.#pending.values()];
    this.#pending = new Map();
    for (const row of rows) {
      const mode = await this.#mode(row.jobId);
      if (!mode) continue;
      // One entry per customer per import, whatever the number of rows or events about them.
      const id = `import:${row.jobId}:${row.customerId}`;
      this.options.ingest({
        id,
        type: 'import.row_imported',
        occurredAt: row.at,
        customerId: row.customerId,
        source: 'import',
        payload: { importJobId: row.jobId, mode, effects: [...row.effects] },
        dedupeKey: id,
      });
    }
  }
}
