/**
 * The demo shows the subscriber's side: on a subscriber's admin page, "Open as this subscriber" (demo mode only)
 * makes a signed link a few minutes long that opens the portal as that subscriber's CPE sees it: its account page,
 * and, while it is suspended, the suspension page whatever the browser asks for. The link is refused outside demo
 * mode, altered or expired, each with its own reason.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, type RunningApp } from '../../src/app';
import { loadConfig } from '../../src/config/env';
import { DEMO_SUBSCRIBERS } from '../../src/demo/subscribers';
import { createLogger } from '../../src/lib/logger';
import { projectPath } from '../../src/lib/paths';
import { SYSTEM } from '../../src/services/types';
import { DEMO_AS_MS, demoAsToken } from '../../src/web/portal/demo-as';
import { AdminClient } from '../admin/client';
import { createHarness, type Harness } from '../helpers/harness';
import { addSubscriber, PROFILES } from './helpers';

jest.setTimeout(90_000);

const SECRET = 'test-session-secret-0123456789';
const [NENA, TONYO] = DEMO_SUBSCRIBERS;

async function waitFor(cond: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A browser's cookie jar over fetch, following redirects by hand (fetch keeps no cookies). */
class Browser {
  cookies = new Map<string, string>();
  constructor(readonly base: string) {}
  async get(url: string): Promise<{ status: number; url: string; text: string }> {
    let at = url;
    for (let hops = 0; hops < 5; hops++) {
      const res = await fetch(new URL(at, this.base), {
        redirect: 'manual',
        headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair.indexOf('=');
        if (/expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(pair.slice(0, i));
        else this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
      }
      const next = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && next) {
        at = next;
        continue;
      }
      return { status: res.status, url: at, text: await res.text() };
    }
    throw new Error('too many redirects');
  }
}

describe('in demo mode', () => {
  let dir: string;
  let app: RunningApp;
  let admin: AdminClient;
  const idOf = async (username: string) =>
    (await app.core.services.subscribers.list({})).find((s) => s.username === username)!.id;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-demo-as-'));
    fs.copyFileSync(projectPath('profiles.json'), path.join(dir, 'profiles.json'));
    app = await startApp(
      loadConfig({
        ROUTER_HOST: '',
        SIMULATOR_PORT: '0',
        DATABASE_URL: `sqlite:${path.join(dir, 'demo.sqlite')}`,
        DATA_DIR: dir,
        PROFILES_FILE: path.join(dir, 'profiles.json'),
        PORT: '0',
        BIND: '127.0.0.1',
        TZ: 'Asia/Manila',
        LOG_LEVEL: 'silent',
        ADMIN_PASSWORD: 'correct horse battery',
        SESSION_SECRET: SECRET,
        COOKIE_SECURE: 'false',
        BACKUP_EVERY: 'off',
      }),
      { log: createLogger('silent') },
    );
    await waitFor(async () => (await app.core.services.subscribers.list({})).length === 2);
    admin = new AdminClient(app.url);
    expect((await admin.login()).status).toBe(303);
  });
  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The admin's button, followed in a fresh browser: where it leads and what it shows. */
  async function openAs(id: number) {
    const page = await admin.html(`/admin/subscribers/${id}`);
    expect(page).toContain(`href="/admin/subscribers/${id}/open-as"`);
    const res = await admin.get(`/admin/subscribers/${id}/open-as`);
    expect(res.status).toBe(303);
    const link = res.headers.get('location')!;
    expect(link).toMatch(/^\/portal\/demo\/as\?t=\d+\.\d+\.[A-Za-z0-9_-]{43}$/);
    const browser = new Browser(app.url);
    return { browser, link, shown: await browser.get(link) };
  }

  it("opens the subscriber's account page as its CPE would see it", async () => {
    const { shown } = await openAs(await idOf(NENA.username));
    expect(shown.status).toBe(200);
    expect(shown.url).toBe('/portal/account');
    expect(shown.text).toContain(NENA.name);
    expect(shown.text).not.toContain(TONYO.name);
  });

  it('a suspended subscriber gets the suspension page whatever it opens; its account page stays its own', async () => {
    const id = await idOf(TONYO.username);
    await app.core.services.subscribers.suspend(id, 'unpaid for November', SYSTEM);
    const { browser, shown } = await openAs(id);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain(TONYO.name);
    expect(shown.text).toContain('id="suspended-title"');
    // Any address at all, as the router's redirect sends every web request of the CPE here.
    const other = await browser.get('/some/site/the/customer/typed');
    expect(other.text).toContain('id="suspended-title"');
    expect((await browser.get('/portal/account')).text).toContain(TONYO.name);
    // The owner's browser that opened it keeps its admin.
    const adminPage = await browser.get('/admin/login');
    expect(adminPage.status).toBe(200);
    expect(adminPage.text).not.toContain('id="suspended-title"');
  });

  it('refuses a link that was altered or has expired, with its reason', async () => {
    const id = await idOf(NENA.username);
    const token = demoAsToken(SECRET, id, Date.now());
    const [sid, until, sig] = token.split('.');
    const other = await idOf(TONYO.username);
    const tampered = await new Browser(app.url).get(`/portal/demo/as?t=${other}.${until}.${sig}`);
    expect(tampered.status).toBe(403);
    expect(tampered.text).toContain('This demo link is not valid');
    const longer = await new Browser(app.url).get(
      `/portal/demo/as?t=${sid}.${Number(until) + 3600_000}.${sig}`,
    );
    expect(longer.status).toBe(403);
    const expired = await new Browser(app.url).get(
      `/portal/demo/as?t=${demoAsToken(SECRET, id, Date.now() - DEMO_AS_MS - 1000)}`,
    );
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('This demo link has expired');
    // A stand-in cookie forged by hand is not taken either: the account page asks for the sign-in.
    const forged = new Browser(app.url);
    forged.cookies.set('pisonet_demo_as', `${other}.${until}.${sig}`);
    const page = await forged.get('/portal/account');
    expect(page.text).not.toContain(TONYO.name);
    expect(page.text).not.toContain(NENA.name);
  });
});

describe('outside demo mode', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ http: true, profiles: PROFILES });
  });
  afterAll(async () => {
    await h.close();
  });

  it('offers no button, and refuses the admin link, the portal link and the cookie even when signed right', async () => {
    const admin = new AdminClient(h.app!.url);
    expect((await admin.login()).status).toBe(303);
    const s = await addSubscriber(h);
    expect(await admin.html(`/admin/subscribers/${s.id}`)).not.toContain('open-as');
    const button = await admin.get(`/admin/subscribers/${s.id}/open-as`);
    expect(button.status).toBe(403);
    expect(await button.text()).toContain('for the demo only');
    const token = demoAsToken(SECRET, s.id, h.clock.now());
    const link = await new Browser(h.app!.url).get(`/portal/demo/as?t=${token}`);
    expect(link.status).toBe(403);
    expect(link.text).toContain('for the demo only');
    const cookie = new Browser(h.app!.url);
    cookie.cookies.set('pisonet_demo_as', token);
    expect((await cookie.get('/portal/account')).text).not.toContain(s.name);
  });
});
