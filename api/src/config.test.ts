import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from './config.ts';

describe('configFromEnv', () => {
  it('resolves the data directory against the directory npm was run from', () => {
    expect(configFromEnv({ INIT_CWD: '/work/repo' }).dataDir).toBe('/work/repo/data');
    expect(configFromEnv({ INIT_CWD: '/work/repo', OMNIFLOW_DATA_DIR: 'var/db' }).dataDir).toBe('/work/repo/var/db');
    expect(configFromEnv({ INIT_CWD: '/work/repo', OMNIFLOW_DATA_DIR: '/srv/x' }).dataDir).toBe('/srv/x');
  });

  it('defaults to port 3000 and ./data', () => {
    expect(configFromEnv({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      dataDir: resolve('data'),
      adminEmail: undefined,
      logLevel: 'info',
      trustProxy: false,
      testListCap: 100,
      webchat: { allowedOrigins: null, framesPer10s: 30 },
    });
  });

  it('reads the web chat origins and frame rate, refusing what is not an origin', () => {
    const config = configFromEnv({ OMNIFLOW_WEBCHAT_ORIGINS: 'https://shop.example.com, http://localhost:8080', OMNIFLOW_WEBCHAT_RATE_LIMIT: '12' });
    expect(config.webchat).toEqual({ allowedOrigins: ['https://shop.example.com', 'http://localhost:8080'], framesPer10s: 12 });
    expect(() => configFromEnv({ OMNIFLOW_WEBCHAT_ORIGINS: 'https://shop.example.com/page' })).toThrow(/OMNIFLOW_WEBCHAT_ORIGINS/);
    expect(() => configFromEnv({ OMNIFLOW_WEBCHAT_RATE_LIMIT: '0' })).toThrow(/OMNIFLOW_WEBCHAT_RATE_LIMIT/);
  });

  it('reads PORT, OMNIFLOW_DATA_DIR, OMNIFLOW_ADMIN_EMAIL and OMNIFLOW_TRUST_PROXY', () => {
    const config = configFromEnv({
      PORT: '8080',
      OMNIFLOW_DATA_DIR: '/srv/omniflow',
      OMNIFLOW_ADMIN_EMAIL: 'ops@example.com',
      OMNIFLOW_TRUST_PROXY: '10.0.0.0/8',
    });
    expect(config).toMatchObject({ port: 8080, dataDir: '/srv/omniflow', adminEmail: 'ops@example.com', trustProxy: '10.0.0.0/8' });
    expect(configFromEnv({ OMNIFLOW_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });

  it.each(['http', '-1', '70000', '3.5'])('refuses PORT=%s', (port) => {
    expect(() => configFromEnv({ PORT: port })).toThrow(/PORT must be a port number/);
  });

  it('reads the test-list cap (§8.1: 100 unless configured)', () => {
    expect(configFromEnv({ OMNIFLOW_TEST_LIST_CAP: '250' }).testListCap).toBe(250);
    expect(() => configFromEnv({ OMNIFLOW_TEST_LIST_CAP: '0' })).toThrow(/OMNIFLOW_TEST_LIST_CAP/);
  });
});
