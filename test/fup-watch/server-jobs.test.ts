/**
 * The fair-use watch as the server runs it: the site's poll job, its watch ticks, its targeted reads and its login
 * follower on real timers and the real clock (the other files here step a fake clock by hand). A device streaming at
 * its plan's full speed crosses its FUP line between two polls, while a sale writes another voucher; the server slows
 * it within the watch's bounds, and its polls go on after. The FUP plan: 2M up / 4M down (0.75 MB/s at most), fair use at 100M, then 256K/512K.
 */
import { Harness, loginOnRouter, queueOf, seedVoucher, usageHarness } from '../usage/helpers';
import { waitFor } from '../helpers/wait';

const MAC1 = '02:00:00:00:00:01';
const FULL = '2000000/4000000';
const SLOWED = '256000/512000';
const POLL_SECONDS = 6;

let h: Harness;
let stream: NodeJS.Timeout | undefined;
beforeEach(async () => {
  h = await usageHarness({
    http: true,
    fakeClock: false,
    env: { USAGE_POLL_SECONDS: String(POLL_SECONDS), FUP_WATCH: 'on', FUP_WATCH_SECONDS: '1' },
  });
});
afterEach(async () => {
  if (stream) clearInterval(stream);
  await h.core!.defaultStack.stopPoll();
  await h.close();
});

test('a crossing between two polls is slowed by the server within the watch bounds, and the polls go on', async () => {
  const usage = h.core!.services.usage;
  const code = await seedVoucher(h, 'FUP');
  // 1 MB from its line, booked before: about 1.3 s at full speed.
  await h.core!.db('vouchers').where({ code }).update({ counted_bytes: 99_000_000 });
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  h.core!.defaultStack.startPoll();
  await waitFor(() => queueOf(h, MAC1)?.['max-limit'] === FULL, 15_000);
  // The poll after the one that activated the voucher: it is in the poll's kept vouchers from then on.
  const activated = usage.lastPollAt()!;
  await waitFor(() => (usage.lastPollAt() ?? 0) > activated, (POLL_SECONDS + 10) * 1000);
  const lastPoll = usage.lastPollAt()!;
  // A sale at the counter meanwhile: another writer of the vouchers since that poll.
  await seedVoucher(h, 'BASIC');

  // The device streams at full speed from now on (every 100 ms its tenth of a second, held to the queue's limit).
  let added = 0;
  let crossedAt: number | undefined;
  stream = setInterval(() => {
    const got = h.sim.addTraffic(MAC1, { up: 25_000, down: 50_000 }, 0.1);
    added += got.up + got.down;
    if (crossedAt === undefined && added >= 1_000_000) crossedAt = Date.now();
  }, 100);

  await waitFor(() => queueOf(h, MAC1)?.['max-limit'] === SLOWED, 15_000);
  const enforcedAt = Date.now();
  expect(crossedAt).toBeDefined();
  // Slowed by the watch, before the next poll: the poll job's run is still the first.
  expect(usage.lastPollAt()).toBe(lastPoll);
  expect(enforcedAt - crossedAt!).toBeLessThan(3000);

  // The polls go on after the watch's reads: the next one books the bytes (nothing is booked by the watch).
  await waitFor(() => (usage.lastPollAt() ?? 0) > lastPoll, (POLL_SECONDS + 10) * 1000);
  const booked = Number((await h.core!.db('vouchers').where({ code }).first()).counted_bytes);
  expect(booked).toBeGreaterThanOrEqual(100_000_000);
});
