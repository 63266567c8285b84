/**
 * Secrets the controller must read back (a vendo board's signing secret, a router's API password) are stored
 * encrypted with AES-256-GCM: `v1.<iv>.<tag>.<data>` (base64url). The key lives outside the database (a file in
 * the data folder, or the environment), so a copied database alone gives no secret away. Nothing here logs.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SecretBoxError } from '../domain/errors';

const VERSION = 'v1';

export interface SecretBox {
  seal(secret: string): string;
  open(sealed: string): string;
}

/** 32 bytes written as base64 (44 characters) or hex (64 characters); undefined for anything else. */
export function parseKey(text: string): Buffer | undefined {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const key = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === 32) return key;
  }
  return undefined;
}

/**
 * The key file `dataDir/fileName`, created (32 random bytes as base64, mode 0600) when missing. `created` says
 * whether this call made it (the caller logs where, and that it must be backed up). `purpose` names what the
 * key protects, for the message when the file is damaged.
 */
export function loadOrCreateKeyFile(
  dataDir: string,
  fileName: string,
  purpose: string,
): { key: Buffer; created: boolean; file: string } {
  const file = path.join(dataDir, fileName);
  try {
    const key = parseKey(fs.readFileSync(file, 'utf8'));
    if (key) return { key, created: false, file };
    throw new Error(`${file} does not hold a 32-byte key; restore it from a backup (${purpose} need it)`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const key = crypto.randomBytes(32);
  try {
    fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return { key, created: true, file };
  } catch (err) {
    // Another process (the CLI beside the server) made it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      return loadOrCreateKeyFile(dataDir, fileName, purpose);
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
      if (v !== VERSION || !iv || !tag || data === undefined) throw new SecretBoxError('format');
      try {
        const d = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        d.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([d.update(Buffer.from(data, 'base64url')), d.final()]).toString('utf8');
      } catch {
        // GCM's "Unsupported state or unable to authenticate data": the key is not the one that sealed it.
        throw new SecretBoxError('wrong-key');
      }
    },
  };
}
