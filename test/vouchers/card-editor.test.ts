/**
 * The Card design page: reachable from Vouchers, Profiles, a batch and its print page; a live preview drawn by
 * the print page's own card partial; the same preview without JavaScript; field errors under their fields; CSRF
 * on every POST; at 390 and 1280 px without sideways scrolling, small targets or serious axe-core violations.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SYSTEM } from '../../src/services/types';
import { AdminClient } from '../admin/client';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { createHarness, Harness } from '../helpers/harness';
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

jest.setTimeout(60_000);

describe('the Card design page', () => {
  let h: Harness;
  let browser: Browser;
  let batchId: number;

  beforeAll(async () => {
    h = await createHarness({ http: true, env: { HOTSPOT_LOGIN_URL: 'http://wifi.shop/login' } });
    await h.core!.services.settings.set('shop.name', 'Aling Nena Store', SYSTEM);
    batchId = (await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 2 }, SYSTEM)).batchId;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  const cards = () => h.core!.services.cards;

  it('is linked from Vouchers, Profiles, a batch and the print page', async () => {
    const c = new AdminClient(h.app!.url);
    await c.login();
    expect(await c.html('/admin/vouchers')).toContain('href="/admin/cards"');
    const profiles = await c.html('/admin/profiles');
    expect(profiles).toContain('href="/admin/cards"');
    expect(profiles).toContain('href="/admin/cards?profile=BASIC"');
    expect(await c.html(`/admin/vouchers/batches/${batchId}`)).toContain(
      `href="/admin/cards?batch=${batchId}"`,
    );
    const print = await c.html(`/admin/vouchers/batches/${batchId}/print`);
    expect(print).toContain(`href="/admin/cards?batch=${batchId}" data-testid="edit-design"`);
    // "Design for" offers the plans sold on cards, not a monthly plan.
    await h.core!.services.profiles.create(
      { name: 'HOME5', billing: 'monthly', price: 799, rate_up: '2M', rate_down: '5M' },
      SYSTEM,
    );
    const picker = await c.html('/admin/cards');
    expect(picker).toContain('<option value="BASIC"');
    expect(picker).not.toContain('<option value="HOME5"');
  });

  it('saves through a form with its CSRF token only; a refused design shows each problem under its field', async () => {
    const c = new AdminClient(h.app!.url);
    await c.login();
    const form = {
      headline: 'Aling Nena WiFi',
      accent: '#b3261e',
      background: '#ffffff',
      price: 'big',
      paper: 'a4',
      action: 'save',
    };
    expect((await c.post('/admin/cards', form)).status).toBe(403);
    expect((await c.post('/admin/cards', form, 'wrong-token')).status).toBe(403);
    expect(await cards().own({ kind: 'shop' })).toBeNull();

    const token = await c.token('/admin/cards');
    const bad = await c.post(
      '/admin/cards',
      { ...form, headline: 'x'.repeat(41), accent: '#ffee58', footer: 'Salamat po!' },
      token,
    );
    expect(bad.status).toBe(400);
    const page = await bad.text();
    expect(page).toContain('Please correct the fields marked below.');
    expect(page).toMatch(/id="f-headline-err">use at most 40 characters</);
    expect(page).toMatch(/id="f-accent-err">the big price in #ffee58 on #ffffff would be hard to read/);
    expect(page).toContain('value="Salamat po!"'); // what was typed stays
    expect(await cards().own({ kind: 'shop' })).toBeNull();

    const ok = await c.post('/admin/cards', { ...form, logo: 'on', qr: 'on', show_wifi: 'on' }, token);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/admin/cards');
    expect(await cards().own({ kind: 'shop' })).toMatchObject({
      headline: 'Aling Nena WiFi',
      logo: true,
      qr: true,
      show: { wifi: true, speed: false, hint: false },
    });
    expect(await c.html('/admin/cards')).toContain('Card design saved.');

    // A profile's own design, and back to the shop's.
    const profileForm = { ...form, profile: 'STANDARD', accent: '#1b5e20', qr: 'on' };
    expect((await c.post('/admin/cards', profileForm, token)).headers.get('location')).toBe(
      '/admin/cards?profile=STANDARD',
    );
    expect((await cards().resolve({ kind: 'profile', profile: 'STANDARD' })).from).toBe('profile');
    const own = await c.html('/admin/cards?profile=STANDARD');
    expect(own).toContain('This profile has a design of its own.');
    expect(own).toContain('data-testid="reset"');
    await c.post('/admin/cards', { profile: 'STANDARD', action: 'reset' }, token);
    expect((await cards().resolve({ kind: 'profile', profile: 'STANDARD' })).from).toBe('shop');
    expect(await c.html('/admin/cards?profile=STANDARD')).toContain('prints with the shop’s design');
    const actions = (await h.core!.services.audit.list({ limit: 10 })).entries.map(
      (e) => `${e.action} ${e.target}`,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'cards.save shop',
        'cards.save profile STANDARD',
        'cards.reset profile STANDARD',
      ]),
    );
    expect((await c.get('/admin/cards?batch=9999')).status).toBe(404);
  });

  /** Loads the editor at a phone's and a desktop's width and runs the page checks. */
  async function checkAt(page: Page, url: string, name: string): Promise<string[]> {
    const problems: string[] = [];
    for (const [label, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.goto(h.app!.url + url);
      await page.frameLocator('#card-preview').locator('.card').waitFor();
      const over = await sidewaysOverflow(page);
      if (over > 0) problems.push(`${label}: scrolls sideways by ${over}px`);
      for (const p of await smallTargets(page, label === 'phone' ? PHONE_TARGETS : MAIN_TARGETS))
        problems.push(`${label}: small target ${p}`);
      for (const p of await axeProblems(page)) problems.push(`${label}: ${p}`);
      await screenshot(page, `${name}-${label}`);
    }
    return problems;
  }

  it('passes the page checks at 390 and 1280 px, its preview too', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await loginAdmin(page, h.app!.url);
    expect(await checkAt(page, '/admin/cards', 'card-design')).toEqual([]);
    expect(await checkAt(page, `/admin/cards?batch=${batchId}`, 'card-design-batch')).toEqual([]);
    // The preview document on its own.
    const src = (await page.locator('#card-preview').getAttribute('src'))!;
    await page.goto(h.app!.url + src);
    expect(await axeProblems(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('updates the preview as the owner types, and saves what the preview showed', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await loginAdmin(page, h.app!.url);
    await page.goto(`${h.app!.url}/admin/cards?profile=BASIC`);
    const preview = page.frameLocator('#card-preview');
    await preview.locator('.card').waitFor();
    await page.fill('#f-footer', 'Salamat po! Balik po kayo.');
    await page.fill('#f-headline', 'Promo <b>WiFi</b>');
    await page.selectOption('#f-paper', 'thermal58');
    await preview.locator('.footer', { hasText: 'Salamat po! Balik po kayo.' }).waitFor();
    await preview.locator('.headline', { hasText: 'Promo <b>WiFi</b>' }).waitFor(); // text, not markup
    await preview.locator('body.thermal58').waitFor();
    expect(await preview.locator('.headline b').count()).toBe(0);
    // The frame is as tall as the card it shows.
    const frame = (await page.locator('#card-preview').boundingBox())!;
    const card = (await preview.locator('.page').boundingBox())!;
    expect(frame.height).toBeGreaterThanOrEqual(card.height);
    // A colour the big price cannot be read in: the preview says why instead of drawing it.
    await page.evaluate(
      `(() => { const el = document.getElementById('f-accent'); el.value = '#fff59d'; el.dispatchEvent(new Event('input', { bubbles: true })); })()`,
    );
    await preview.locator('[data-testid=preview-problems]', { hasText: 'hard to read' }).waitFor();
    await page.selectOption('#f-price', 'line');
    await preview.locator('.card').waitFor();
    await screenshot(page, 'card-design-live');
    await Promise.all([page.waitForURL(/\/admin\/cards\?profile=BASIC$/), page.click('[data-testid=save]')]);
    expect(await cards().own({ kind: 'profile', profile: 'BASIC' })).toMatchObject({
      headline: 'Promo <b>WiFi</b>',
      footer: 'Salamat po! Balik po kayo.',
      accent: '#fff59d',
      price: 'line',
      paper: 'thermal58',
    });
    await context.close();
  });

  it('previews without JavaScript by posting the form, unsaved', async () => {
    const context: BrowserContext = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    await loginAdmin(page, h.app!.url);
    await page.goto(`${h.app!.url}/admin/cards?batch=${batchId}`);
    expect(await page.textContent('[data-testid=design-source]')).toContain(
      'Saving here gives just this batch',
    );
    await page.fill('#f-headline', 'Batch only');
    await page.uncheck('#f-qr');
    await Promise.all([page.waitForLoadState('load'), page.click('[data-testid=preview-button]')]);
    const preview = page.frameLocator('#card-preview');
    await preview.locator('.headline', { hasText: 'Batch only' }).waitFor();
    expect(await preview.locator('.qr').count()).toBe(0);
    expect(await page.inputValue('#f-headline')).toBe('Batch only');
    expect(await cards().own({ kind: 'batch', batchId })).toBeNull();
    await Promise.all([
      page.waitForURL(new RegExp(`/admin/cards\\?batch=${batchId}$`)),
      page.click('[data-testid=save]'),
    ]);
    expect(await cards().own({ kind: 'batch', batchId })).toMatchObject({
      headline: 'Batch only',
      qr: false,
    });
    await screenshot(page, 'card-design-nojs-phone');
    await context.close();
  });
});
