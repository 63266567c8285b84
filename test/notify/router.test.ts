/**
 * A router down for longer than the threshold is told once on each channel, and its return once: the `default`
 * site's router (the .env connection) and another site's (the site monitor's), seen at one place.
 */
import { RouterSimulator } from '../../src/simulator';
import { SYSTEM } from '../../src/services/types';
import { FakeWebhook } from './fakes';
import { CHAT, HOOK_SECRET, notifyRig, TOKEN, until, type NotifyRig } from './helpers';

let rig: NotifyRig;
afterEach(async () => {
  await rig?.close();
});

const kinds = (r: NotifyRig) => ({
  telegram: r.tg.messages.map((m) => m.text.split('\n')[0]),
  webhook: r.hook.deliveries.map((d) => `${d.body.kind} ${d.body.site ?? ''}`.trim()),
});

test('the default router down past the threshold and back: one message each, on each channel', async () => {
  rig = await notifyRig();
  const { h } = rig;
  await h.sim.stop();
  await until(() => !h.router.status.connected);
  await rig.watch();
  h.clock.advance(30_000);
  await rig.watch();
  await rig.send();
  // Down for 30 s: under the 60 s threshold, nothing yet.
  expect(rig.tg.messages).toHaveLength(0);
  h.clock.advance(31_000);
  await rig.watch();
  h.clock.advance(60_000);
  await rig.watch(); // still down: not told twice
  await rig.send();
  expect(kinds(rig)).toEqual({
    telegram: ['🔴 PisoNet: router down — site default'],
    webhook: ['router_down default'],
  });
  expect(rig.tg.messages[0]).toMatchObject({ token: TOKEN, chat_id: Number(CHAT) });
  expect(rig.tg.messages[0].text).toMatch(/cannot reach this router since .* \(1 min so far\)/);

  await h.sim.start();
  await h.router.waitConnected(5000);
  h.clock.advance(10_000);
  await rig.watch();
  await rig.watch();
  await rig.send();
  expect(kinds(rig)).toEqual({
    telegram: ['🔴 PisoNet: router down — site default', '🟢 PisoNet: router back — site default'],
    webhook: ['router_down default', 'router_up default'],
  });
  expect(rig.tg.messages[1].text).toContain('after 2 min down');
  // The webhook: signed over the exact bytes, a stable shape, a unique id per message.
  for (const d of rig.hook.deliveries) expect(FakeWebhook.verify(d, HOOK_SECRET)).toBe(true);
  const [down, up] = rig.hook.deliveries.map((d) => d.body);
  expect(Object.keys(down).sort()).toEqual(['at', 'data', 'id', 'kind', 'site', 'text']);
  expect(down.id).not.toBe(up.id);
  expect(up.data).toMatchObject({ site_id: 1, down_seconds: 131 });
  expect(down.text).toBe(rig.tg.messages[0].text);
  // The admin lists both as sent on both channels.
  const recent = await h.core!.services.notify.recent();
  expect(recent.map((m) => [m.kind, m.channels.map((c) => `${c.channel}:${c.state}`)])).toEqual([
    ['router_up', ['telegram:sent', 'webhook:sent']],
    ['router_down', ['telegram:sent', 'webhook:sent']],
  ]);
});

test('a router away for less than the threshold is not told, nor its return', async () => {
  rig = await notifyRig({ env: { NOTIFY_ROUTER_DOWN_SECONDS: '120' } });
  const { h } = rig;
  await h.sim.stop();
  await until(() => !h.router.status.connected);
  await rig.watch();
  h.clock.advance(100_000);
  await rig.watch();
  await h.sim.start();
  await h.router.waitConnected(5000);
  h.clock.advance(10_000);
  await rig.watch();
  await rig.send();
  expect(rig.tg.messages).toHaveLength(0);
  expect(rig.hook.deliveries).toHaveLength(0);
});

test("another site's router: told by its name, down and back", async () => {
  rig = await notifyRig({ sites: { sitePolls: false, siteReconnect: { minMs: 50, maxMs: 300 } } });
  const { h } = rig;
  const branch = new RouterSimulator({ port: 0, users: [{ name: 'pisonet', password: 'pw-hill' }] });
  const { port } = await branch.start();
  try {
    await h.core!.services.sites.add(
      { name: 'hill', host: '127.0.0.1', port, user: 'pisonet', password: 'pw-hill' },
      SYSTEM,
    );
    const connected = async () =>
      (await h.core!.services.sites.statuses()).find((s) => s.name === 'hill')?.status.connected;
    await until(() => h.core!.siteStacks.size > 0);
    for (let i = 0; i < 100 && !(await connected()); i++) await new Promise((r) => setTimeout(r, 20));
    await rig.watch();
    await branch.stop();
    for (let i = 0; i < 100 && (await connected()); i++) await new Promise((r) => setTimeout(r, 20));
    await rig.watch();
    h.clock.advance(61_000);
    await rig.watch();
    await rig.send();
    expect(kinds(rig).telegram).toEqual(['🔴 PisoNet: router down — site hill']);
    await branch.start();
    for (let i = 0; i < 200 && !(await connected()); i++) await new Promise((r) => setTimeout(r, 20));
    await rig.watch();
    await rig.send();
    expect(kinds(rig).webhook).toEqual(['router_down hill', 'router_up hill']);
  } finally {
    await branch.stop();
  }
});
