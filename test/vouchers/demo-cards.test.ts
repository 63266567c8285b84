/**
 * The demo's printed cards are a shop's: the demo router's hotspot is named (as a shop's owner names it at the
 * hotspot setup), so a card's QR code opens that name's login page, not an address of this computer, and no
 * warning stands before printing. A phone on the demo's hotspot that scans a card is online: the router answers
 * the name for its customers (here Chromium is told where the name leads, and the login page is
 * docs/router-login.html served as the router serves it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startApp, type RunningApp } from '../../src/app';
import { loadConfig } from '../../src/config/env';
import { createLogger } from '../../src/lib/logger';
import { projectPath } from '../../src/lib/paths';
import { DEMO_HOTSPOT_DNS_NAME } from '../../src/router/demo';
import { SYSTEM } from '../../src/services/types';
import { launchChromium } from '../helpers/browser';
import { startHotspotLoginPage, type HotspotLoginPage } from '../helpers/hotspot-login-page';
import { decodeFirstQr } from '../helpers/qr';
import { AUTH } from '../portal/helpers';

jest.setTimeout(60_000);

/** The demo router's first phone (src/router/demo.ts seeds six). */
const PHONE = { mac: '02:50:00:00:00:01', ip: '10.5.50.11' };

describe("the demo's printed cards", () => {
  let dir: string;
  let app: RunningApp;
  let login: HotspotLoginPage;
  let browser: Browser;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-demo-cards-'));
    fs.copyFileSync(projectPath('profiles.json'), path.join(dir, 'profiles.json'));
    // Demo mode: no ROUTER_HOST, so the controller hosts the simulated router itself, with its data folder.
    const config = loadConfig({
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
      ADMIN_API_TOKEN: AUTH.Authorization.replace('Bearer ', ''),
      SESSION_SECRET: 'test-session-secret-0123456789',
      COOKIE_SECURE: 'false',
    });
    app = await startApp(config, { log: createLogger('silent') });
    expect(await app.core.router.waitConnected(5000)).toBe(true);
    await app.core.services.routerBinding.check();
    login = await startHotspotLoginPage({ portalBase: () => app.url, device: () => PHONE });
    // A phone on the hotspot: the router answers its DNS name with its own login page.
    const loginPort = new URL(login.url).port;
    browser = await launchChromium([
      `--host-resolver-rules=MAP ${DEMO_HOTSPOT_DNS_NAME} 127.0.0.1:${loginPort}`,
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await login?.close();
    await app?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('open the demo hotspot’s login page, with nothing to fix before printing, and log a phone in', async () => {
    const out = await app.core.services.vouchers.generate({ profile: 'BASIC', count: 3 }, SYSTEM);
    const code = out.vouchers[0].code;

    const admin = await browser.newContext({ extraHTTPHeaders: AUTH, deviceScaleFactor: 2 });
    const sheet = await admin.newPage();
    expect(
      (await sheet.goto(`${app.url}/admin/vouchers/batches/${out.batchId}/print?format=a4`))!.status(),
    ).toBe(200);
    const link = await decodeFirstQr(sheet);
    expect(link).toBe(`http://${DEMO_HOTSPOT_DNS_NAME}/login?code=${code}`);
    expect(await sheet.getByTestId('login-warning').count()).toBe(0);
    expect(await sheet.getByTestId('sheet-count').innerText()).toContain(
      `Scanning a card on the WiFi opens http://${DEMO_HOTSPOT_DNS_NAME}/login?code=… and logs the phone in.`,
    );
    // The batch page says the same beside its Print buttons; the Vouchers page carries nothing about it.
    const batchPage = await admin.newPage();
    await batchPage.goto(`${app.url}/admin/vouchers/batches/${out.batchId}`);
    expect(await batchPage.getByTestId('card-link').innerText()).toContain(
      `QR codes open http://${DEMO_HOTSPOT_DNS_NAME}/login?code=…`,
    );
    expect(await batchPage.getByTestId('login-warning').count()).toBe(0);
    const list = await (await fetch(`${app.url}/admin/vouchers`, { headers: AUTH })).text();
    expect(list).not.toContain('data-testid="login-warning"');
    await admin.close();

    // The phone: no admin session, opening what its camera read, on the demo's hotspot.
    const phone = await browser.newContext();
    const tab = await phone.newPage();
    await tab.goto(link);
    await tab.waitForURL(/\/portal\/status\?/, { timeout: 15_000 });
    expect(login.requests).toContain(`/login?code=${code}`);
    const demoRouter = app.core.demo!.simulator!;
    expect(demoRouter.rows('/ip/hotspot/active').find((r) => r.user === code)).toMatchObject({
      'mac-address': PHONE.mac,
      address: PHONE.ip,
    });
    await phone.close();
  });
});
