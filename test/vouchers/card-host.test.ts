/**
 * Printed cards fall back to the portal when the router's login page is not known (no hotspot DNS name): that
 * address is PORTAL_URL, or the address and port of this computer the request reached, as a checkout's return;
 * never the Host header the request names, which whoever sends it writes (a forged one would print cards whose QR
 * code sends customers to another site).
 */
import { createHarness, type Harness } from '../helpers/harness';
import { AUTH } from '../portal/helpers';
import { rawRequest } from '../payments/helpers';
import { SYSTEM } from '../../src/services/types';

describe('where printed cards point without a hotspot DNS name', () => {
  let h: Harness;
  afterEach(() => h.close());

  const print = (path: string, host: string) =>
    rawRequest(`${h.app!.url}${path}`, { headers: { ...AUTH, host } });

  it('this computer’s address, whatever Host the request names', async () => {
    h = await createHarness({ http: true });
    const out = await h.core!.services.vouchers.generate({ profile: 'STANDARD', count: 2 }, SYSTEM);
    const code = out.vouchers[0].code;
    for (const host of ['evil.example', 'evil.example:80', '127.0.0.1:1@evil.example']) {
      for (const path of [`/admin/vouchers/batches/${out.batchId}/print`, `/admin/vouchers/${code}/print`]) {
        const res = await print(path, host);
        expect(res.status).toBe(200);
        expect(res.body).toContain(`<code>${h.app!.url}/portal?code=…</code>`);
        expect(res.body).not.toContain('evil');
      }
    }
  });

  it('PORTAL_URL when it is set', async () => {
    h = await createHarness({ http: true, env: { PORTAL_URL: 'http://10.5.50.2:5000/' } });
    const out = await h.core!.services.vouchers.generate({ profile: 'STANDARD', count: 1 }, SYSTEM);
    const res = await print(`/admin/vouchers/batches/${out.batchId}/print`, 'evil.example');
    expect(res.body).toContain('<code>http://10.5.50.2:5000/portal?code=…</code>');
    expect(res.body).not.toContain('evil');
  });
});
