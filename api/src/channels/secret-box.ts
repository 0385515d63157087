import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Channel secrets are encrypted at rest with AES-256-GCM. The key comes from OMNIFLOW_SECRET_KEY
// (32 bytes as base64 or hex) or, without it, from a key file generated once in the data directory
// with 0600 permissions. A blob is "v1.<iv>.<tag>.<ciphertext>" in base64url; the connection id is
// bound in as associated data, so a blob copied onto another connection does not decrypt.

export const SECRET_KEY_FILE = 'secret.key';

export class SecretKeyError extends Error {
  override readonly name = 'SecretKeyError';
}

export class SecretDecryptError extends Error {
  override readonly name = 'SecretDecryptError';
}

function parseKey(text: string, where: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new SecretKeyError(`${where} must be 32 bytes as base64 or 64 hex characters (got ${key.length} bytes)`);
  return key;
}

/** The encryption key: OMNIFLOW_SECRET_KEY, else `<dataDir>/secret.key` (created with 0600 if missing). */
export function loadSecretKey(dataDir: string, env: Record<string, string | undefined> = process.env): Buffer {
  if (env.OMNIFLOW_SECRET_KEY) return parseKey(env.OMNIFLOW_SECRET_KEY, 'OMNIFLOW_SECRET_KEY');
  const file = join(dataDir, SECRET_KEY_FILE);
  if (!existsSync(file)) {
    // 'wx': never overwrite a key another process just wrote; losing the key loses every secret.
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return parseKey(readFileSync(file, 'utf8'), file);
}

export class SecretBox {
  readonly #key: Buffer;
  constructor(key: Buffer) {
    if (key.length !== 32) throw new SecretKeyError('The secret key must be 32 bytes');
    this.#key = key;
  }

  seal(secrets: Readonly<Record<string, string>>, boundTo: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const data = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
  }

  open(blob: string, boundTo: string): Record<string, string> {
    const [version, iv, tag, data] = blob.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new SecretDecryptError('Unknown secret blob format');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(boundTo, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const text = Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
      return JSON.parse(text) as Record<string, string>;
    } catch {
      throw new SecretDecryptError('The secrets cannot be decrypted: wrong OMNIFLOW_SECRET_KEY / secret.key, or the row was tampered with');
    }
  }
}

/** What the api shows of a secret: that it is set, and its last 4 characters (none for short ones). */
export function secretHint(value: string): string {
  return value.length >= 12 ? value.slice(-4) : '';
}
