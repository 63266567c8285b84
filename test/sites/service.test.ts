import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ValidationErrors, AppError, ConfigError } from '../../src/domain/errors';
import { createLogger } from '../../src/lib/logger';
import { describeConfig, loadConfig } from '../../src/config/env';
import { secretBox } from '../../src/lib/secret-box';
import { createSiteMonitor } from '../../src/services/network/site-monitor';
import { openCredentialsBox, CREDENTIALS_KEY_FILE } from '../../src/services/business/sites/credentials';
import type { Actor } from '../../src/services/types';
import { createHarness, type Harness } from '../helpers/harness';
import { capturingLogger } from './helpers';

const ACTOR: Actor = { name: 'owner', via: 'cli' };
const PASSWORD = 'Branch2-s3cret!';

async function fieldsOf(p: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ValidationErrors) {
      const out: Record<string, string> = {};
      for (const e of err.errors) out[e.field] = e.problem;
      return out;
    }
    throw err;
  }
  throw new Error('expected a validation error');
}

describe('sites service (stored, encrypted, bounded)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('has the .env router as site 1 "default", fixed: not editable, not removable', async () => {
    const [def] = await h.core!.services.sites.list();
    expect(def).toMatchObject({ id: 1, name: 'default', isDefault: true, host: '127.0.0.1' });
    expect(def.status.connected).toBe(true);
    expect(def.status.identity).toBe('MikroTik');
    // Each asked in turn: a second refusal made before the first is awaited would reject unawaited meanwhile.
    for (const attempt of [
      () => h.core!.services.sites.update(1, { host: '10.0.0.9' }, ACTOR),
      () => h.core!.services.sites.remove('default', ACTOR),
    ])
      await expect(attempt()).rejects.toMatchObject({ code: 'SITE_DEFAULT_FIXED', status: 409 });
  });

  it('refuses bad input with every field named, and stores nothing', async () => {
    const sites = h.core!.services.sites;
    const fields = await fieldsOf(
      sites.add(
        {
          name: 'branch 2!',
          host: 'not a host',
          port: 70000,
          user: '',
          password: 'x'.repeat(129),
          tls: 'maybe',
          hotspot_server: 'h'.repeat(65),
          hotspot_user_profile: 'p'.repeat(65),
          tz: 'Mars/Olympus',
        },
        ACTOR,
      ),
    );
    expect(Object.keys(fields).sort()).toEqual(
      [
        'host',
        'hotspot_server',
        'hotspot_user_profile',
        'name',
        'password',
        'port',
        'tls',
        'tz',
        'user',
      ].sort(),
    );
    expect(fields.user).toMatch(/^missing; use 1 to 64 characters/);
    expect(fields.port).toContain('use 1 to 65535');
    // The password is never repeated back, even when refused.
    expect(JSON.stringify(fields)).not.toContain('xxxxxxxx');
    expect(await h.core!.db('sites')).toHaveLength(1);

    for (const [input, field] of [
      [{ name: 'a'.repeat(33) }, 'name'],
      [{ host: '10.0.0.256' }, 'host'],
      [{ host: '-bad.example' }, 'host'],
      [{ port: 0 }, 'port'],
      [{ port: '12x' }, 'port'],
      [{ user: 'u'.repeat(65) }, 'user'],
      [{ password: 'two\nlines' }, 'password'],
    ] as const) {
      const got = await fieldsOf(
        sites.add(Object.assign({ name: 'ok', host: '10.0.0.1', user: 'api' }, input), ACTOR),
      );
      expect(Object.keys(got)).toEqual([field]);
    }
  });

  it('accepts host names, IPv4 and IPv6; the port follows TLS unless given; names are unique in any case', async () => {
    const sites = h.core!.services.sites;
    const a = await sites.add(
      { name: 'Branch-2', host: 'router.branch2.lan', user: 'api', password: PASSWORD },
      ACTOR,
    );
    expect(a).toMatchObject({
      name: 'Branch-2',
      host: 'router.branch2.lan',
      port: 8728,
      tls: false,
      passwordSet: true,
    });
    expect(a.id).toBe(2); // after `default`, on PostgreSQL too (its sequence was moved past row 1)
    const b = await sites.add(
      { name: 'b6', host: '[2001:db8::1]', user: 'api', tls: true, tz: 'Asia/Manila' },
      ACTOR,
    );
    expect(b).toMatchObject({
      host: '2001:db8::1',
      port: 8729,
      tls: true,
      passwordSet: false,
      tz: 'Asia/Manila',
    });
    const c = await sites.add({ name: 'c4', host: '10.20.0.1', port: '8000', user: 'api', tls: true }, ACTOR);
    expect(c.port).toBe(8000);

    for (const name of ['branch-2', 'BRANCH-2', 'Default', 'default'])
      await expect(sites.add({ name, host: '10.0.0.2', user: 'api' }, ACTOR)).rejects.toMatchObject({
        code: 'SITE_NAME_TAKEN',
        field: 'name',
      });
    await expect(sites.update('b6', { name: 'branch-2' }, ACTOR)).rejects.toMatchObject({
      code: 'SITE_NAME_TAKEN',
    });
    expect(await sites.get('BRANCH-2')).toMatchObject({ id: a.id });
    await expect(sites.get('nope')).rejects.toMatchObject({ code: 'SITE_NOT_FOUND', status: 404 });
    await sites.remove('b6', ACTOR);
    await sites.remove('c4', ACTOR);
  });

  it('stores the password encrypted; an edit without a password keeps it; the audit log never holds it', async () => {
    const sites = h.core!.services.sites;
    const row = await h.core!.db('sites').whereRaw('LOWER(name) = ?', ['branch-2']).first();
    expect(row.password_enc).toMatch(/^v1\./);
    expect(row.password_enc).not.toContain(PASSWORD);
    expect(row.password_enc).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    expect(openCredentialsBox(h.config, createLogger('silent')).open(row.password_enc, 'branch-2')).toBe(
      PASSWORD,
    );

    const edited = await sites.update('branch-2', { host: '10.9.9.9', tz: '' }, ACTOR);
    expect(edited).toMatchObject({ host: '10.9.9.9', tz: null, passwordSet: true });
    const after = await h.core!.db('sites').where({ id: row.id }).first();
    expect(after.password_enc).toBe(row.password_enc);

    await sites.update('branch-2', { password: 'Another-0ne' }, ACTOR);
    const audit = await h.core!.db('audit_log').where('action', 'like', 'site.%').orderBy('id');
    expect(audit.map((r: { action: string }) => r.action)).toEqual(
      expect.arrayContaining(['site.add', 'site.update', 'site.remove']),
    );
    const text = JSON.stringify(audit);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('Another-0ne');
    expect(text).not.toContain('v1.');
    const details = audit.map((r: { details: string }) => JSON.parse(r.details) as Record<string, unknown>);
    expect(details[0]).toMatchObject({ name: 'Branch-2', user: 'api', password_set: true });
    expect(details.at(-1)).toEqual({ password_changed: true });
  });

  it('made the key file on first start, readable by the controller only', () => {
    const file = path.join(h.dir, CREDENTIALS_KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
  });

  it('a different key: one clear error naming CREDENTIALS_KEY on the site, one log line, no stack', async () => {
    const other = crypto.randomBytes(32);
    const { log, lines } = capturingLogger();
    const box = openCredentialsBox({ ...h.config, credentialsKey: other }, log);
    const stored = (await h.core!.db('sites').where({ name: 'Branch-2' }).first()).password_enc;
    expect(() => box.open(stored, 'Branch-2')).toThrow(AppError);
    const monitor = createSiteMonitor({ config: h.config, db: h.core!.db, clock: h.clock, log, box });
    await monitor.start();
    try {
      const status = monitor.status(2)!;
      expect(status.connected).toBe(false);
      expect(status.error!.code).toBe('CREDENTIALS_KEY_WRONG');
      expect(status.error!.message).toContain('CREDENTIALS_KEY');
      expect(status.error!.message).toContain('Branch-2');
      const logged = lines.filter((l) => l.includes('CREDENTIALS_KEY'));
      expect(logged).toHaveLength(1);
      expect(logged[0]).not.toMatch(/stack|at .*\.ts:/);
    } finally {
      await monitor.close();
    }
    // The right key still opens it (nothing was re-encrypted or lost).
    const right = secretBox(
      Buffer.from(fs.readFileSync(path.join(h.dir, CREDENTIALS_KEY_FILE), 'utf8').trim(), 'base64'),
    );
    const sealed = (await h.core!.db('sites').where({ name: 'Branch-2' }).first()).password_enc;
    expect(right.open(sealed)).toBe('Another-0ne');
  });

  it('CREDENTIALS_KEY: 32 bytes as base64 or hex, else a configuration error naming it; masked in listings', () => {
    const hex = crypto.randomBytes(32).toString('hex');
    const b64 = crypto.randomBytes(32).toString('base64');
    expect(loadConfig({ CREDENTIALS_KEY: hex }).credentialsKey).toEqual(Buffer.from(hex, 'hex'));
    expect(loadConfig({ CREDENTIALS_KEY: b64 }).credentialsKey).toEqual(Buffer.from(b64, 'base64'));
    expect(loadConfig({}).credentialsKey).toBeUndefined();
    for (const bad of ['short', crypto.randomBytes(16).toString('hex'), `${hex}00`]) {
      let err: unknown;
      try {
        loadConfig({ CREDENTIALS_KEY: bad });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.join('\n')).toContain('CREDENTIALS_KEY must be 32 bytes');
      expect((err as ConfigError).message).not.toContain(bad);
    }
    const shown = describeConfig(loadConfig({ CREDENTIALS_KEY: hex }));
    expect(shown.CREDENTIALS_KEY).toBe('********');
    expect(JSON.stringify(shown)).not.toContain(hex);
  });

  it('a new key file is announced in one log line saying where and to back it up; a sealed password is redacted', () => {
    const dir = fs.mkdtempSync(path.join(h.dir, 'fresh-'));
    const { log, lines } = capturingLogger();
    openCredentialsBox({ ...h.config, dataDir: dir, credentialsKey: undefined }, log);
    openCredentialsBox({ ...h.config, dataDir: dir, credentialsKey: undefined }, log); // second start: quiet
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(path.join(dir, CREDENTIALS_KEY_FILE));
    expect(lines[0]).toContain('back it up');
    log.info({ site: { name: 'x', password_enc: 'v1.abc', password: 'p' } }, 'row');
    expect(lines[1]).not.toContain('v1.abc');
    expect(lines[1]).toContain('[redacted]');
  });
});
