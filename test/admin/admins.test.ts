import { createHarness, Harness } from '../helpers/harness';
import { checkPassword, createAdminAccountService, hashPassword } from '../../src/services/business/admins';
import type { ShopDeps } from '../../src/services/deps';
import type { AppConfig } from '../../src/config/env';
import { AppError } from '../../src/domain/errors';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

function deps(
  admin: Partial<AppConfig['admin']>,
  simulated: boolean,
  username = `owner${Math.random().toString(36).slice(2, 8)}`,
): ShopDeps {
  const c = h.core!;
  const config: AppConfig = {
    ...c.config,
    admin: { ...c.config.admin, username, password: undefined, ...admin },
    router: { ...c.config.router, simulated },
  };
  return {
    config,
    db: c.db,
    clock: c.clock,
    log: c.log,
    audit: c.services.audit,
    settings: c.services.settings,
  };
}

describe('password hashes', () => {
  test('scrypt$N$r$p$salt$hash with a random salt; verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
    expect(a).not.toBe(b);
    expect(await checkPassword('correct horse battery', a)).toBe(true);
    expect(await checkPassword('correct horse batterY', a)).toBe(false);
    expect(await checkPassword('', a)).toBe(false);
  });

  test('malformed or foreign hashes never match', async () => {
    for (const bad of [
      '',
      'plain',
      'bcrypt$2$x$y$z$w',
      'scrypt$abc$8$1$c2FsdA$aGFzaA',
      'scrypt$16384$8$1$c2FsdA$aGFzaA',
    ]) {
      expect(await checkPassword('x', bad)).toBe(false);
    }
  });
});

describe('admin accounts', () => {
  test('ensureInitial creates the account from ADMIN_PASSWORD once', async () => {
    const d = deps({ password: 'from-env-password' }, false);
    const admins = createAdminAccountService(d);
    expect(await admins.hasAccount()).toBe(false);
    expect(await admins.ensureInitial()).toEqual({});
    expect(await admins.verify(d.config.admin.username, 'from-env-password')).toBe(true);
    const row = await h.core!.db('admin_users').where({ username: d.config.admin.username }).first();
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain('from-env-password');
  });

  test('demo mode without a password generates one, returned once', async () => {
    const d = deps({}, true);
    const admins = createAdminAccountService(d);
    const first = await admins.ensureInitial();
    expect(first.generatedPassword).toMatch(/^[A-Za-z0-9]{4}(-[A-Za-z0-9]{4}){3}$/);
    expect(await admins.verify(d.config.admin.username, first.generatedPassword!)).toBe(true);
    expect(await admins.ensureInitial()).toEqual({}); // not again, and the password is kept
    expect(await admins.verify(d.config.admin.username, first.generatedPassword!)).toBe(true);
  });

  test('outside demo mode without a password no account is created', async () => {
    const d = deps({}, false);
    const admins = createAdminAccountService(d);
    expect(await admins.ensureInitial()).toEqual({});
    expect(await admins.hasAccount()).toBe(false);
    expect(await admins.verify(d.config.admin.username, '')).toBe(false);
  });

  test('setPassword needs 10 characters, replaces the hash and is audited', async () => {
    const d = deps({ password: 'first-password-1' }, false);
    const admins = createAdminAccountService(d);
    await admins.ensureInitial();
    const actor = { name: 'tester', via: 'cli' as const };
    await expect(admins.setPassword(d.config.admin.username, 'short', actor)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      fields: { password: expect.stringContaining('10') },
    });
    await admins.setPassword(d.config.admin.username, 'second-password-2', actor);
    expect(await admins.verify(d.config.admin.username, 'first-password-1')).toBe(false);
    expect(await admins.verify(d.config.admin.username, 'second-password-2')).toBe(true);
    const { entries } = await h.core!.services.audit.list({ action: 'admin.set-password' });
    expect(entries[0]).toMatchObject({ target: d.config.admin.username, actor: 'tester (cli)' });
    expect(JSON.stringify(entries[0].details ?? {})).not.toContain('second-password-2');
  });

  test('unknown users and wrong types are refused', async () => {
    const admins = createAdminAccountService(deps({}, false));
    expect(await admins.verify('nobody', 'whatever-password')).toBe(false);
    expect(await admins.verify(undefined as unknown as string, 'x')).toBe(false);
    await expect(
      admins.setPassword('bad name!', 'long-enough-password', { name: 't', via: 'cli' }),
    ).rejects.toBeInstanceOf(AppError);
  });
});
