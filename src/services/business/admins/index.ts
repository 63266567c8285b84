import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { AppError } from '../../../domain/errors';
import type { ShopDeps } from '../../deps';
import type { Actor, AdminAccountService } from '../../types';

const scryptAsync = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

/** scrypt cost: N=2^14, r=8, p=1 (16 MiB, tens of ms), the parameters node and OWASP suggest for logins. */
const COST = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 64;
const SALT_BYTES = 16;
const MIN_PASSWORD_LENGTH = 10;
// scrypt's time does not grow with length, but a bound keeps a pasted megabyte out of the form handling.
const MAX_PASSWORD_LENGTH = 1024;

/** `scrypt$N$r$p$salt$hash` with base64url salt and hash: the parameters travel with the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(SALT_BYTES);
  const key = await scryptAsync(password, salt, KEY_LENGTH, { ...COST, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time comparison against an encoded hash; a malformed hash never matches. */
export async function checkPassword(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4], 'base64url');
  const expected = Buffer.from(parts[5], 'base64url');
  if (expected.length < 16) return false;
  const key = await scryptAsync(password, salt, expected.length, {
    N,
    r,
    p,
    maxmem: 256 * N * r + 1024 * 1024,
  });
  return crypto.timingSafeEqual(key, expected);
}

/** A password a person can copy from the log: 4 groups of 4 from an alphabet without look-alikes (~80 bits). */
function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const chars: string[] = [];
  while (chars.length < 16) {
    for (const b of crypto.randomBytes(16)) {
      if (b < 224 && chars.length < 16) chars.push(alphabet[b % alphabet.length]); // 224 = 4 × 56: unbiased
    }
  }
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

export function checkNewPassword(password: string): void {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError(
      'INVALID_INPUT',
      `The password must have at least ${MIN_PASSWORD_LENGTH} characters`,
      400,
      'password',
      {
        password: `use at least ${MIN_PASSWORD_LENGTH} characters`,
      },
    );
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new AppError('INVALID_INPUT', 'The password is too long', 400, 'password', {
      password: `use at most ${MAX_PASSWORD_LENGTH} characters`,
    });
  }
}

/** The shop owner's login: scrypt hashes in admin_users, one account named by ADMIN_USERNAME. */
export function createAdminAccountService(deps: ShopDeps): AdminAccountService {
  const { db, clock, config, audit, log } = deps;
  // Compared against when the user does not exist, so a wrong username costs as much as a wrong password.
  let dummyHash: Promise<string> | undefined;

  async function upsert(username: string, password: string): Promise<void> {
    const hash = await hashPassword(password);
    const now = clock.now();
    await db('admin_users')
      .insert({ username, password_hash: hash, created_at: now, updated_at: now })
      .onConflict('username')
      .merge({ password_hash: hash, updated_at: now });
  }

  async function hasAccount(username = config.admin.username): Promise<boolean> {
    return Boolean(await db('admin_users').where({ username }).first('id'));
  }

  return {
    hasAccount,

    async verify(username, password) {
      if (
        typeof username !== 'string' ||
        typeof password !== 'string' ||
        password.length > MAX_PASSWORD_LENGTH
      )
        return false;
      const row = await db('admin_users').where({ username }).first('password_hash');
      if (!row) {
        dummyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'));
        await checkPassword(password, await dummyHash);
        return false;
      }
      return checkPassword(password, row.password_hash as string);
    },

    async setPassword(username: string, password: string, actor: Actor) {
      if (typeof username !== 'string' || !/^[A-Za-z0-9_.@-]{1,64}$/.test(username)) {
        throw new AppError('INVALID_INPUT', 'Invalid username', 400, 'username', {
          username: 'use 1–64 letters, digits, _ . @ or -',
        });
      }
      checkNewPassword(password);
      await upsert(username, password);
      // The login's tokens end with its old password; its sessions end by their stamp (src/web/middleware/auth.ts).
      const row = await db('admin_users').where({ username }).first('id');
      if (row) await db('account_tokens').where({ account_id: row.id }).delete();
      await audit.record(actor, 'admin.set-password', username);
    },

    async ensureInitial() {
      const username = config.admin.username;
      if (await hasAccount(username)) return {};
      if (config.admin.password) {
        await upsert(username, config.admin.password);
        log.info({ module: 'admin' }, `admin account "${username}" created from ADMIN_PASSWORD`);
        return {};
      }
      if (!config.router.simulated) return {};
      const generatedPassword = generatePassword();
      await upsert(username, generatedPassword);
      return { generatedPassword };
    },
  };
}
