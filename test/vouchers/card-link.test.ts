/**
 * What a printed card's QR code holds and what the owner is told before printing: the URL itself (with `…` for
 * the code), and in one line when a scan cannot log a phone in (no hotspot DNS name, or an address on this
 * computer, which a phone opening it never reaches), with the full fix for the terminal.
 */
import { loadConfig } from '../../src/config/env';
import type { RouterClient } from '../../src/router/types';
import { cardLink, cardLinkTarget } from '../../src/services/shop/vouchers/card-link';

/** A router whose hotspot1 uses hsprof1 with this DNS name (empty: none), as /ip/hotspot/profile prints it. */
function routerNamed(dnsName: string): RouterClient {
  const rows: Record<string, Record<string, string>[]> = {
    '/ip/hotspot': [{ name: 'hotspot1', profile: 'hsprof1', disabled: 'false' }],
    '/ip/hotspot/profile': [
      { name: 'default', 'dns-name': '' },
      { name: 'hsprof1', 'dns-name': dnsName },
    ],
  };
  return { print: async (menu: string) => rows[menu] } as unknown as RouterClient;
}

const target = (env: Record<string, string>, dnsName: string, portalBase: string) =>
  cardLinkTarget(
    { config: loadConfig({ ROUTER_HOST: '192.168.88.1', ...env }), router: routerNamed(dnsName) },
    portalBase,
  );

describe('where printed cards point, and what the owner is told', () => {
  it("the hotspot's DNS name: the login page, whatever address the admin is opened on", async () => {
    const t = await target({}, 'pisonet.wifi', 'http://localhost:5000');
    expect(t).toMatchObject({
      kind: 'login',
      source: 'dns-name',
      sample: 'http://pisonet.wifi/login?code=…',
      problem: null,
      warning: null,
    });
    expect(cardLink(t, 'AB CD')).toBe('http://pisonet.wifi/login?code=AB%20CD');
  });

  it('no DNS name: the portal, where the code is typed; one line says so, the warning says what to set', async () => {
    const t = await target({}, '', 'http://10.5.50.2:5000/');
    expect(t).toMatchObject({ kind: 'portal', sample: 'http://10.5.50.2:5000/portal?code=…' });
    expect(t.problem).toBe(
      'No hotspot DNS name on the router: a scan cannot log a phone in, customers must type the code',
    );
    expect(t.warning).toContain('dns-name=pisonet.wifi');
    expect(t.warning).toContain('HOTSPOT_LOGIN_URL');
    expect(t.warning).not.toContain('PORTAL_URL');
  });

  it('no DNS name and the admin opened on this computer: the QR codes would open nothing', async () => {
    for (const [base, host] of [
      ['http://localhost:5000', 'localhost'],
      ['http://127.0.0.1:5700', '127.0.0.1'],
      ['http://[::1]:5000', '::1'],
    ]) {
      const t = await target({}, '', base);
      expect(t.sample).toBe(`${base}/portal?code=…`);
      expect(t.problem).toBe(
        `No hotspot DNS name on the router, and no phone can open ${host}: customers must type the code`,
      );
      expect(t.warning).toContain('Set PORTAL_URL');
    }
  });

  it('HOTSPOT_LOGIN_URL wins, taken as written; on this computer it is pointed out', async () => {
    const shop = await target(
      { HOTSPOT_LOGIN_URL: 'http://wifi.shop/login?x=1' },
      '',
      'http://localhost:5000',
    );
    expect(shop).toMatchObject({
      kind: 'login',
      source: 'HOTSPOT_LOGIN_URL',
      sample: 'http://wifi.shop/login?x=1&code=…',
      problem: null,
    });
    const local = await target(
      { HOTSPOT_LOGIN_URL: 'http://127.0.0.1:8080/login' },
      'wifi.shop',
      'http://10.5.50.2:5000',
    );
    expect(local).toMatchObject({ kind: 'login', sample: 'http://127.0.0.1:8080/login?code=…' });
    expect(local.problem).toBe('HOTSPOT_LOGIN_URL is on 127.0.0.1, which no phone can open');
    expect(local.warning).toContain('leave it empty to use the DNS name');
  });
});
