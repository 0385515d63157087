import { resolve } from 'node:path';

/** Settings read from the environment (see api/README.md). */
export interface ServerConfig {
  port: number;
  host: string;
  /** Holds the SQLite database (omniflow.db); created if missing. */
  dataDir: string;
  /** Email of the admin created on first start. */
  adminEmail: string | undefined;
  logLevel: string;
  /** Fastify's trustProxy: behind a reverse proxy, take the client ip and https from X-Forwarded-* headers. */
  trustProxy: boolean | string;
  /** Contacts per channel on a test list (§8.1). */
  testListCap: number;
  /** Web chat: origins allowed to open the widget's socket (null = any) and frames per 10 s per socket. */
  webchat: { allowedOrigins: string[] | null; framesPer10s: number };
}

export function configFromEnv(env: Record<string, string | undefined> = process.env): ServerConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    // Relative to where the user ran npm (INIT_CWD), not the workspace npm switched into: `npm start` at the root uses ./data there.
    dataDir: resolve(env.INIT_CWD ?? '.', env.OMNIFLOW_DATA_DIR ?? './data'),
    adminEmail: env.OMNIFLOW_ADMIN_EMAIL || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    trustProxy: parseTrustProxy(env.OMNIFLOW_TRUST_PROXY),
    testListCap: parseTestListCap(env.OMNIFLOW_TEST_LIST_CAP),
    webchat: {
      allowedOrigins: parseOrigins(env.OMNIFLOW_WEBCHAT_ORIGINS),
      framesPer10s: parseWholeNumber('OMNIFLOW_WEBCHAT_RATE_LIMIT', env.OMNIFLOW_WEBCHAT_RATE_LIMIT, 30, 1, 10_000),
    },
  };
}

/** "true", "false", or comma-separated addresses/CIDRs of the trusted proxies. */
function parseTrustProxy(value: string | undefined): boolean | string {
  if (value === undefined || value === '' || value === 'false') return false;
  return value === 'true' ? true : value;
}

function parseTestListCap(value: string | undefined): number {
  if (value === undefined || value === '') return 100;
  const cap = Number(value);
  if (!Number.isInteger(cap) || cap < 1 || cap > 100_000) throw new Error(`OMNIFLOW_TEST_LIST_CAP must be a whole number from 1 to 100000, got "${value}"`);
  return cap;
}

/** Comma-separated origins ("https://shop.example.com,http://localhost:8080"); empty = any origin. */
function parseOrigins(value: string | undefined): string[] | null {
  if (value === undefined || value.trim() === '') return null;
  const origins = value
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {}
    if (!parsed || parsed.origin !== origin) throw new Error(`OMNIFLOW_WEBCHAT_ORIGINS must list origins like https://shop.example.com, got "${origin}"`);
  }
  return origins;
}

function parseWholeNumber(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}
