import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { configFromEnv } from '../config.ts';
import { startServer } from '../server.ts';
import { webChatSettings } from '../webchat/index.ts';

const STUDIO_BUILD = new URL('../../../studio/dist/index.html', import.meta.url).pathname;

export const START_HELP = `Usage: omniflow start [--port <n>] [--host <addr>] [--data-dir <dir>]

Runs the product in one process: the api, the engine (embedded SQLite runtime, or Temporal with
OMNIFLOW_ENGINE=temporal and TEMPORAL_ADDRESS), web chat and the studio.
On the first start it creates and migrates the database, creates an admin account (printed
once) and adds the example flows as drafts.

  --port       port to listen on (env PORT, default 3000)
  --host       address to bind (env HOST, default 0.0.0.0)
  --data-dir   where the SQLite database lives (env OMNIFLOW_DATA_DIR, default ./data)

Other settings come from the environment; see the README's Configuration section.`;

export async function startCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(START_HELP);
    return 0;
  }
  const config = configFromEnv({
    ...process.env,
    ...(values.port !== undefined ? { PORT: values.port } : {}),
    ...(values.host !== undefined ? { HOST: values.host } : {}),
    ...(values['data-dir'] !== undefined ? { OMNIFLOW_DATA_DIR: values['data-dir'] } : {}),
  });
  if (!existsSync(STUDIO_BUILD)) {
    console.warn(`The studio is not built (${STUDIO_BUILD} is missing): run \`npm run build -w @omniflow/studio\` or start with \`npm start\`.`);
  }
  const server = await startServer({
    port: config.port,
    host: config.host,
    dataDir: config.dataDir,
    adminEmail: config.adminEmail,
    logger: { level: config.logLevel },
    trustProxy: config.trustProxy,
    settings: { testListCap: config.testListCap },
    webchatSettings: webChatSettings(config.webchat),
    seedExamples: true,
  });

  if (server.migrations.applied.length > 0) console.log(`Applied database migrations: ${server.migrations.applied.join(', ')}`);
  if (server.seeded.length > 0) console.log(`Added example flows to start from: ${server.seeded.join(', ')}`);
  if (server.firstAdmin) {
    // Printed once: only the password's hash is stored.
    console.log(
      [
        '',
        'Omniflow created the first admin account. Sign in with:',
        `  email:    ${server.firstAdmin.email}`,
        `  password: ${server.firstAdmin.password}`,
        'This password is shown only this once. Keep it somewhere safe.',
        '',
      ].join('\n'),
    );
  }
  const studioUrl = server.url.replace('://0.0.0.0:', '://localhost:');
  console.log(`Web chat: try the widget at ${studioUrl}/webchat/demo?channel=demo (embed ${studioUrl}/webchat/widget.js on your site)`);
  console.log(
    `Omniflow is listening on ${studioUrl}: open it in a browser for the studio (tRPC at ${studioUrl}/trpc, health at ${studioUrl}/healthz; data in ${config.dataDir})`,
  );

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.close().then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
    });
  }
  return 0;
}
