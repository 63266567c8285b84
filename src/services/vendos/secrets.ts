/**
 * Vendo secrets at rest. The board signs with the secret itself (HMAC), so the controller must be able to read
 * it back: it is stored encrypted (AES-256-GCM) with a key kept in the data folder (`vendo-secrets.key`, made on
 * first use, readable by the controller's user only). A copied database alone gives no vendo's secret away.
 * Secrets are never logged (the logger redacts `secret`, and nothing here logs).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const KEY_FILE = 'vendo-secrets.key';
const VERSION = 'v1';

export interface SecretBox {
  seal(secret: string): string;
  open(sealed: string): string;
}

/** The key file in `dataDir`, created (32 random bytes, mode 0600) when missing. */
export function loadOrCreateKey(dataDir: string): Buffer {
  const file = path.join(dataDir, KEY_FILE);
  try {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length === 32) return key;
    throw new Error(`${file} does not hold a 32-byte key; restore it from a backup (vendo secrets need it)`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const key = crypto.randomBytes(32);
  try {
    fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    // Another process (the CLI beside the server) made it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateKey(dataDir);
    throw err;
  }
}

export function secretBox(key: Buffer): SecretBox {
  return {
    seal(secret) {
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
      return [
        VERSION,
        iv.toString('base64url'),
        c.getAuthTag().toString('base64url'),
        data.toString('base64url'),
      ].join('.');
    },
    open(sealed) {
      const [v, iv, tag, data] = sealed.split('.');
      if (v !== VERSION || !iv || !tag || data === undefined) throw new Error('vendo secret: unknown format');
      const d = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(data, 'base64url')), d.final()]).toString('utf8');
    },
  };
}

/** A new secret as shown to the owner: 32 characters from an unambiguous alphabet (typed into a board's sketch). */
export function newSecret(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = crypto.randomBytes(64);
  let out = '';
  for (const b of bytes) {
    if (b >= alphabet.length * 4) continue; // no modulo bias
    out += alphabet[b % alphabet.length];
    if (out.length === 32) break;
  }
  return out.length === 32 ? out : newSecret();
}
