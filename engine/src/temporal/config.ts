import { readFileSync } from 'node:fs';
import { z } from 'zod';

// Configuration of the Temporal runtime, read from the environment (or given explicitly) and checked
// with zod, so a typo fails at start with the variable's name instead of as a gRPC error later.

export const ENGINE_KINDS = ['embedded', 'temporal'] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];

const hostPort = z
  .string()
  .trim()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected host:port, e.g. localhost:7233 or my-ns.a1b2c.tmprl.cloud:7233');

export const TemporalConfig = z
  .object({
    /** host:port of the frontend service. */
    address: hostPort,
    namespace: z.string().trim().min(1).max(1000).default('default'),
    taskQueue: z.string().trim().min(1).max(1000).default('omniflow'),
    tls: z
      .object({
        /** Use TLS even without client certificates (Temporal Cloud with an API key, or a TLS-only frontend). */
        enabled: z.boolean().default(false),
        /** mTLS client certificate and key (PEM files). */
        clientCertPath: z.string().min(1).optional(),
        clientKeyPath: z.string().min(1).optional(),
        /** A CA bundle for a self-signed server certificate. */
        serverRootCaPath: z.string().min(1).optional(),
        /** SNI / host name checked on the server certificate, when it differs from the address. */
        serverName: z.string().min(1).optional(),
      })
      .default({ enabled: false }),
    /** Temporal Cloud API key (sent as a bearer token; implies TLS). */
    apiKey: z.string().min(1).optional(),
    /** Node executions before the workflow continues as new (besides the server's own suggestion). */
    stepBudget: z.number().int().min(10).max(10_000).default(500),
    /** Directory of the run ledger (flow registry and run timelines): OMNIFLOW_DATA_DIR or ./data. */
    dataDir: z.string().min(1).default('data'),
  })
  .superRefine((c, ctx) => {
    if (Boolean(c.tls.clientCertPath) !== Boolean(c.tls.clientKeyPath)) {
      ctx.addIssue({
        code: 'custom',
        path: ['tls', c.tls.clientCertPath ? 'clientKeyPath' : 'clientCertPath'],
        message: 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (mTLS needs both)',
      });
    }
  });
export type TemporalConfig = z.infer<typeof TemporalConfig>;
export type TemporalConfigInput = z.input<typeof TemporalConfig>;

/** Environment variable of each config field, for error messages and the docs. */
export const TEMPORAL_ENV = {
  address: 'TEMPORAL_ADDRESS',
  namespace: 'TEMPORAL_NAMESPACE',
  taskQueue: 'TEMPORAL_TASK_QUEUE',
  'tls.enabled': 'TEMPORAL_TLS',
  'tls.clientCertPath': 'TEMPORAL_TLS_CERT',
  'tls.clientKeyPath': 'TEMPORAL_TLS_KEY',
  'tls.serverRootCaPath': 'TEMPORAL_TLS_CA',
  'tls.serverName': 'TEMPORAL_TLS_SERVER_NAME',
  apiKey: 'TEMPORAL_API_KEY',
  stepBudget: 'OMNIFLOW_TEMPORAL_STEP_BUDGET',
  dataDir: 'OMNIFLOW_DATA_DIR',
} as const;

/** A configuration problem, naming the field and its environment variable. */
export class TemporalConfigError extends Error {
  override readonly name = 'TemporalConfigError';
  constructor(readonly issues: { field: string; env?: string; message: string }[]) {
    super(`Invalid Temporal configuration: ${issues.map((i) => `${i.env ?? i.field} (${i.field}): ${i.message}`).join('; ')}`);
  }
}

const flag = (v: string | undefined): boolean | string | undefined => {
  if (v === undefined || v === '') return undefined;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  return v; // left for zod to reject by name
};
const text = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);
const int = (v: string | undefined) => (text(v) === undefined ? undefined : /^\d+$/.test(v!.trim()) ? Number(v) : v);

/** Parses an explicit configuration; throws TemporalConfigError naming each bad field. */
export function parseTemporalConfig(input: unknown): TemporalConfig {
  const parsed = TemporalConfig.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new TemporalConfigError(
    parsed.error.issues.map((issue) => {
      const field = issue.path.join('.');
      const env = (TEMPORAL_ENV as Record<string, string>)[field];
      return { field, ...(env ? { env } : {}), message: issue.message };
    }),
  );
}

/** The Temporal configuration from environment variables (see TEMPORAL_ENV). */
export function temporalConfigFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  const undef = <T extends Record<string, unknown>>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return parseTemporalConfig(
    undef({
      address: env.TEMPORAL_ADDRESS ?? '',
      namespace: text(env.TEMPORAL_NAMESPACE),
      taskQueue: text(env.TEMPORAL_TASK_QUEUE),
      tls: undef({
        enabled: flag(env.TEMPORAL_TLS),
        clientCertPath: text(env.TEMPORAL_TLS_CERT),
        clientKeyPath: text(env.TEMPORAL_TLS_KEY),
        serverRootCaPath: text(env.TEMPORAL_TLS_CA),
        serverName: text(env.TEMPORAL_TLS_SERVER_NAME),
      }),
      apiKey: text(env.TEMPORAL_API_KEY),
      stepBudget: int(env.OMNIFLOW_TEMPORAL_STEP_BUDGET),
      dataDir: text(env.OMNIFLOW_DATA_DIR),
    }),
  );
}

/** Which runtime OMNIFLOW_ENGINE selects (embedded unless it says temporal). */
export function engineKindFromEnv(env: NodeJS.ProcessEnv = process.env): EngineKind {
  const raw = text(env.OMNIFLOW_ENGINE)?.trim().toLowerCase() ?? 'embedded';
  if ((ENGINE_KINDS as readonly string[]).includes(raw)) return raw as EngineKind;
  throw new TemporalConfigError([{ field: 'engine', env: 'OMNIFLOW_ENGINE', message: `expected one of ${ENGINE_KINDS.join(', ')}, got "${raw}"` }]);
}

/**
 * Connection options shared by the client (api) and the worker: address, TLS and the API key. Certificate
 * files are read here, so a missing file is reported by its variable before any connection is tried.
 */
export function connectionOptions(config: TemporalConfig): {
  address: string;
  tls?: { serverNameOverride?: string; serverRootCACertificate?: Buffer; clientCertPair?: { crt: Buffer; key: Buffer } } | true;
  apiKey?: string;
} {
  const read = (path: string, field: keyof typeof TEMPORAL_ENV): Buffer => {
    try {
      return readFileSync(path);
    } catch (e) {
      throw new TemporalConfigError([{ field, env: TEMPORAL_ENV[field], message: `cannot read ${path}: ${(e as Error).message}` }]);
    }
  };
  const { tls } = config;
  const custom = {
    ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
    ...(tls.serverRootCaPath ? { serverRootCACertificate: read(tls.serverRootCaPath, 'tls.serverRootCaPath') } : {}),
    ...(tls.clientCertPath && tls.clientKeyPath
      ? { clientCertPair: { crt: read(tls.clientCertPath, 'tls.clientCertPath'), key: read(tls.clientKeyPath, 'tls.clientKeyPath') } }
      : {}),
  };
  const useTls = tls.enabled || config.apiKey !== undefined || Object.keys(custom).length > 0;
  return {
    address: config.address,
    ...(useTls ? { tls: Object.keys(custom).length ? custom : true } : {}),
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
  };
}
