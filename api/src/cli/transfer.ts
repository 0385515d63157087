import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { exportFlow, importFlow } from '../services/flow-transfer.ts';
import { IMPORT_FORMATS, IMPORT_MODES, type ImportFormat, type ImportMode } from '../services/import-rows.ts';
import { getImport, IMPORT_ATOMICITY, type ImportAtomicity, ImportQueue, startImport } from '../services/imports.ts';
import { CliError, openOffline } from './offline.ts';
import { progressBar } from './progress.ts';

export const EXPORT_HELP = `Usage: omniflow export <flow id or exact name>... [--versions] [--out <file|dir>]
       omniflow export --all --out <dir> [--versions]

Writes flows as versioned JSON documents (format "omniflow.flow"): the draft graph and, with
--versions, every published version. One flow without --out goes to standard output.

  --all        every flow (archived ones included)
  --versions   include the published versions
  --out        a file (one flow) or a directory (several; one <name>.flow.json each)
  --data-dir   the data directory (env OMNIFLOW_DATA_DIR, default ./data)
  --as         act as this admin's email (default: the first admin)`;

export const IMPORT_HELP = `Usage: omniflow import <file>... [--name <name>]
       omniflow import --contacts <file> [--format csv|json] [--mode customers|social_contacts]
                       [--atomicity partial|all_or_nothing] [--overwrite-tags]

Flows: each file is an export document (omniflow export) or a bare flow graph (like
examples/flows/*.json); each becomes a new draft, never a published version. Older graph
formats are upgraded. The validation summary of each new draft is printed.

Contacts (--contacts): a CSV or JSON file of up to 50,000 rows (PRODUCT_SPEC §3.9), with a
progress bar and a per-row error report. Journeys with an import trigger are not started from
the command line: import through the studio (Contacts → Import) with "trigger journeys" on for that.

  --name        name of the new flow (one file only; default: the exported name)
  --data-dir    the data directory (env OMNIFLOW_DATA_DIR, default ./data)
  --as          act as this admin's email (default: the first admin)`;

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-|-$/g, '') || 'flow';

export async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      all: { type: 'boolean', default: false },
      versions: { type: 'boolean', default: false },
      out: { type: 'string' },
      'data-dir': { type: 'string' },
      as: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(EXPORT_HELP);
    return 0;
  }
  if (!values.all && positionals.length === 0) throw new CliError('export: name the flows to export (id or exact name), or pass --all.');
  const offline = await openOffline({ dataDir: values['data-dir'], as: values.as, purpose: 'export' });
  try {
    const { ctx, prisma } = offline;
    const rows = values.all
      ? await prisma.flow.findMany({ select: { id: true, name: true }, orderBy: { createdAt: 'asc' } })
      : await Promise.all(
          positionals.map(async (ref) => {
            const found = await prisma.flow.findMany({ where: { OR: [{ id: ref }, { name: ref }] }, select: { id: true, name: true } });
            if (found.length === 0) throw new CliError(`export: no flow with the id or name "${ref}"`);
            if (found.length > 1) throw new CliError(`export: ${found.length} flows are named "${ref}"; use an id: ${found.map((f) => f.id).join(', ')}`);
            return found[0] as { id: string; name: string };
          }),
        );
    if (rows.length === 1 && values.out === undefined) {
      const [only] = rows;
      if (only) process.stdout.write(`${JSON.stringify(await exportFlow(ctx, only.id, { versions: values.versions }), null, 2)}\n`);
      return 0;
    }
    if (values.out === undefined) throw new CliError('export: several flows need --out <dir>.');
    const toFile = rows.length === 1 && extname(values.out) === '.json';
    if (!toFile) mkdirSync(values.out, { recursive: true });
    const used = new Set<string>();
    for (const row of rows) {
      const doc = await exportFlow(ctx, row.id, { versions: values.versions });
      let file = toFile ? values.out : join(values.out, `${slug(row.name)}.flow.json`);
      if (!toFile && used.has(file)) file = join(values.out, `${slug(row.name)}-${row.id}.flow.json`);
      used.add(file);
      writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
      console.log(`exported "${row.name}" → ${file}${doc.versions ? ` (${doc.versions.length} version(s))` : ''}`);
    }
    return 0;
  } finally {
    await offline.close();
  }
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`import: cannot read ${file} (${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`import: ${file} is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

