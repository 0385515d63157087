import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionOptions, engineKindFromEnv, parseTemporalConfig, TemporalConfigError, temporalConfigFromEnv } from './config.ts';

const errorOf = (fn: () => unknown): TemporalConfigError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof TemporalConfigError) return e;
    throw e;
  }
  throw new Error('expected a TemporalConfigError');
};

describe('Temporal configuration', () => {
  it('reads the environment with defaults for namespace, task queue and data dir', () => {
    const config = temporalConfigFromEnv({ TEMPORAL_ADDRESS: 'temporal.internal:7233' });
    expect(config).toMatchObject({
      address: 'temporal.internal:7233',
      namespace: 'default',
      taskQueue: 'omniflow',
      stepBudget: 500,
      dataDir: 'data',
      tls: { enabled: false },
    });
    expect(connectionOptions(config)).toEqual({ address: 'temporal.internal:7233' });
  });

  it('names the variable of every bad field', () => {
    const e = errorOf(() => temporalConfigFromEnv({ TEMPORAL_ADDRESS: 'no-port', TEMPORAL_TLS: 'maybe', OMNIFLOW_TEMPORAL_STEP_BUDGET: '3' }));
    expect(e.issues.map((i) => i.env)).toEqual(['TEMPORAL_ADDRESS', 'TEMPORAL_TLS', 'OMNIFLOW_TEMPORAL_STEP_BUDGET']);
    expect(e.message).toMatch(/TEMPORAL_ADDRESS \(address\): expected host:port/);
    expect(errorOf(() => temporalConfigFromEnv({})).issues[0]).toMatchObject({ field: 'address', env: 'TEMPORAL_ADDRESS' });
  });

  it('wants the mTLS certificate and key together', () => {
    const e = errorOf(() => temporalConfigFromEnv({ TEMPORAL_ADDRESS: 'h:7233', TEMPORAL_TLS_CERT: '/x/client.pem' }));
    expect(e.issues).toEqual([{ field: 'tls.clientKeyPath', env: 'TEMPORAL_TLS_KEY', message: expect.stringMatching(/go together/) }]);
  });

  it('builds TLS options: an API key implies TLS; cert files are read and a missing one is named', () => {
    const cloud = temporalConfigFromEnv({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct', TEMPORAL_API_KEY: 'secret' });
    expect(connectionOptions(cloud)).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: true, apiKey: 'secret' });

    const dir = mkdtempSync(join(tmpdir(), 'omniflow-tls-'));
    writeFileSync(join(dir, 'client.pem'), 'CERT');
    writeFileSync(join(dir, 'client.key'), 'KEY');
    const mtls = temporalConfigFromEnv({
      TEMPORAL_ADDRESS: '10.0.0.5:7233',
      TEMPORAL_TLS_CERT: join(dir, 'client.pem'),
      TEMPORAL_TLS_KEY: join(dir, 'client.key'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.example.com',
    });
    const options = connectionOptions(mtls);
    expect(options.tls).toMatchObject({ serverNameOverride: 'temporal.example.com' });
    const pair = options.tls !== true ? options.tls?.clientCertPair : undefined;
    expect(pair?.crt.toString()).toBe('CERT');
    expect(pair?.key.toString()).toBe('KEY');

    const missing = parseTemporalConfig({ address: 'h:7233', tls: { serverRootCaPath: join(dir, 'nope.pem') } });
    expect(errorOf(() => connectionOptions(missing)).issues[0]).toMatchObject({ env: 'TEMPORAL_TLS_CA', message: expect.stringMatching(/cannot read/) });
  });

  it('selects the runtime by OMNIFLOW_ENGINE', () => {
    expect(engineKindFromEnv({})).toBe('embedded');
    expect(engineKindFromEnv({ OMNIFLOW_ENGINE: 'Temporal' })).toBe('temporal');
    expect(errorOf(() => engineKindFromEnv({ OMNIFLOW_ENGINE: 'kafka' })).issues[0]).toMatchObject({ env: 'OMNIFLOW_ENGINE' });
  });
});
