import { parseArgs } from 'node:util';
import { openDatabase } from '../db/open.ts';
import { isPostgresUrl, redactUrl } from '../db/postgres.ts';
import { CliError, dataDirOf } from './offline.ts';
import { startCommand } from './start.ts';
import { exportCommand, importCommand } from './transfer.ts';

// `omniflow <command>`: one entry point for operators. Each command parses its own flags and
// answers --help; a mistake prints one sentence naming the flag, never a stack trace.

export const HELP = `Usage: omniflow <command> [options]

Commands:
  start       run the product: api, embedded engine, web chat and the studio on http://localhost:3000
  worker      run a Temporal worker (OMNIFLOW_ENGINE=temporal, TEMPORAL_ADDRESS, …)
  migrate     create or update the database schema, then exit
  import      import flows (export documents, graph files) or contacts (CSV/JSON)
  export      export flows as versioned JSON documents
  catalogue   list the installed node and trigger types

Run \`omniflow <command> --help\` for a command's options.`;

const MIGRATE_HELP = `Usage: omniflow migrate [--data-dir <dir>]

Creates the SQLite database if it is missing and applies every committed migration it has not
seen yet (the server also does this at start). Prints what it applied.

  --data-dir   the data directory (env OMNIFLOW_DATA_DIR, default ./data)`;

async function migrateCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    console.log(MIGRATE_HELP);
    return 0;
  }
  const dataDir = dataDirOf(values['data-dir']);
  const { prisma, file, migrations } = await openDatabase(dataDir);
  await prisma.$disconnect();
  // A PostgreSQL URL may carry a password: never print it.
  const where = isPostgresUrl(file) ? redactUrl(file) : file;
  console.log(
    migrations.applied.length > 0
      ? `Applied ${migrations.applied.length} migration(s) to ${where}: ${migrations.applied.join(', ')}`
      : `${where} is up to date.`,
  );
  return 0;
}

async function catalogueCommand(args: string[]): Promise<number> {
  const { catalogueCommand: run } = await import('@omniflow/nodes/cli');
  return run(args);
}

async function workerCommand(args: string[]): Promise<number> {
  // Loaded on demand: the Temporal SDK is heavy and only this command needs it.
  const { workerCommand: run } = await import('./worker.ts');
  return run(args);
}

const COMMANDS: Readonly<Record<string, (args: string[]) => Promise<number>>> = {
  start: startCommand,
  worker: workerCommand,
  migrate: migrateCommand,
  import: importCommand,
  export: exportCommand,
  catalogue: catalogueCommand,
};

/** Runs `omniflow` with its arguments; resolves to the exit code (start keeps the process alive). */
export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return command === undefined ? 1 : 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    console.error(`omniflow: unknown command "${command}"\n\n${HELP}`);
    return 1;
  }
  try {
    return await run(rest);
  } catch (e) {
    // parseArgs errors (unknown flag, missing value) and CliErrors are the user's to fix: one line.
    if (e instanceof CliError || (e instanceof Error && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      console.error(`omniflow ${command}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
