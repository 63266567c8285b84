import { createHarness, Harness } from '../helpers/harness';
import { AUTH, addDevice, makeVouchers, redeemApi } from '../portal/helpers';
import { SYSTEM } from '../../src/services/types';

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
    const out = await h.core!.services.vouchers.generate({ profile: 'STANDARD', count: 4 }, SYSTEM);
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
    expect(html).toContain('2 Mbps / 1 Mbps');
    expect((html.match(/<svg/g) ?? []).length).toBe(4);
    expect(html).toContain('@media print');
    expect(html).toContain('class="a4"');
    const thermal = await (
      await fetch(`${h.app!.url}/admin/vouchers/batches/${out.batchId}/print?format=thermal`, {
        headers: AUTH,
      })
    ).text();
    expect(thermal).toContain('class="thermal"');
    expect(thermal).toContain('48mm');
    expect((await fetch(`${h.app!.url}/admin/vouchers/batches/999/print`, { headers: AUTH })).status).toBe(
      404,
    );
  });

  it('exports vouchers as CSV filtered by batch and status', async () => {
    const codes = await makeVouchers(h, 'BASIC', 3);
    const other = await makeVouchers(h, 'PREMIUM', 2);
    const d = addDevice(h, 1);
    await redeemApi(h, { code: codes[0], ...d });
    const res = await fetch(`${h.app!.url}/admin/vouchers/export.csv?batch=1`, { headers: AUTH });
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('code,profile,price,status,created,activated,expires,bytes');
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
    ]);
    const unused = (
      await (await fetch(`${h.app!.url}/admin/vouchers/export.csv?status=unused`, { headers: AUTH })).text()
    )
      .trim()
      .split('\r\n');
    expect(unused).toHaveLength(1 + 2 + other.length);
  });
});
