/**
 * The Router pages in a real browser against simulated routers, at 390 px (a phone) and 1280 px: no sideways
 * scrolling, tap targets of 44 px, zero serious or critical axe-core violations, a screenshot of each under
 * test-output/screens/. Then what the owner does there: a second site's router, a router that is down, the log's
 * filter, the live traffic graph, and a reboot confirmed, audited and watched until the router is back.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SYSTEM } from '../../src/services/types';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { createHarness, type Harness } from '../helpers/harness';
import { startRouter, AUTH } from '../sites/helpers';
import {
  axeProblems,
  DESKTOP,
  MAIN_TARGETS,
  PHONE,
  PHONE_TARGETS,
  screenshot,
  sidewaysOverflow,
  smallTargets,
} from '../web/page-checks';

let h: Harness;
let browser: Browser;
let context: BrowserContext;
let tab: Page;
let branch: { sim: Awaited<ReturnType<typeof startRouter>>['sim']; id: number };
const pageErrors: string[] = [];
const PHONES = [
  { mac: '02:50:00:00:00:31', ip: '10.5.50.41', hostName: 'Galaxy-A12' },
  { mac: '02:50:00:00:00:32', ip: '10.5.50.42' },
];

beforeAll(async () => {
  h = await createHarness({
    http: true,
    sim: { identity: 'Shop-Main', rebootDownMs: 500, timeZone: 'Asia/Manila' },
    sites: { sitePolls: false, siteReconnect: { minMs: 50, maxMs: 300 } },
  });
  for (const p of PHONES) h.sim.addDevice(p);
  await h.router.add('/ip/hotspot/user', { name: 'T3ST1234', password: 'p', 'limit-uptime': '2h' });
  await h.router.hotspotLogin({ user: 'T3ST1234', password: 'p', mac: PHONES[0].mac, ip: PHONES[0].ip });
  await h.router.add('/ip/hotspot/ip-binding', {
    'mac-address': '02:50:00:00:00:99',
    type: 'bypassed',
    comment: 'Vendo <script>alert(1)</script>',
  });
  h.sim.addTraffic(PHONES[0].mac, { up: 300_000, down: 6_000_000 }, 10);
  const other = await startRouter({ identity: 'Branch-2', devices: 2 });
  const site = await h.core!.services.sites.add(
    { name: 'branch-2', host: '127.0.0.1', port: other.port, user: 'pisonet' },
    SYSTEM,
  );
  await h.core!.siteStacks.get(site.id)!.router.waitConnected(5000);
  branch = { sim: other.sim, id: site.id };
  browser = await launchChromium();
  context = await browser.newContext({ viewport: DESKTOP, timezoneId: 'Asia/Manila' });
  tab = await context.newPage();
  tab.on('pageerror', (e) => pageErrors.push(e.message));
  tab.setDefaultTimeout(8000);
  await loginAdmin(tab, h.app!.url);
}, 60000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await branch?.sim.stop();
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

/** Loads `url` at both widths and runs every check; `extra` runs at each width before the screenshot. */
async function checkPage(name: string, url: string, extra?: (wide: boolean) => Promise<void>) {
  const problems: string[] = [];
  for (const [label, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await tab.setViewportSize(viewport);
    const res = await tab.goto(h.app!.url + url);
    expect(res?.status()).toBe(200);
    const wide = label === 'desktop';
    if (!wide) {
      const over = await sidewaysOverflow(tab);
      if (over > 0) problems.push(`${label}: the page scrolls sideways by ${over}px`);
    }
    for (const p of await smallTargets(tab, wide ? MAIN_TARGETS : PHONE_TARGETS))
      problems.push(`${label}: tap target under 44px: ${p}`);
    for (const p of await axeProblems(tab)) problems.push(`${label}: ${p}`);
    if (extra) await extra(wide);
    await screenshot(tab, `router-${name}-${label}`);
  }
  expect(problems).toEqual([]);
}

const text = (sel: string) => tab.locator(sel).innerText();

describe('every Router page at 390 and 1280 px', () => {
  test('resources: CPU, memory, uptime, temperature, the board', async () => {
    await checkPage('resources', '/admin/router', async () => {
      await expect(text('[data-testid=router-which]')).resolves.toContain('Shop-Main');
      await expect(text('[data-testid=router-cpu]')).resolves.toMatch(/^\d+%$/);
      await expect(text('[data-testid=router-memory]')).resolves.toMatch(/^\d+%$/);
      await expect(text('[data-testid=router-temperature]')).resolves.toBe('—');
      await expect(text('.router-facts')).resolves.toContain('CHR QEMU');
      await expect(tab.locator('.router-tabs a[aria-current=page]').innerText()).resolves.toBe('Resources');
    });
  });

  test('hosts, active sessions, IP bindings, cookies, DHCP leases', async () => {
    await checkPage('hosts', '/admin/router/hosts', async () => {
      await expect(tab.locator('#router-hosts tbody tr').count()).resolves.toBe(2);
      await expect(text(`tr[data-mac="${PHONES[0].mac}"]`)).resolves.toContain('logged in');
    });
    await checkPage('active', '/admin/router/active', async () => {
      await expect(text('#router-active')).resolves.toContain('T3ST1234');
    });
    await checkPage('bindings', '/admin/router/bindings', async () => {
      // The comment is shown as text: no script of the router's data runs in the admin.
      await expect(text('#router-bindings')).resolves.toContain('Vendo <script>alert(1)</script>');
      await expect(tab.locator('#router-bindings script').count()).resolves.toBe(0);
    });
    await checkPage('cookies', '/admin/router/cookies', async () => {
      await expect(text('#router-cookies')).resolves.toContain('3d');
    });
    await checkPage('leases', '/admin/router/leases', async () => {
      await expect(tab.locator('#router-leases tbody tr').count()).resolves.toBe(2);
      await expect(text(`#router-leases tr[data-mac="${PHONES[0].mac}"]`)).resolves.toContain('Galaxy-A12');
    });
  });

  test('traffic: an interface picker and a live graph', async () => {
    await checkPage('traffic', '/admin/router/traffic', async () => {
      await expect(tab.locator('#router-iface').inputValue()).resolves.toBe('bridge-hotspot');
      // The script adds a sample every 2 s: the graph has a line and the figures are the router's.
      await tab.locator('#traffic-live-dot:not([hidden])').waitFor();
      await expect(tab.locator('#traffic-live path.line').count()).resolves.toBe(2);
      await expect(text('[data-now=tx]')).resolves.toMatch(/Mbps$/);
    });
    // Another interface, chosen from the list; a name the router does not have falls back to the first.
    await tab.goto(`${h.app!.url}/admin/router/traffic?interface=ether1`);
    await expect(tab.locator('#router-iface').inputValue()).resolves.toBe('ether1');
    await tab.goto(`${h.app!.url}/admin/router/traffic?interface=${encodeURIComponent('<b>x')}`);
    await expect(text('.flash-info')).resolves.toContain('no interface “<b>x”');
  });

  test('log: newest first, narrowed by topic and by text', async () => {
    await checkPage('log', '/admin/router/log', async () => {
      const first = await tab.locator('#router-log tbody tr').first().innerText();
      expect(first).toContain('T3ST1234 (10.5.50.41): logged in');
    });
    await tab.selectOption('#log-topic', 'dhcp');
    await Promise.all([tab.waitForURL(/topic=dhcp/), tab.click('.router-log-filter button')]);
    const lines = await tab.locator('#router-log .router-message').allInnerTexts();
    expect(lines).toEqual([
      'dhcp1 assigned 10.5.50.42 for 02:50:00:00:00:32',
      'dhcp1 assigned 10.5.50.41 for 02:50:00:00:00:31 Galaxy-A12',
    ]);
    await tab.goto(`${h.app!.url}/admin/router/log?q=${encodeURIComponent('via API')}`);
    const api = await tab.locator('#router-log .router-message').allInnerTexts();
    expect(api.length).toBeGreaterThan(0);
    expect(api.every((l) => l.includes('via api'))).toBe(true);
  });

  test('reboot: the confirmation names the router and the site', async () => {
    await checkPage('reboot', '/admin/router/reboot', async () => {
      await expect(text('[data-testid=reboot-identity]')).resolves.toBe('Shop-Main');
      await expect(text('[data-testid=reboot-site]')).resolves.toBe('default');
    });
  });
});

describe('a second site and a router that is down', () => {
  test('the picker shows the branch’s own router', async () => {
    await checkPage('hosts-branch', `/admin/router/hosts?site=${branch.id}`, async () => {
      await expect(text('[data-testid=router-which]')).resolves.toContain('Branch-2 · site branch-2');
      await expect(tab.locator('#site-picker option').allInnerTexts()).resolves.toEqual([
        'default',
        'branch-2',
      ]);
      await expect(text('#router-hosts')).resolves.toContain('02:66:00:00:00:01');
    });
    // Choosing the other site in the picker keeps the page.
    await tab.selectOption('#site-picker', '1');
    await tab.waitForURL(/\/admin\/router\/hosts\?site=1$/);
    await expect(text('#router-hosts')).resolves.toContain(PHONES[0].mac);
  });

  test('a router that is down: its reason, where the table would be', async () => {
    branch.sim.setReachable(false);
    const client = h.core!.siteStacks.get(branch.id)!.router;
    while (client.status.connected) await new Promise((r) => setTimeout(r, 20));
    try {
      await checkPage('leases-down', `/admin/router/leases?site=${branch.id}`, async () => {
        await expect(text('[data-testid=router-error]')).resolves.toMatch(
          /^The router of site "branch-2" is not connected/,
        );
      });
      await tab.goto(`${h.app!.url}/admin/router/reboot?site=${branch.id}`);
      await expect(tab.locator('[data-testid=reboot-confirm]').count()).resolves.toBe(0);
    } finally {
      branch.sim.setReachable(true);
      await client.waitConnected(5000);
    }
  });
});

describe('reboot', () => {
  test('not without the form’s token, not with the API token: nothing sent, nothing audited', async () => {
    const noToken = await tab.request.post(`${h.app!.url}/admin/router/reboot`, {
      form: { identity: 'Shop-Main' },
      maxRedirects: 0,
    });
    expect(noToken.status()).toBe(403);
    const viaApi = await fetch(`${h.app!.url}/admin/router/reboot`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'identity=Shop-Main',
      redirect: 'manual',
    });
    expect(viaApi.status).toBe(303);
    expect(h.router.status.connected).toBe(true);
    const { total } = await h.core!.services.audit.list({ action: 'router.reboot' });
    expect(total).toBe(0);
  });

  test('confirmed: sent, audited, and the page shows the router coming back', async () => {
    await tab.setViewportSize(PHONE);
    await tab.goto(`${h.app!.url}/admin/router/reboot`);
    await Promise.all([tab.waitForURL(/sent=\d+/), tab.click('[data-testid=reboot-confirm]')]);
    await expect(text('.flash-ok')).resolves.toContain('Reboot sent to router “Shop-Main”');
    await tab.locator('#reboot-watch[data-phase=back]').waitFor({ timeout: 10000 });
    await expect(text('[data-testid=reboot-phase]')).resolves.toMatch(/^The router is back: up for \d+s/);
    expect(await axeProblems(tab)).toEqual([]);
    expect(await sidewaysOverflow(tab)).toBe(0);
    await screenshot(tab, 'router-reboot-back-phone');
    const { entries } = await h.core!.services.audit.list({ action: 'router.reboot' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'admin (admin)', target: 'default' });
    await h.router.waitConnected(5000);
    await tab.setViewportSize(DESKTOP);
    await tab.goto(`${h.app!.url}/admin/audit`);
    await expect(text('main')).resolves.toContain('router.reboot');
  });
});
