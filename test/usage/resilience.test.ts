/** An unreachable router is a state, not a crash: one log line per outage, and the next cycles converge. */
import { maskCode } from '../../src/lib/logger';
import { waitFor } from '../helpers/wait';
import {
  advance,
  capturingLogger,
  freshUsage,
  Harness,
  loginOnRouter,
  ourQueues,
  routerBack,
  seedVoucher,
  usageHarness,
  voucher,
} from './helpers';

const MAC1 = '02:00:00:00:00:01';

let h: Harness;
beforeEach(async () => {
  h = await usageHarness();
});
afterEach(async () => {
  await h.close();
});

const messages = (lines: Array<Record<string, unknown>>, re: RegExp) =>
  lines.filter((l) => re.test(String(l.msg)));

test('router down for many cycles: skipped with one log line, no crash, usage resumes without loss', async () => {
  const { log, lines } = capturingLogger();
  const usage = freshUsage(h, log);
  const code = await seedVoucher(h, 'BASIC');
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  await usage.runCycle();
  h.sim.addTraffic(MAC1, { up: 100, down: 1_000 }, 1);

  h.sim.setReachable(false);
  for (let i = 0; i < 20; i++) {
    advance(h, 30);
    h.sim.addTraffic(MAC1, { up: 10, down: 10 }, 1); // the router still forwards traffic
    const r = await usage.runCycle();
    expect(r.skipped).toBe('router-unreachable');
  }
  expect(messages(lines, /router unreachable/)).toHaveLength(1);
  expect(JSON.stringify(lines)).not.toContain(code);

  h.sim.setReachable(true);
  await routerBack(h);
  advance(h, 30);
  const back = await usage.runCycle();
  expect(back.skipped).toBeUndefined();
  expect(messages(lines, /reachable again/)).toHaveLength(1);
  const v = await voucher(h, code);
  expect([Number(v.bytes_up), Number(v.bytes_down)]).toEqual([300, 1_200]);
  const kinds = (await h.core!.services.events.list({ kinds: ['router-down', 'router-up'] })).map(
    (e) => e.kind,
  );
  expect(kinds).toEqual(['router-up', 'router-down']);
});

test('an outage is measured from the drop, not from the poll that met it; a reboot between polls is in the feed', async () => {
  const usage = freshUsage(h);
  const code = await seedVoucher(h, 'BASIC');
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  await usage.runCycle();
  h.sim.setReachable(false);
  await waitFor(() => !h.router.status.connected);
  advance(h, 25); // the next poll meets the outage 25 s after the drop
  expect((await usage.runCycle()).skipped).toBe('router-unreachable');
  advance(h, 17);
  h.sim.setReachable(true);
  await routerBack(h);
  expect((await usage.runCycle()).skipped).toBeUndefined();
  const [up] = await h.core!.services.events.list({ kinds: ['router-up'] });
  expect(up.message).toMatch(/reachable again after 4[2-3]s$/);

  // Restarted and back between two polls: no outage seen, but every customer was logged out.
  await h.sim.reboot();
  await routerBack(h);
  advance(h, 30);
  await usage.runCycle();
  const [rebooted] = await h.core!.services.events.list({ kinds: ['router-rebooted'] });
  expect(rebooted?.message).toMatch(/restarted since the last poll: every device was logged out then/);
});

test('the connection drops in the middle of the writes: the next cycle finishes the job, without duplicates', async () => {
  const { log, lines } = capturingLogger();
  const usage = freshUsage(h, log);
  const code = await seedVoucher(h, 'BASIC');
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  h.sim.faults.dropConnectionOn('/queue/simple/add');
  const first = await usage.runCycle();
  expect(first.changes.added).toBe(0);
  expect(ourQueues(h)).toHaveLength(0);
  expect(messages(lines, /router unreachable/)).toHaveLength(1);
  await routerBack(h);
  advance(h, 30);
  await usage.runCycle();
  advance(h, 30);
  await usage.runCycle();
  expect(ourQueues(h)).toHaveLength(1);
  expect((await voucher(h, code)).status).toBe('active');
});

test('usage alerts are logged with the voucher code masked', async () => {
  const { log, lines } = capturingLogger();
  const usage = freshUsage(h, log);
  const code = await seedVoucher(h, 'FUP');
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  await usage.runCycle();
  h.sim.addTraffic(MAC1, { up: 0, down: 95_000_000 }, 1_000);
  advance(h, 30);
  await usage.runCycle();
  const alertLines = messages(lines, /of its fair-use threshold used/);
  expect(alertLines.map((l) => l.kind)).toEqual(['fup-80', 'fup-90']);
  expect(JSON.stringify(lines)).not.toContain(code);
  expect(JSON.stringify(alertLines)).toContain(maskCode(code));
});

test('calls made during a cycle share the one cycle after it, which sees the clock as it was when they called', async () => {
  const code = await seedVoucher(h, 'BASIC');
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  const usage = h.core!.services.usage;
  const first = usage.runCycle();
  advance(h, 30);
  const [a, b, c] = await Promise.all([first, usage.runCycle(), usage.runCycle()]);
  expect(b).toBe(c);
  expect(b).not.toBe(a);
  // The first cycle read the clock before the advance; the shared follow-up started after it.
  expect(b.at - a.at).toBe(30_000);
  expect(ourQueues(h)).toHaveLength(1);
});
