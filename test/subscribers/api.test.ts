/**
 * Subscribers through the admin API, from outside: the contract, every bad field, a username taken twice at
 * once, the sealed password, the audit and the events, and who may call what.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/lib/logger';
import { sealedKeyWarnings } from '../../src/services/business/backup/sealed-keys';
import { createHarness, type Harness } from '../helpers/harness';
import { api, makeAccount } from '../accounts/helpers';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, JUAN, PROFILES } from './helpers';

const logged: string[] = [];
const log = createLogger('debug', { write: (s: string) => void logged.push(s) });

describe('subscribers through the admin API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ http: true, profiles: PROFILES, log });
    // One test moves the clock 15 days on and back: the server's billing job, which follows that clock, would
    // suspend the subscribers made before it (their first invoices past due), if its hour came meanwhile.
    h.app!.billingJob.stop();
  });
  afterAll(async () => {
    await h.close();
  });

  it('adds a subscriber with a generated password, numbered, in its current cycle', async () => {
    const res = await adminApi(h, 'POST', '/subscribers', { ...JUAN, address: 'Purok 3, Brgy. San Isidro' });
    expect(res.status).toBe(201);
    const s = res.json.subscriber;
    expect(s).toMatchObject({
      account_no: 'S-000001',
      name: 'Juan dela Cruz',
      mobile: '+639171234567',
      profile: 'HOME10',
      billing_day: 5,
      username: 'juan.dc',
      site: 'default',
      status: 'active',
      // The fake clock's shop date is 2026-11-21 (Manila): service starts today, mid-cycle.
      starts_on: '2026-11-21',
      cycle: { start: '2026-11-21', end: '2026-12-04' },
      usage: { counted_bytes: 0, cap_bytes: 100e9, left_bytes: 100e9 },
      language: 'en',
      address: 'Purok 3, Brgy. San Isidro',
    });
    expect(s.password).toMatch(/^[A-Za-z0-9]{16,}$/);
    expect(typeof s.id).toBe('number');
    expect(s.created_at).toBe(new Date(h.clock.now()).toISOString());
    const again = await adminApi(h, 'GET', `/subscribers/${s.id}`);
    expect(again.json.subscriber).toEqual(s);
  });

  it('refuses every bad field at once, naming each, and writes nothing', async () => {
    const before = await h.core!.db('subscribers').count({ n: '*' });
    const res = await adminApi(h, 'POST', '/subscribers', {
      name: '',
      mobile: '0817123456',
      profile: 'BASIC',
      billing_day: 31,
      username: 'ju',
      password: 'short',
      site: 'nowhere',
      starts_on: '2026-02-30',
      language: 'es',
      address: 'x'.repeat(201),
      plan: 'typo',
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('INVALID_INPUT');
    expect(Object.keys(res.json.fields).sort()).toEqual(
      [
        'address',
        'billing_day',
        'language',
        'mobile',
        'name',
        'password',
        'plan',
        'profile',
        'site',
        'starts_on',
        'username',
      ].sort(),
    );
    expect(res.json.fields.profile).toMatch(/BASIC is a prepaid profile/);
    expect(JSON.stringify(res.json)).not.toContain('"short"');
    expect(await h.core!.db('subscribers').count({ n: '*' })).toEqual(before);
    // Missing fields are named too (a mobile is optional); an unknown profile is named on `profile`.
    const empty = await adminApi(h, 'POST', '/subscribers', { profile: 'NOPE' });
    expect(Object.keys(empty.json.fields).sort()).toEqual(
      ['billing_day', 'name', 'profile', 'username'].sort(),
    );
  });

  it('lets one of two creates of the same username (any case) through at once; numbers stay gap-free', async () => {
    const [a, b] = await Promise.all([
      adminApi(h, 'POST', '/subscribers', { ...JUAN, username: 'Maria.S', name: 'Maria' }),
      adminApi(h, 'POST', '/subscribers', { ...JUAN, username: 'maria.s', name: 'Maria' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const refused = a.status === 409 ? a : b;
    expect(refused.json.code).toBe('SUBSCRIBER_EXISTS');
    expect(refused.json.fields).toEqual({ username: 'already used on this site' });
    const next = await addSubscriber(h, { username: 'pedro', name: 'Pedro' });
    const numbers = (await h.core!.db('subscribers').orderBy('seq').pluck('seq')).map(Number);
    expect(numbers).toEqual([1, 2, 3]);
    expect(next.account_no).toBe('S-000003');
  });

  it('keeps the password sealed at rest and out of the audit log, the events and the log', async () => {
    const s = await addSubscriber(h, { username: 'ana', password: 'Sikreto!2026x' });
    expect(s.password).toBe('Sikreto!2026x');
    const row = await h.core!.db('subscribers').where({ id: s.id }).first();
    expect(row.password_enc).not.toContain('Sikreto');
    expect(row.password_enc).toMatch(/^v1\./);
    await adminApi(h, 'PUT', `/subscribers/${s.id}`, { password: 'Bago-na-2027' });
    const stored = JSON.stringify([
      await h.core!.db('audit_log'),
      await h.core!.db('events'),
      await h.core!.db('subscribers'),
    ]);
    for (const secret of ['Sikreto!2026x', 'Bago-na-2027']) {
      expect(stored).not.toContain(secret);
      expect(logged.join('\n')).not.toContain(secret);
    }
    const actions = await h.core!.db('audit_log').where('action', 'like', 'subscriber.%').pluck('action');
    expect(actions).toEqual(expect.arrayContaining(['subscriber.create', 'subscriber.update']));
    expect((await adminApi(h, 'GET', `/subscribers/${s.id}`)).json.subscriber.password).toBe('Bago-na-2027');
    // A restore into a data folder without the credentials key says the subscribers' passwords cannot be opened.
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-nokey-'));
    try {
      const warnings = await sealedKeyWarnings(h.core!.db, {
        ...h.config,
        dataDir: elsewhere,
        credentialsKey: undefined,
      });
      expect(warnings.join('\n')).toMatch(
        /of the restored .*subscribers' passwords cannot be opened: there is no/,
      );
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('changes fields, and a billing day from the next cycle only', async () => {
    // A customer since October: billed from today, never from before it was added.
    const s = await addSubscriber(h, { username: 'rosa', starts_on: '2026-10-01' });
    expect(s.cycle).toEqual({ start: '2026-11-21', end: '2026-12-04' });
    const res = await adminApi(h, 'PUT', `/subscribers/${s.id}`, {
      name: 'Rosa Santos',
      mobile: '+639181112222',
      profile: 'HOME25',
      language: 'fil',
      billing_day: 20,
    });
    expect(res.status).toBe(200);
    expect(res.json.subscriber).toMatchObject({
      name: 'Rosa Santos',
      mobile: '+639181112222',
      profile: 'HOME25',
      language: 'fil',
      billing_day: 5,
      billing_day_next: { day: 20, from: '2026-12-05' },
      cycle: { start: '2026-11-21', end: '2026-12-04' },
      usage: { counted_bytes: 0, cap_bytes: null, left_bytes: null },
    });
    // In the next cycle the new day counts: a short cycle to the day before the 20th.
    h.clock.advance(15 * 86400_000);
    const later = (await adminApi(h, 'GET', `/subscribers/${s.id}`)).json.subscriber;
    expect(later).toMatchObject({
      billing_day: 20,
      billing_day_next: null,
      cycle: { start: '2026-12-05', end: '2026-12-19' },
    });
    h.clock.advance(-15 * 86400_000);
    // A prepaid profile, a username or a site cannot be set on a change.
    const bad = await adminApi(h, 'PUT', `/subscribers/${s.id}`, {
      profile: 'BASIC',
      username: 'x',
      site: 1,
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json.fields).sort()).toEqual(['profile', 'site', 'username']);
    const audit = await h
      .core!.db('audit_log')
      .where({ action: 'subscriber.update', target: s.account_no })
      .first();
    expect(JSON.parse(audit.details).changes).toEqual(
      expect.arrayContaining(['profile: HOME10 → HOME25', 'billing_day: 5 → 20 from 2026-12-05']),
    );
  });

  it('suspends with a reason, resumes, ends for good; each a change event and an audit entry', async () => {
    const s = await addSubscriber(h, { username: 'lito' });
    const seen: unknown[] = [];
    const stop = h.core!.services.subscribers.onChange((e) => seen.push(e));
    const noReason = await adminApi(h, 'POST', `/subscribers/${s.id}/suspend`, {});
    expect(noReason.status).toBe(400);
    expect(Object.keys(noReason.json.fields)).toEqual(['reason']);
    const tooLong = await adminApi(h, 'POST', `/subscribers/${s.id}/suspend`, { reason: 'x'.repeat(201) });
    expect(tooLong.status).toBe(400);
    const suspended = await adminApi(h, 'POST', `/subscribers/${s.id}/suspend`, {
      reason: 'unpaid November',
    });
    expect(suspended.json.subscriber).toMatchObject({
      status: 'suspended',
      status_reason: 'unpaid November',
    });
    expect(
      (await adminApi(h, 'GET', '/subscribers?status=suspended')).json.subscribers.map(
        (x: { id: number }) => x.id,
      ),
    ).toEqual([s.id]);
    expect((await adminApi(h, 'POST', `/subscribers/${s.id}/suspend`, { reason: 'again' })).json.code).toBe(
      'SUBSCRIBER_STATUS',
    );
    const resumed = await adminApi(h, 'POST', `/subscribers/${s.id}/resume`);
    expect(resumed.json.subscriber).toMatchObject({ status: 'active', status_reason: null });
    const ended = await adminApi(h, 'DELETE', `/subscribers/${s.id}`);
    expect(ended.json.subscriber).toMatchObject({ status: 'ended' });
    expect(ended.json.subscriber.ended_at).not.toBeNull();
    const back = await adminApi(h, 'POST', `/subscribers/${s.id}/resume`);
    expect([back.status, back.json.code]).toEqual([409, 'SUBSCRIBER_ENDED']);
    expect((await adminApi(h, 'PUT', `/subscribers/${s.id}`, { name: 'x' })).status).toBe(409);
    // History kept: still listed as ended.
    expect((await adminApi(h, 'GET', '/subscribers?status=ended')).json.subscribers).toHaveLength(1);
    expect((await adminApi(h, 'GET', '/subscribers?status=gone')).json.fields).toHaveProperty('status');
    stop();
    expect(seen).toEqual([
      { id: s.id, change: 'suspend' },
      { id: s.id, change: 'resume' },
      { id: s.id, change: 'end' },
    ]);
    const events = await h.core!.db('events').where({ kind: 'subscriber.changed' }).orderBy('id');
    const mine = events.map((e) => JSON.parse(e.data)).filter((d) => d.id === s.id);
    expect(mine.map((d) => d.change)).toEqual(['create', 'suspend', 'resume', 'end']);
    const audits = await h
      .core!.db('audit_log')
      .where({ target: s.account_no })
      .orderBy('id')
      .pluck('action');
    expect(audits).toEqual([
      'subscriber.create',
      'subscriber.suspend',
      'subscriber.resume',
      'subscriber.end',
    ]);
    expect(
      (await h.core!.db('audit_log').where({ action: 'subscriber.suspend', target: s.account_no }).first())
        .actor,
    ).toBe('api-token (api)');
  });

  it('reads ids only as plain numbers: anything else is 404', async () => {
    for (const id of ['01', '1.0', '0x1', '999999']) {
      const res = await adminApi(h, 'GET', `/subscribers/${id}`);
      expect([id, res.status, res.json.code]).toEqual([id, 404, 'SUBSCRIBER_NOT_FOUND']);
    }
  });

  it('lets a cashier list and show (without passwords), and refuses resellers everything', async () => {
    const cashier = await makeAccount(h, { username: 'cashier1', role: 'cashier' });
    const reseller = await makeAccount(h, {
      username: 'store.ana',
      role: 'reseller',
      profiles: ['BASIC'],
      commission_percent: 10,
      credit_limit: 100,
    });
    const list = await api(h, 'GET', '/admin/api/subscribers', undefined, cashier);
    expect(list.status).toBe(200);
    const first = (list.json.subscribers as Array<Record<string, unknown>>)[0];
    expect(first.account_no).toBe('S-000001');
    expect(first).not.toHaveProperty('password');
    const one = await api(h, 'GET', `/admin/api/subscribers/${first.id}`, undefined, cashier);
    expect(one.status).toBe(200);
    expect(one.json.subscriber).not.toHaveProperty('password');
    const write = await api(
      h,
      'POST',
      `/admin/api/subscribers/${first.id}/suspend`,
      { reason: 'x' },
      cashier,
    );
    expect(write.status).toBe(403);
    for (const [method, path] of [
      ['GET', '/admin/api/subscribers'],
      ['GET', `/admin/api/subscribers/${first.id}`],
      ['POST', '/admin/api/subscribers'],
      ['PUT', `/admin/api/subscribers/${first.id}`],
      ['DELETE', `/admin/api/subscribers/${first.id}`],
    ]) {
      const r = await api(
        h,
        method,
        path,
        method === 'GET' || method === 'DELETE' ? undefined : JUAN,
        reseller,
      );
      expect([method, path, r.status]).toEqual([method, path, 403]);
    }
    expect((await h.core!.db('subscribers').where({ status: 'ended' })).length).toBe(1);
  });
});

describe('subscribers of another site', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ http: true, profiles: PROFILES });
  });
  afterAll(async () => {
    await h.close();
  });

  it('are named by the site, keep usernames per site, and keep their site from being removed', async () => {
    const site = await adminApi(h, 'POST', '/sites', {
      name: 'branch',
      host: '127.0.0.1',
      port: 1,
      user: 'pisonet',
      password: 'router-pass-1',
    });
    expect(site.status).toBe(201);
    const here = await addSubscriber(h, { site: 'branch' });
    expect(here.site).toBe('branch');
    // The same username on another site is another subscriber.
    const there = await addSubscriber(h);
    expect(there.site).toBe('default');
    const removed = await adminApi(h, 'DELETE', `/sites/${site.json.site.id}`);
    expect([removed.status, removed.json.code]).toEqual([409, 'SITE_HAS_OWN_ITEMS']);
    expect(removed.json.error).toMatch(/1 subscriber/);
    // By username: two sites have it, so the id is asked for.
    const both = await h.core!.services.subscribers.get('juan.dc').catch((e: Error) => e.message);
    expect(both).toMatch(/name the one you mean by its id/);
  });
});
