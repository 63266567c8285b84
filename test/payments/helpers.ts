import http from 'node:http';
import { FakePaymongo } from '../../src/payments/fake-paymongo';
import { createHarness, type Harness, type HarnessOptions } from '../helpers/harness';
import { addDevice, openForm } from '../portal/helpers';

export const KEY = 'sk_test_0123456789abcdefABCDEF';
export const WEBHOOK_SECRET = 'whsk_0123456789abcdefABCDEF';

export interface PayRig {
  h: Harness;
  fake: FakePaymongo;
  hook: string;
  close(): Promise<void>;
}

/** A controller with its simulated router, and the fake PayMongo on loopback sharing the test's clock. */
export async function payRig(opts: HarnessOptions & { key?: string } = {}): Promise<PayRig> {
  // The fake signs its events at the controller's (fake) clock, once there is one.
  const clock = { now: () => Date.now() };
  const fake = new FakePaymongo(opts.key ?? KEY, WEBHOOK_SECRET, () => clock.now());
  const url = await fake.start();
  const h = await createHarness({
    http: true,
    ...opts,
    env: {
      PAYMONGO_SECRET_KEY: opts.key ?? KEY,
      PAYMONGO_WEBHOOK_SECRET: WEBHOOK_SECRET,
      PAYMONGO_API_URL: url,
      ...opts.env,
    },
  });
  clock.now = () => h.clock.now();
  return {
    h,
    fake,
    hook: `${h.app!.url}/api/payments/paymongo/webhook`,
    async close() {
      await h.close();
      await fake.stop();
    },
  };
}

/** The phone on the portal presses "Pay" for `profile` (by name): the portal's answer, unfollowed. */
export async function pressPay(
  rig: PayRig,
  n: number,
  profile = 'PREMIUM',
  lang = 'en',
  /** The device instead of the n-th demo one (added to the router first). */
  own?: { mac: string; ip: string },
): Promise<{ res: Response; device: { mac: string; ip: string }; page: string }> {
  const { h } = rig;
  if (own) h.sim.addDevice(own);
  const device = own ?? addDevice(h, n);
  const q = new URLSearchParams({ ...device, lang });
  const { page, cookie, token } = await openForm(`${h.app!.url}/portal?${q}`);
  const id = (await h.core!.db('profiles').where({ name: profile }).first('id')).id as number;
  const res = await fetch(`${h.app!.url}/portal/pay`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ profile: String(id), ...device, lang, _csrf: token }).toString(),
  });
  return { res, device, page };
}

/** Presses Pay and returns the fake's session id the phone was sent to. */
export async function startCheckout(
  rig: PayRig,
  n: number,
  profile = 'PREMIUM',
  own?: { mac: string; ip: string },
) {
  const { res, device } = await pressPay(rig, n, profile, 'en', own);
  expect(res.status).toBe(303);
  const location = res.headers.get('location') ?? '';
  const id = /\/checkout\/(cs_[0-9a-f]+)$/.exec(location)?.[1];
  if (!id) throw new Error(`not sent to a checkout: ${location}`);
  return { id, device, location };
}

export async function paymentRows(h: Harness) {
  return (await h.core!.db('payments').orderBy('id')) as Record<string, unknown>[];
}

/** Waits until `check` holds (polled every 25 ms), up to `ms`. */
export async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface RawAnswer {
  status: number;
  location: string;
  /** The cookies set, as a browser sends them back (`name=value; …`). */
  cookie: string;
  body: string;
}

/**
 * A request as a phone at `from` sends it (127.0.0.x are all this machine), with any Host header: fetch would
 * neither pick the source address nor keep a forged Host.
 */
export function rawRequest(
  url: string,
  opts: { method?: string; from?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        method: opts.method ?? 'GET',
        ...(opts.from ? { localAddress: opts.from } : {}),
        headers: {
          ...(opts.body === undefined ? {} : { 'content-length': Buffer.byteLength(opts.body) }),
          ...opts.headers,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            location: String(res.headers.location ?? ''),
            cookie: (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; '),
            body,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
