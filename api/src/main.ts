// `npm start`: the api server on PORT (default 3000) with its SQLite database in OMNIFLOW_DATA_DIR.
import { configFromEnv } from './config.ts';
import { startServer } from './server.ts';

const config = configFromEnv();
const server = await startServer({
  port: config.port,
  host: config.host,
  dataDir: config.dataDir,
  adminEmail: config.adminEmail,
  logger: { level: config.logLevel },
  trustProxy: config.trustProxy,
  settings: { testListCap: config.testListCap },
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
console.log(`Omniflow api listening on ${server.url} (tRPC at ${server.url}/trpc, health at ${server.url}/healthz; data in ${config.dataDir})`);

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
