/** CLOCK_START: the controller's clock started at another instant (demos and tests of the shop's calendar). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, describeConfig, parseClockStart } from '../../src/config/env';
import { controllerClock } from '../../src/core/clock';
import { FakeClock } from '../../src/lib/clock';
import { createLogger } from '../../src/lib/logger';
import { FakePaymongo } from '../../src/payments/fake-paymongo';
import { createHarness } from '../helpers/harness';
import { KEY, WEBHOOK_SECRET } from '../payments/helpers';
import { SimulatedVendo } from '../../src/vendo-sim/board';
import { makeVendo } from '../vendos/helpers';
import { AdminClient } from '../admin/client';

const quiet = createLogger('silent');

describe('CLOCK_START', () => {
  it('takes an ISO 8601 date and time with its offset, and refuses anything else by name', () => {
    expect(loadConfig({ CLOCK_START: '2027-01-31T21:00:00+08:00' }).clockStart).toBe(
      Date.UTC(2027, 0, 31, 13, 0, 0),
    );
    expect(parseClockStart('2027-01-31T13:00Z')).toBe(Date.UTC(2027, 0, 31, 13, 0, 0));
    expect(loadConfig({}).clockStart).toBeUndefined();
    expect(describeConfig(loadConfig({})).CLOCK_START).toContain('not set');
    for (const bad of [
      '2027-01-31T21:00:00',
      '2027-02-30T00:00:00+08:00',
      'tomorrow',
      '2027-01-31 21:00+08:00',
      '2027-01-31T24:00:00Z',
    ])
      expect(() => loadConfig({ CLOCK_START: bad })).toThrow(
        /CLOCK_START must be a date and time with its offset/,
      );
  });

  it('starts the server’s clock there, runs at the real pace, and the terminal reads the same time', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-clock-'));
    const real = new FakeClock(Date.UTC(2026, 10, 26, 5, 0, 0));
    const start = Date.UTC(2027, 0, 31, 13, 0, 0);
    const server = controllerClock({ clockStart: start, dataDir }, 'server', quiet, real);
    expect(server.now()).toBe(start);
    real.advance(90_000);
    expect(server.now()).toBe(start + 90_000);
    // The terminal, started 90 s after the server, reads the server's time, not CLOCK_START again.
    const terminal = controllerClock({ clockStart: start, dataDir }, 'cli', quiet, real);
    expect(terminal.now()).toBe(server.now());
    // Another CLOCK_START than the server's: the terminal starts its own.
    expect(controllerClock({ clockStart: start + 1000, dataDir }, 'cli', quiet, real).now()).toBe(
      start + 1000,
    );
    // Unset: the real time.
    expect(controllerClock({ dataDir }, 'server', quiet, real).now()).toBe(real.now());
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('judges a webhook signature’s freshness on the machine’s own clock, not the started one', async () => {
    // The gateway signs at the real time; the shop's clock is elsewhere (the harness's fake clock, days away).
    const fake = new FakePaymongo(KEY, WEBHOOK_SECRET, () => Date.now());
    const url = await fake.start();
    const h = await createHarness({
      http: true,
      env: {
        PAYMONGO_SECRET_KEY: KEY,
        PAYMONGO_WEBHOOK_SECRET: WEBHOOK_SECRET,
        PAYMONGO_API_URL: url,
        CLOCK_START: '2027-01-31T21:00:00+08:00',
      },
    });
    try {
      expect(Math.abs(h.clock.now() - Date.now())).toBeGreaterThan(3600_000);
      const e = fake.event('cs_unknown0000000000000000', 'checkout_session.payment.paid');
      const outcome = await h.core!.services.payments.webhook(
        (name) => (name === 'paymongo-signature' ? e.signature : undefined),
        Buffer.from(e.body),
      );
      expect(outcome.kind).not.toBe('refused');
      expect(outcome).not.toMatchObject({ kind: 'refused', reason: 'stale' });
    } finally {
      await h.close();
      await fake.stop();
    }
  });
  it('judges a vendo board’s X-Vendo-Timestamp on the machine’s own clock, not the started one', async () => {
    const h = await createHarness({ http: true, env: { CLOCK_START: '2027-01-31T21:00:00+08:00' } });
    try {
      const { id, secret } = await makeVendo(h);
      // A board keeps real time (NTP): its poll is accepted although the shop's clock is days away.
      const board = new SimulatedVendo({ url: h.app!.url, id, secret, now: () => Date.now(), retries: 1 });
      expect((await board.poll()).status).toBe(200);
      // A board signing at the started clock's time is the one that is off.
      const skewed = new SimulatedVendo({
        url: h.app!.url,
        id,
        secret,
        now: () => h.clock.now(),
        retries: 1,
      });
      expect((await skewed.poll()).status).toBe(401);
    } finally {
      await h.close();
    }
  });
  it('keeps the owner signed in: a session’s expiry (the cookie’s, on the real time) is judged on the real time', async () => {
    const h = await createHarness({ http: true, env: { CLOCK_START: '2027-01-31T21:00:00+08:00' } });
    try {
      // The shop's clock eight days ahead of the real time, as a demo started on a coming billing day runs.
      h.clock.set(Date.now() + 8 * 86400_000);
      const owner = new AdminClient(h.app!.url);
      expect((await owner.login()).status).toBe(303);
      const page = await owner.get('/admin/subscribers');
      expect(page.status).toBe(200);
      expect(page.url).not.toContain('/admin/login');
    } finally {
      await h.close();
    }
  });
});
