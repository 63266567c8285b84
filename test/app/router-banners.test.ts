/**
 * The truth on every admin screen: when the router stops answering, every admin page says so at its top
 * within one poll, live figures say since when they are frozen ("last seen 12:00 PM", shop time), and the
 * user-traffic API says `router: {connected: false, stale_since}`; when it is back, the banner is gone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/env';
import { startApp } from '../../src/app';
import { createLogger } from '../../src/lib/logger';
import { projectPath } from '../../src/lib/paths';
import { RouterSimulator } from '../../src/simulator';
import { createHarness, type Harness } from '../helpers/harness';
import { AdminClient } from '../admin/client';
import { addDevice, makeVouchers, redeemApi } from '../portal/helpers';
import { formatShopTime } from '../../src/domain/clock';

let h: Harness;
let admin: AdminClient;

const PAGES = [
  '/admin',
  '/admin/vouchers',
  '/admin/profiles',
  '/admin/bandwidth',
  '/admin/bandwidth?tab=queues',
  '/admin/users',
  '/admin/reports',
  '/admin/settings',
  '/admin/audit',
];

beforeAll(async () => {
  h = await createHarness({ http: true });
  admin = new AdminClient(h.app!.url);
  expect((await admin.login()).status).toBe(303);
});
afterAll(async () => {
  await h.close();
});

/** The banner region of a page: the markup of views/partials/router-banner.ejs. */
function banners(html: string): Array<{ code: string; role: string; text: string }> {
  const region = /<div id="router-banners"[^>]*>([\s\S]*?)\n<\/div>/.exec(html)?.[1] ?? '';
  return [
    ...region.matchAll(
      /<div class="router-banner [^"]*" role="(\w+)" data-testid="router-warning" data-code="(\w+)">([\s\S]*?)<\/div>/g,
    ),
  ].map((m) => ({
    role: m[1]!,
    code: m[2]!,
    text: m[3]!
      .replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  }));
}

interface Traffic {
  success: boolean;
  users: Array<{ mac: string; rate_out: number }>;
  router: { connected: boolean; stale_since: string | null; last_seen: string | null };
}

async function traffic(): Promise<Traffic> {
  const res = await admin.get('/admin/api/user-traffic');
  expect(res.status).toBe(200);
  return (await res.json()) as Traffic;
}

