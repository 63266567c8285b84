import { createHarness, Harness } from '../helpers/harness';
import { AUTH, addDevice, makeVouchers, redeemApi } from '../portal/helpers';
import { SYSTEM } from '../../src/services/types';
import { safeLogo } from '../../src/services/business/settings/shop-logo';
import { renderSheet } from '../../cli/lib/sheet';
import { formatCodeForPrint } from '../../src/domain/codes';

/** A real 1×1 PNG. */
const PNG_LOGO =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const MALICIOUS = [
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'data:image/png;base64,AAAA" onerror="alert(1)',
  'data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+',
  'https://evil.example/logo.png',
];

describe('printable sheets and CSV export', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true });
    await h.core!.services.settings.set('shop.name', 'Aling Nena WiFi', SYSTEM);
  });
  afterEach(async () => {
    await h.close();
  });

  it('prints a batch as A4 cards and thermal cards with a QR code opening the portal', async () => {
    const out = await h.core!.services.vouchers.generate(
      { profile: 'STANDARD', count: 4, design: 'compact' },
      SYSTEM,
    );
    const a4 = await fetch(`${h.app!.url}/admin/vouchers/batches/${out.batchId}/print?format=a4`, {
      headers: AUTH,
    });
    expect(a4.status).toBe(200);
    const html = await a4.text();
    const code = out.vouchers[0].code;
    expect(html).toContain(`${code.slice(0, 4)}-${code.slice(4)}`);
    expect(html).toContain('Aling Nena WiFi');
    expect(html).toContain('₱10.00');
    expect(html).toContain('2h');
    expect(html).toContain('↓ 2 Mbps ↑ 1 Mbps');
    expect((html.match(/<svg/g) ?? []).length).toBe(4);
    expect(html).toContain('@media print');
    expect(html).toContain('class="a4 compact"');
    const thermal = await (
      await fetch(`${h.app!.url}/admin/vouchers/batches/${out.batchId}/print?format=thermal`, {
        headers: AUTH,
      })
    ).text();
    expect(thermal).toContain('class="thermal thermal58 compact"');
    expect(thermal).toMatch(/@page \{ size: 58mm \d+mm; margin: 0; \}/);
    expect((await fetch(`${h.app!.url}/admin/vouchers/batches/999/print`, { headers: AUTH })).status).toBe(
      404,
    );
  });

  it('shows the shop logo on every card of the logo design (web and CLI sheets) only when a safe image is stored', async () => {
    const out = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 3 }, SYSTEM);
    const print = async (format: string) =>
      (
        await fetch(`${h.app!.url}/admin/vouchers/batches/${out.batchId}/print?format=${format}`, {
          headers: AUTH,
        })
      ).text();
    expect(await print('a4&design=logo')).not.toContain('<img');

    await h.core!.services.settings.set('shop.logo', PNG_LOGO, SYSTEM);
    const tag = `<img class="logo" src="${PNG_LOGO}" alt="">`;
    const cli = (await renderSheet(h.core!, out.batchId, { design: 'logo' })).html;
    for (const html of [await print('a4&design=logo'), await print('thermal&design=logo'), cli]) {
      expect(html.split(tag).length - 1).toBe(3);
      expect(html).toContain('Aling Nena WiFi');
    }

    for (const bad of MALICIOUS) {
      await h.core!.services.settings.set('shop.logo', bad, SYSTEM);
      const html = await print('a4&design=logo');
      expect(html).not.toContain('<img');
      expect(html).not.toMatch(/javascript:|onerror|text\/html|svg\+xml|evil\.example/);
      expect((await renderSheet(h.core!, out.batchId, { design: 'logo' })).html).not.toContain('<img');
    }
  });

  it('safeLogo accepts only PNG/JPEG base64 data URLs of at most about 100 KB', () => {
    expect(safeLogo(PNG_LOGO)).toBe(PNG_LOGO);
    expect(safeLogo('data:image/jpeg;base64,/9j/4AAQSkZJRg==')).toBe(
      'data:image/jpeg;base64,/9j/4AAQSkZJRg==',
    );
    for (const bad of [...MALICIOUS, null, undefined, 42, { src: PNG_LOGO }, `${PNG_LOGO}\n`]) {
      expect(safeLogo(bad)).toBeNull();
    }
    expect(safeLogo(`data:image/png;base64,${'A'.repeat(140_000)}`)).toBeNull();
  });

  it('prints a long batch in parts of 480 cards with links between them', async () => {
    const out = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 500 }, SYSTEM);
    const print = async (q: string) =>
      fetch(`${h.app!.url}/admin/vouchers/batches/${out.batchId}/print?${q}`, { headers: AUTH });
    const first = await (await print('format=a4')).text();
    expect((first.match(/class="card"/g) ?? []).length).toBe(480);
    expect(first).toContain('Cards 1–480 of 500');
    expect(first).not.toContain('data-testid="part-previous"');
    const next = /href="([^"]+)" data-testid="part-next"/.exec(first)![1].replace(/&amp;/g, '&');
    expect(next).toBe(
      `/admin/vouchers/batches/${out.batchId}/print?format=a4&include=unused&design=custom&from=481`,
    );
    const second = await (await fetch(`${h.app!.url}${next}`, { headers: AUTH })).text();
    expect((second.match(/class="card"/g) ?? []).length).toBe(20);
    expect(second).toContain('Cards 481–500 of 500');
    expect(second).toContain(formatCodeForPrint(out.vouchers[499].code));
    expect(second).not.toContain(formatCodeForPrint(out.vouchers[479].code));
    expect(second).toContain('data-testid="part-previous"');
    expect(second).not.toContain('data-testid="part-next"');
    for (const bad of ['from=0', 'from=abc', 'from=10001', 'include=some'])
      expect((await print(bad)).status).toBe(400);
  });

  it("prints one voucher's card from its page, while it can be sold or used", async () => {
    const out = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 3 }, SYSTEM);
    const [one, other, gone] = out.vouchers.map((v) => v.code);
    const page = await (await fetch(`${h.app!.url}/admin/vouchers/${one}`, { headers: AUTH })).text();
    expect(page).toContain(`href="/admin/vouchers/${one}/print?format=thermal58"`);
    // Whether a scan can log a phone in is said where the card is printed, not on the voucher's page.
    expect(page).not.toContain('data-testid="login-warning"');
    const card = await (
      await fetch(`${h.app!.url}/admin/vouchers/${one}/print?format=thermal58`, { headers: AUTH })
    ).text();
    expect(card).toContain('data-testid="login-warning"');
    expect((card.match(/class="card"/g) ?? []).length).toBe(1);
    expect(card).toContain(formatCodeForPrint(one));
    expect(card).not.toContain(formatCodeForPrint(other));
    expect(card).toContain(`href="/admin/vouchers/${one}" data-testid="back"`);
    expect(card).not.toContain('data-testid="include-all"');

    await h.core!.services.vouchers.revoke(gone, SYSTEM);
    const refused = await fetch(`${h.app!.url}/admin/vouchers/${gone}/print`, { headers: AUTH });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('only unused or active vouchers print');
    expect(
      await (await fetch(`${h.app!.url}/admin/vouchers/${gone}`, { headers: AUTH })).text(),
    ).not.toContain('data-testid="print-card"');
    expect((await fetch(`${h.app!.url}/admin/vouchers/NOPE1234/print`, { headers: AUTH })).status).toBe(404);
  });

  it('exports vouchers as CSV filtered by batch and status', async () => {
    const codes = await makeVouchers(h, 'BASIC', 3);
    const other = await makeVouchers(h, 'PREMIUM', 2);
    const d = addDevice(h, 1);
    await redeemApi(h, { code: codes[0], ...d });
    const res = await fetch(`${h.app!.url}/admin/vouchers/export.csv?batch=1`, { headers: AUTH });
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('code,profile,price,status,created,activated,expires,bytes,password');
    expect(lines).toHaveLength(4);
    const first = lines.find((l) => l.startsWith(codes[0]))!.split(',');
    const now = h.clock.now();
    expect(first).toEqual([
      codes[0],
      'BASIC',
      '5.00',
      'active',
      new Date(now).toISOString(),
      new Date(now).toISOString(),
      new Date(now + 3600_000).toISOString(),
      '0',
      '',
    ]);
    const unused = (
      await (await fetch(`${h.app!.url}/admin/vouchers/export.csv?status=unused`, { headers: AUTH })).text()
    )
      .trim()
      .split('\r\n');
    expect(unused).toHaveLength(1 + 2 + other.length);
  });
});