export async function importCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      contacts: { type: 'boolean', default: false },
      format: { type: 'string' },
      mode: { type: 'string', default: 'customers' },
      atomicity: { type: 'string', default: 'partial' },
      'overwrite-tags': { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      as: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(IMPORT_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new CliError('import: name the file(s) to import.');
  if (values.name !== undefined && positionals.length > 1) throw new CliError('import: --name applies to one file only.');
  if (values.contacts) return importContacts(positionals, values);

  const offline = await openOffline({ dataDir: values['data-dir'], as: values.as, purpose: 'import' });
  let failed = 0;
  try {
    for (const file of positionals) {
      try {
        const flow = await importFlow(offline.ctx, readJson(file), values.name !== undefined ? { name: values.name } : {});
        const errors = flow.issues.filter((i) => i.severity === 'error');
        const warnings = flow.issues.length - errors.length;
        console.log(
          `imported ${file} → draft "${flow.name}" (${flow.kind}, id ${flow.id})${flow.upgradedFrom ? `, upgraded from graph format ${flow.upgradedFrom}` : ''}: ` +
            (flow.issues.length === 0 ? 'no problems' : `${errors.length} error(s), ${warnings} warning(s) to fix before publishing`),
        );
        for (const issue of errors.slice(0, 10)) console.log(`  - ${issue.nodeId ? `${issue.nodeId}: ` : ''}${issue.message.en}`);
      } catch (e) {
        if (e instanceof CliError) throw e;
        failed++;
        console.error(`import: ${file}: ${e instanceof Error ? e.message : String(e)} (nothing was created)`);
      }
    }
  } finally {
    await offline.close();
  }
  return failed > 0 ? 1 : 0;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new CliError(`--${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

async function importContacts(
  files: string[],
  values: { format?: string | undefined; mode: string; atomicity: string; 'overwrite-tags': boolean; 'data-dir'?: string | undefined; as?: string | undefined },
): Promise<number> {
  const mode = oneOf<ImportMode>('mode', values.mode, IMPORT_MODES);
  const atomicity = oneOf<ImportAtomicity>('atomicity', values.atomicity, IMPORT_ATOMICITY);
  const offline = await openOffline({ dataDir: values['data-dir'], as: values.as, purpose: 'import contacts' });
  const queue = new ImportQueue({ prisma: offline.prisma, now: () => new Date(), events: offline.ctx.events, log: (e, m) => console.error(m, e) });
  let exit = 0;
  try {
    for (const file of files) {
      const format = oneOf<ImportFormat>('format', values.format ?? extname(file).slice(1).toLowerCase(), IMPORT_FORMATS);
      let content: string;
      try {
        content = readFileSync(file, 'utf8');
      } catch (e) {
        throw new CliError(`import: cannot read ${file} (${e instanceof Error ? e.message : String(e)})`);
      }
      const job = await startImport(
        { ...offline.ctx, imports: queue },
        {
          mode,
          format,
          content,
          fileName: basename(file),
          atomicity,
          triggerJourneys: false,
          overwriteTags: values['overwrite-tags'],
        },
      );
      const bar = progressBar(basename(file));
      const done = queue.idle();
      let finished = false;
      void done.finally(() => {
        finished = true;
      });
      while (!finished) {
        const now = await getImport(offline, job.id);
        bar.update(now.processedRows, now.totalRows);
        await Promise.race([done, new Promise((r) => setTimeout(r, 250))]);
      }
      const result = await getImport(offline, job.id);
      bar.update(result.processedRows, result.totalRows);
      bar.finish(`${result.status}: ${result.createdRows} created, ${result.updatedRows} updated, ${result.failedRows} failed of ${result.totalRows}`);
      for (const error of result.errors.slice(0, 20)) console.error(`  row ${error.row}${error.field ? ` (${error.field})` : ''}: ${error.message}`);
      if (result.errors.length > 20) console.error(`  … and ${result.errors.length - 20} more`);
      if (result.status !== 'done' || result.failedRows > 0) exit = 1;
    }
  } finally {
    await queue.stop();
    await offline.close();
  }
  return exit;
}