test('router stopped: a banner on every admin page within one poll, figures marked as last seen; back: gone', async () => {
  const d = addDevice(h, 1);
  const [code] = await makeVouchers(h, 'STANDARD', 1);
  expect((await redeemApi(h, { code: code!, ...d })).status).toBe(200);
  await h.core!.services.usage.runCycle();
  const lastPoll = h.core!.services.usage.lastPollAt()!;
  expect(lastPoll).toBe(h.clock.now());

  // Connected: no banner anywhere, the API says connected with nothing stale.
  for (const page of PAGES) expect(banners(await admin.html(page))).toEqual([]);
  const live = await traffic();
  expect(live.router).toEqual({ connected: true, stale_since: null, last_seen: null });
  expect(live.users.map((u) => u.mac)).toEqual([d.mac]);
  expect(await admin.html('/admin/bandwidth')).toMatch(/data-testid="stale-note" role="status" hidden>/);

  // The router goes away; the next poll (a minute later) finds it gone.
  h.sim.setReachable(false);
  h.clock.advance(60_000);
  const report = await h.core!.services.usage.runCycle();
  expect(report.skipped).toBe('router-unreachable');
  expect(h.router.status.connected).toBe(false);

  const lastSeen = formatShopTime(lastPoll, 'Asia/Manila');
  expect(lastSeen).toBe('12:00 PM'); // the fake clock's 04:00 UTC, in Manila
  for (const page of PAGES) {
    const found = banners(await admin.html(page));
    expect({ page, codes: found.map((b) => b.code) }).toEqual({
      page,
      codes: [expect.stringMatching(/^ROUTER_(UNREACHABLE|TIMEOUT|REFUSED|FATAL)$/)],
    });
    expect(found[0]!.role).toBe('alert');
    expect(found[0]!.text).toMatch(
      /^The router (cannot be reached|does not answer|refuses the connection|closed our connection)/,
    );
    expect(found[0]!.text).toContain('Check that the router is on');
    expect(found[0]!.text).toContain(`Figures shown are as last seen at ${lastSeen}.`);
  }

  // The bandwidth table and the online-now tile say "last seen", not live.
  const bandwidth = await admin.html('/admin/bandwidth');
  expect(bandwidth).toMatch(
    new RegExp(
      `data-testid="stale-note" role="status">\\s*<strong>Router away: figures as last seen <span data-last-seen>${lastSeen}</span>`,
    ),
  );
  const dashboard = await admin.html('/admin');
  expect(dashboard).toContain(`Router away · last seen ${lastSeen}`);
  expect(dashboard).toMatch(new RegExp(`data-tile="online-note" class="stale">last seen ${lastSeen}<`));
  expect(dashboard).toMatch(/data-tile="router" data-testid="router-tile" data-connected="false">/);

  // The API keeps every field and says the figures are stale since the last poll that read them.
  const stale = await traffic();
  expect(stale.router).toEqual({
    connected: false,
    stale_since: new Date(lastPoll).toISOString(),
    last_seen: lastSeen,
  });
  // Every field is still there, with the figures as last read (only the time left moves with the clock).
  const frozen = (t: Traffic) => t.users.map((u) => ({ ...u, remaining_seconds: undefined }));
  expect(frozen(stale)).toEqual(frozen(live));
  const status = (await (await admin.get('/admin/api/router-status')).json()) as {
    router: { connected: boolean; banners: Array<{ code: string; level: string; todo: string }> };
  };
  expect(status.router.connected).toBe(false);
  expect(status.router.banners).toEqual([
    expect.objectContaining({ level: 'error', todo: expect.stringContaining('Check that the router is on') }),
  ]);

  // Back: the client reconnects by itself, and the banners and the stale marks are gone.
  h.sim.setReachable(true);
  expect(await h.router.waitConnected(5000)).toBe(true);
  await h.core!.services.usage.runCycle();
  for (const page of PAGES) expect(banners(await admin.html(page))).toEqual([]);
  expect((await traffic()).router).toEqual({ connected: true, stale_since: null, last_seen: null });
  expect(await admin.html('/admin')).not.toContain('Router away');
}, 60_000);

test('a router that refuses our login: a banner naming the code, the message and what to do', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-banners-'));
  const sim = new RouterSimulator({ port: 0, users: [{ name: 'admin', password: 'router-pw' }] });
  await sim.start();
  const config = loadConfig({
    DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`,
    DATA_DIR: dir,
    ROUTER_HOST: '127.0.0.1',
    ROUTER_PORT: String(sim.port),
    ROUTER_USER: 'admin',
    ROUTER_PASSWORD: 'not-the-router-pw',
    ROUTER_TIMEOUT_SECONDS: '2',
    PROFILES_FILE: projectPath('profiles.json'),
    PORT: '0',
    BIND: '127.0.0.1',
    TZ: 'Asia/Manila',
    LOG_LEVEL: 'silent',
    ADMIN_PASSWORD: 'correct horse battery',
    SESSION_SECRET: 'test-session-secret-0123456789',
  });
  const app = await startApp(config, { log: createLogger('silent') });
  try {
    const c = new AdminClient(app.url);
    expect((await c.login()).status).toBe(303);
    for (let i = 0; i < 100 && app.core.router.status.lastErrorCode !== 'ROUTER_LOGIN_FAILED'; i++)
      await new Promise((r) => setTimeout(r, 50));
    for (const page of ['/admin', '/admin/vouchers', '/admin/settings']) {
      const [b, ...more] = banners(await c.html(page));
      expect(more).toEqual([]);
      expect(b).toMatchObject({ code: 'ROUTER_LOGIN_FAILED', role: 'alert' });
      expect(b!.text).toContain('The router refuses our login (ROUTER_LOGIN_FAILED)');
      expect(b!.text).toContain('The router refused the API user or password (user &#34;admin&#34;)');
      expect(b!.text).toContain('Put the router API user&#39;s name and password in .env');
    }
  } finally {
    await app.stop();
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
