/**
 * Quick print from the dashboard: a plan's button (after the number of cards, 1 unless changed) makes real
 * vouchers (a batch, audited, sold like any other) and opens them on the thermal printer's page size; a second
 * tap prints. Checked in a browser at a phone's width, and the card printed to PDF with its QR code read.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { formatCodeForPrint } from '../../src/domain/codes';
import { projectPath } from '../../src/lib/paths';
import { SYSTEM } from '../../src/services/types';
import { AdminClient } from '../admin/client';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { createHarness, Harness } from '../helpers/harness';
import { decodeQrAt, measureCards, pdfInfo, readPng, renderPdf } from '../helpers/pdf-cards';
import {
  axeProblems,
  PHONE,
  PHONE_TARGETS,
  screenshot,
  sidewaysOverflow,
  smallTargets,
} from '../web/page-checks';

jest.setTimeout(60_000);

const OUT = projectPath('test-output', 'cards');

describe('quick print from the dashboard', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    h = await createHarness({ http: true, env: { HOTSPOT_LOGIN_URL: 'http://wifi.shop/login' } });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: PHONE })).newPage();
    await loginAdmin(page, h.app!.url);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  const batches = async () => h.core!.services.vouchers.batches();

  it('two taps: a plan, then Print; the card is a real voucher on a 58 mm page', async () => {
    await page.goto(`${h.app!.url}/admin`);
    expect(await page.inputValue('#qp-count')).toBe('1');
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(
      await smallTargets(page, `#quick-print ${PHONE_TARGETS.split(', ').join(', #quick-print ')}`),
    ).toEqual([]);
    expect(await axeProblems(page)).toEqual([]);
    await screenshot(page, 'dashboard-quick-print-phone');

    // Tap 1: the plan.
    await Promise.all([
      page.waitForURL(/\/print\?format=thermal58$/),
      page.click('[data-testid=quick-print-BASIC]'),
    ]);
    const [batch] = await batches();
    expect(batch).toMatchObject({
      profile: 'BASIC',
      count: 1,
      unused: 1,
      note: 'Quick print',
      design: 'custom',
    });
    const { vouchers } = await h.core!.services.vouchers.batch(batch.id);
    expect(vouchers[0]).toMatchObject({ status: 'unused', price: 500 });
    // On the router like any batch's codes, and in the audit log.
    expect(h.sim.rows('/ip/hotspot/user').map((u) => u.name)).toContain(vouchers[0].code);
    const audit = (await h.core!.services.audit.list({ action: 'voucher.generate' })).entries[0];
    expect(audit).toMatchObject({ target: `batch ${batch.id}`, actor: 'admin (admin)' });
    expect(audit.details).toMatchObject({ profile: 'BASIC', count: 1 });

    // The print page on the thermal roll's page size.
    expect(await page.locator('.card').count()).toBe(1);
    expect(await page.textContent('.card .code')).toBe(formatCodeForPrint(vouchers[0].code));
    expect(await page.content()).toMatch(/@page \{ size: 58mm \d+mm; margin: 0; \}/);
    await screenshot(page, 'quick-print-card-phone');
    // Tap 2: Print.
    await page.evaluate('window.printed = 0; window.print = () => { window.printed += 1; };');
    await page.getByTestId('print').click();
    expect(await page.evaluate('window.printed')).toBe(1);

    const file = path.join(OUT, 'quick-print-58.pdf');
    await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
    const info = pdfInfo(file);
    expect(info.pages).toBe(1);
    expect(Math.abs(info.widthMm - 58)).toBeLessThan(0.5);
    const [card] = await measureCards(page);
    expect(card).toMatchObject({ fits: true, codeFits: true, cut: [] });
    const [png] = renderPdf(file, 203, path.join(OUT, 'quick-print-58'));
    expect(decodeQrAt(readPng(png), card.qr!, 203)).toBe(`http://wifi.shop/login?code=${vouchers[0].code}`);
  });

  it('prints N cards of a plan; the design’s 80 mm roll when it has one', async () => {
    await h.core!.services.cards.save(
      { kind: 'profile', profile: 'STANDARD' },
      { paper: 'thermal80' },
      SYSTEM,
    );
    await page.goto(`${h.app!.url}/admin`);
    await page.fill('#qp-count', '3');
    await Promise.all([
      page.waitForURL(/\/print\?format=thermal80$/),
      page.click('[data-testid=quick-print-STANDARD]'),
    ]);
    expect(await page.locator('.card').count()).toBe(3);
    expect((await batches())[0]).toMatchObject({ profile: 'STANDARD', count: 3, note: 'Quick print' });
  });

  it('refuses a count out of bounds, a plan that is not sold, and a post without its CSRF token: nothing is made', async () => {
    const before = (await batches()).length;
    await page.goto(`${h.app!.url}/admin`);
    await page.fill('#qp-count', '51');
    // The browser's own check stops 51 first; the server's is the judge without it.
    await page.evaluate(`document.getElementById('qp-count').removeAttribute('max')`);
    await Promise.all([
      page.waitForURL(/\/admin#quick-print$/),
      page.click('[data-testid=quick-print-BASIC]'),
    ]);
    expect(await page.textContent('.flash-error')).toContain('Quick print: how many cards: ');
    expect(await page.textContent('.flash-error')).toContain('use a whole number from 1 to 50');

    const c = new AdminClient(h.app!.url);
    await c.login();
    expect((await c.post('/admin/quick-print', { profile: 'BASIC', count: '1' })).status).toBe(403);
    const token = await c.token('/admin');
    const res = await c.post('/admin/quick-print', { profile: 'NOPE', count: '1' }, token);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin#quick-print');
    expect(await c.html('/admin')).toMatch(/Quick print: .*NOPE/);
    expect((await batches()).length).toBe(before);
  });
});
