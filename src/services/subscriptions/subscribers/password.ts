/** A subscriber's PPPoE password when the owner gives none: 16 characters, crypto random, easy to read aloud. */
import crypto from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const GENERATED_PASSWORD_LENGTH = 16;

export function newSubscriberPassword(): string {
  let out = '';
  while (out.length < GENERATED_PASSWORD_LENGTH) {
    for (const b of crypto.randomBytes(32)) {
      // Bytes past the last whole multiple of the alphabet are skipped: no letter is likelier than another.
      if (b >= ALPHABET.length * 4) continue;
      out += ALPHABET[b % ALPHABET.length];
      if (out.length === GENERATED_PASSWORD_LENGTH) break;
    }
  }
  return out;
}
