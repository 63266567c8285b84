/**
 * Delivery through the outbox: a channel that answers 500 or refuses connections for a while gets each
 * message exactly once when it recovers, in order; a 429's retry_after is honoured; a message refused for good
 * is kept as failed with Telegram's own words; a controller restarted on the same database delivers what was
 * pending, once, and still says "back" for a "down" it told before the restart.
 */
import { startApp } from '../../src/app';
import { createRouterClient } from '../../src/router';
import { notifyRig, until, type NotifyRig } from './helpers';

let rig: NotifyRig;
afterEach(async () => {
  await rig?.close();
});

/** The default router away past the threshold: a "down" message in the outbox. */
async function routerDown(r: NotifyRig): Promise<void> {
  await r.h.sim.stop();
  await until(() => !r.h.core!.router.status.connected);
  await r.watch();
  r.h.clock.advance(61_000);
  await r.watch();
}

async function routerBack(r: NotifyRig): Promise<void> {
  await r.h.sim.start();
  await r.h.core!.router.waitConnected(5000);
  await r.watch();
}

const states = async (r: NotifyRig) =>
  (await r.h.core!.services.notify.recent()).map((m) =>
    m.channels.map((c) => `${m.kind} ${c.channel}:${c.state}${c.error ? ` (${c.error})` : ''}`),
  );

test('a Telegram outage (500) and a webhook refusing connections: each message arrives once, in order, after', async () => {
  rig = await notifyRig();
  const { h, tg, hook } = rig;
  await tg.set({ kind: 'status', status: 500 });
  await hook.set({ kind: 'refuse' });
  await routerDown(rig);
  await rig.send();
  expect(tg.hits).toBe(1);
  expect(await states(rig)).toEqual([
    [
      'router_down telegram:pending (Internal Server Error (HTTP 500))',
      'router_down webhook:pending (connection refused)',
    ],
  ]);
  await routerBack(rig);
  // Backing off: nothing is tried again within the first wait (5 s at most), and only the oldest message is.
  h.clock.advance(1000);
  await rig.send();
  expect(tg.hits).toBe(1);
  for (let i = 0; i < 6; i++) {
    h.clock.advance(10 * 60_000);
    await rig.send();
  }
  expect(tg.hits).toBe(7);
  expect(tg.messages).toHaveLength(0);
  // Both recover.
  await tg.set({ kind: 'ok' });
  await hook.set({ kind: 'ok' });
  h.clock.advance(10 * 60_000);
  await rig.send();
  h.clock.advance(60_000);
  await rig.send();
  await rig.send();
  expect(tg.messages.map((m) => m.text.split('\n')[0])).toEqual([
    '🔴 PisoNet: router down — site default',
    '🟢 PisoNet: router back — site default',
  ]);
  expect(hook.deliveries.map((d) => d.body.kind)).toEqual(['router_down', 'router_up']);
  expect(new Set(hook.deliveries.map((d) => d.body.id)).size).toBe(2);
  expect((await states(rig)).flat()).toEqual([
    'router_up telegram:sent',
    'router_up webhook:sent',
    'router_down telegram:sent (Internal Server Error (HTTP 500))',
    'router_down webhook:sent (connection refused)',
  ]);
});

test("an answer that is not the Bot API's (a bare null) is a failed try, kept to try again", async () => {
  rig = await notifyRig();
  const { tg } = rig;
  await tg.set({ kind: 'body', status: 200, body: 'null' });
  await routerDown(rig);
  await rig.send();
  expect(tg.hits).toBe(1);
  expect(await states(rig)).toEqual([
    [
      expect.stringMatching(
        /^router_down telegram:pending \(HTTP 200 from http:\/\/127\.0\.0\.1:\d+, not a Bot API answer\)$/,
      ),
      'router_down webhook:sent',
    ],
  ]);
});

test("a 429's retry_after is waited out; a message Telegram refuses for good is kept as failed with its words", async () => {
  rig = await notifyRig();
  const { h, tg } = rig;
  await tg.set({
    kind: 'status',
    status: 429,
    description: 'Too Many Requests: retry after 40',
    retryAfter: 40,
  });
  await routerDown(rig);
  await rig.send();
  expect(tg.hits).toBe(1);
  h.clock.advance(30_000);
  await rig.send();
  expect(tg.hits).toBe(1);
  await tg.set({ kind: 'status', status: 400, description: 'Bad Request: chat not found' });
  h.clock.advance(11_000);
  await rig.send();
  expect(tg.hits).toBe(2);
  // Failed for good: not tried again, and the next message still goes.
  h.clock.advance(3600_000);
  await rig.send();
  expect(tg.hits).toBe(2);
  await tg.set({ kind: 'ok' });
  await routerBack(rig);
  await rig.send();
  expect(tg.messages.map((m) => m.text.split('\n')[0])).toEqual(['🟢 PisoNet: router back — site default']);
  expect((await states(rig)).flat()).toEqual([
    'router_up telegram:sent',
    'router_up webhook:sent',
    'router_down telegram:failed (Bad Request: chat not found (HTTP 400))',
    'router_down webhook:sent',
  ]);
  // The admin's page shows the failure in Telegram's words.
  const res = await fetch(`${h.app!.url}/admin/api/notifications`, {
    headers: { authorization: 'Bearer test-token-0123456789abcdef' },
  });
  const json = (await res.json()) as { messages: { kind: string; channels: { error: string | null }[] }[] };
  expect(json.messages[1].channels[0].error).toBe('Bad Request: chat not found (HTTP 400)');
});

test('a controller restarted with a message pending delivers it once, and says "back" for a "down" told before', async () => {
  rig = await notifyRig();
  const { h, tg, hook } = rig;
  // Telegram refuses connections: the router's "down" waits for it in the outbox.
  await tg.set({ kind: 'refuse' });
  await routerDown(rig);
  await rig.send();
  expect(hook.deliveries.map((d) => d.body.kind)).toEqual(['router_down']);
  const log = h.app!.core.log;
  await h.app!.stop();
  // A new controller on the same database and clock, the router still away.
  const router = createRouterClient({
    host: '127.0.0.1',
    port: h.sim.port,
    user: 'admin',
    password: '',
    tls: false,
    timeoutSeconds: 3,
    logger: log,
    reconnect: { minMs: 50, maxMs: 500 },
  });
  h.app = await startApp(h.config, { router, log, clock: h.clock });
  h.core = h.app.core;
  await tg.set({ kind: 'ok' });
  // Its next try was set before the stop (the first retry within 5 s).
  h.clock.advance(5_000);
  await rig.watch();
  await rig.send();
  await rig.send();
  expect(tg.messages.map((m) => m.text.split('\n')[0])).toEqual(['🔴 PisoNet: router down — site default']);
  // The router back: the new controller knows from the outbox that "down" was told.
  await h.sim.start();
  await router.waitConnected(5000);
  await rig.watch();
  await rig.send();
  expect(tg.messages.map((m) => m.text.split('\n')[0])).toEqual([
    '🔴 PisoNet: router down — site default',
    '🟢 PisoNet: router back — site default',
  ]);
  expect(hook.deliveries.map((d) => d.body.kind)).toEqual(['router_down', 'router_up']);
  // Down again: told again, once.
  await routerDown(rig);
  await rig.send();
  await rig.send();
  expect(tg.messages).toHaveLength(3);
  expect(hook.deliveries).toHaveLength(3);
});
