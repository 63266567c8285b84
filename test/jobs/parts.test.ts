/**
 * The server's parts (src/jobs/parts.ts): started in their order, each waited for; stopped in reverse; a part that
 * fails to start is named in the log, the ones before it are stopped and the start fails; one that fails to stop
 * is named and the rest still stop.
 */
import { Writable } from 'node:stream';
import { startParts, type Part } from '../../src/jobs/parts';
import { createLogger } from '../../src/lib/logger';

function capture() {
  const lines: Array<{ msg: string; part?: string; err?: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { log: createLogger('info', stream), lines };
}

/** Parts that write what they do to `calls`; a start waits a tick, so an unawaited start would show. */
function partsOf(names: string[], calls: string[], fail: { start?: string; stop?: string } = {}): Part[] {
  return names.map((name) => ({
    name,
    async start() {
      await new Promise((r) => setImmediate(r));
      if (fail.start === name) throw new Error(`${name} could not bind`);
      calls.push(`start ${name}`);
    },
    async stop() {
      await new Promise((r) => setImmediate(r));
      if (fail.stop === name) throw new Error(`${name} hung up`);
      calls.push(`stop ${name}`);
    },
  }));
}

test('starts the parts in order, one after the other, and stops them in reverse', async () => {
  const calls: string[] = [];
  const { log } = capture();
  const running = await startParts(partsOf(['web', 'usage-poll', 'payments-poll', 'notifier'], calls), log);
  expect(running.names).toEqual(['web', 'usage-poll', 'payments-poll', 'notifier']);
  expect(calls).toEqual(['start web', 'start usage-poll', 'start payments-poll', 'start notifier']);
  calls.length = 0;
  await Promise.all([running.stop(), running.stop()]); // a second SIGTERM stops nothing twice
  expect(calls).toEqual(['stop notifier', 'stop payments-poll', 'stop usage-poll', 'stop web']);
});

test('a part that fails to start is named, the ones started before it are stopped in reverse, and the start fails', async () => {
  const calls: string[] = [];
  const { log, lines } = capture();
  await expect(
    startParts(
      partsOf(['web', 'usage-poll', 'payments-poll', 'notifier'], calls, { start: 'payments-poll' }),
      log,
    ),
  ).rejects.toThrow('payments-poll could not bind');
  // The failed part is not stopped (it never ran), the parts after it never start.
  expect(calls).toEqual(['start web', 'start usage-poll', 'stop usage-poll', 'stop web']);
  expect(lines).toEqual([
    expect.objectContaining({
      part: 'payments-poll',
      err: 'payments-poll could not bind',
      msg: expect.stringContaining('payments-poll failed to start'),
    }),
  ]);
});

test('a part that fails to stop is named, and the parts before it still stop', async () => {
  const calls: string[] = [];
  const { log, lines } = capture();
  const running = await startParts(
    partsOf(['web', 'usage-poll', 'notifier'], calls, { stop: 'usage-poll' }),
    log,
  );
  calls.length = 0;
  await running.stop();
  expect(calls).toEqual(['stop notifier', 'stop web']);
  expect(lines).toEqual([
    expect.objectContaining({
      part: 'usage-poll',
      err: 'usage-poll hung up',
      msg: 'usage-poll failed to stop',
    }),
  ]);
});
