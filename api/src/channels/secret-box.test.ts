import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSecretKey, SECRET_KEY_FILE, SecretBox, SecretDecryptError, SecretKeyError, secretHint } from './secret-box.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'omniflow-key-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('loadSecretKey', () => {
  it('generates a 0600 key file once and reads the same key afterwards', () => {
    const dir = tempDir();
    const first = loadSecretKey(dir, {});
    expect(first).toHaveLength(32);
    expect(statSync(join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(loadSecretKey(dir, {}).equals(first)).toBe(true);
    expect(readFileSync(join(dir, SECRET_KEY_FILE), 'utf8').trim()).toBe(first.toString('base64'));
  });

  it('prefers OMNIFLOW_SECRET_KEY (base64 or hex) and refuses a key of the wrong size', () => {
    const hex = 'ab'.repeat(32);
    expect(loadSecretKey(tempDir(), { OMNIFLOW_SECRET_KEY: hex }).toString('hex')).toBe(hex);
    const b64 = Buffer.alloc(32, 7).toString('base64');
    expect(loadSecretKey(tempDir(), { OMNIFLOW_SECRET_KEY: b64 }).equals(Buffer.alloc(32, 7))).toBe(true);
    expect(() => loadSecretKey(tempDir(), { OMNIFLOW_SECRET_KEY: 'short' })).toThrow(SecretKeyError);
  });
});

describe('SecretBox', () => {
  const box = new SecretBox(Buffer.alloc(32, 1));
  it('round-trips, with a fresh IV each time and no plaintext in the blob', () => {
    const a = box.seal({ token: 'super-secret-token' }, 'conn1');
    const b = box.seal({ token: 'super-secret-token' }, 'conn1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('super-secret');
    expect(Buffer.from(a.split('.')[3]!, 'base64url').toString('utf8')).not.toContain('super-secret');
    expect(box.open(a, 'conn1')).toEqual({ token: 'super-secret-token' });
  });

  it('refuses another connection id, another key and a tampered blob', () => {
    const blob = box.seal({ token: 'x-secret' }, 'conn1');
    expect(() => box.open(blob, 'conn2')).toThrow(SecretDecryptError);
    expect(() => new SecretBox(Buffer.alloc(32, 2)).open(blob, 'conn1')).toThrow(SecretDecryptError);
    const parts = blob.split('.');
    const data = Buffer.from(parts[3]!, 'base64url');
    data[0] = data[0]! ^ 1;
    expect(() => box.open([...parts.slice(0, 3), data.toString('base64url')].join('.'), 'conn1')).toThrow(SecretDecryptError);
    expect(() => box.open('v0.a.b.c', 'conn1')).toThrow(SecretDecryptError);
  });

  it('hints show the last 4 characters of long secrets only', () => {
    expect(secretHint('abcdefghijkl')).toBe('ijkl');
    expect(secretHint('short-one')).toBe('');
  });
});
