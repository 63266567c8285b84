/**
 * Vendo secrets at rest. The board signs with the secret itself (HMAC), so the controller must be able to read
 * it back: it is stored encrypted (AES-256-GCM, src/lib/secret-box.ts) with a key kept in the data folder
 * (`vendo-secrets.key`, made on first use, readable by the controller's user only). A copied database alone gives no vendo's secret away.
 * Secrets are never logged (the logger redacts `secret`, and nothing here logs).
 */
import crypto from 'node:crypto';
import { loadOrCreateKeyFile } from '../../../lib/secret-box';

export { secretBox, type SecretBox } from '../../../lib/secret-box';

export const VENDO_KEY_FILE = 'vendo-secrets.key';

/** The key file in `dataDir`, created (32 random bytes, mode 0600) when missing. */
export function loadOrCreateKey(dataDir: string): Buffer {
  return loadOrCreateKeyFile(dataDir, VENDO_KEY_FILE, 'vendo secrets').key;
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
