/**
 * The notification settings from the owner's side: bad values refused with the field named (API, admin form,
 * terminal, .env), the test button saying what Telegram answered, and the bot token and the webhook secret
 * never in an API answer, a page, the database in the clear, the audit log or a log line.
 */
import { loadConfig } from '../../src/config/env';
import { AdminClient, bearer } from '../admin/client';
import { runCli } from '../cli/helpers';
import { CHAT, HOOK_SECRET, notifyEnv, notifyRig, TOKEN, type NotifyRig } from './helpers';

let rig: NotifyRig;
afterEach(async () => {
  await rig?.close();
});

const api = async (r: NotifyRig, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${r.h.app!.url}/admin/api${path}`, {
    method,
    headers: { ...bearer, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
};
const errorUnder = (html: string, id: string) => new RegExp(`id="f-${id}-err"[^>]*>([^<]+)<`).exec(html)?.[1];

test('bad settings are refused with every field named, and nothing is saved', async () => {
  rig = await notifyRig({ channels: false });
  const bad = await api(rig, 'PUT', '/notifications', {
    telegram_token: 'not-a-token',
    telegram_chat_id: 'my chat',
    webhook_url: 'ftp://x',
    router_down_seconds: '5',
    daily_at: '25:00',
    low_stock: '-1',
    language: 'de',
  });
  expect(bad.status).toBe(400);
  const json = JSON.parse(bad.text) as { code: string; fields: Record<string, string> };
  expect(json.code).toBe('INVALID_INPUT');
  expect(Object.keys(json.fields).sort()).toEqual(
    [
      'daily_at',
      'language',
      'low_stock',
      'router_down_seconds',
      'telegram_chat_id',
      'telegram_token',
      'webhook_url',
    ].sort(),
  );
  expect(json.fields.router_down_seconds).toMatch(/from 10 to 86400/);
  expect(bad.text).not.toContain('not-a-token');
  // A webhook without a secret to sign it with.
  const unsigned = await api(rig, 'PUT', '/notifications', { webhook_url: 'https://example.com/hook' });
  expect(JSON.parse(unsigned.text).fields.webhook_secret).toMatch(/signed/);
  expect((await rig.h.core!.services.notify.view()).overridden).toEqual([]);
  // The admin's form: each message under its field.
  const c = new AdminClient(rig.h.app!.url);
  await c.login();
  const res = await c.post(
    '/admin/settings/notifications',
    { daily_at: '9pm', telegram_chat_id: 'x y' },
    await c.token('/admin/settings'),
  );
  expect(res.status).toBe(400);
  const html = await res.text();
  expect(errorUnder(html, 'daily_at')).toMatch(/24-hour time like 21:00/);
  expect(errorUnder(html, 'telegram_chat_id')).toMatch(/chat/);
  // The terminal: the same bounds, exit 2.
  const cli = await runCli(rig.h, ['notify', 'set', '--low-stock', 'many']);
  expect(cli.code).toBe(2);
  expect(cli.stderr).toMatch(/low_stock: "many" is not a number of vouchers/);
  // .env: every problem at once, each naming its variable.
  expect(() =>
    loadConfig({ TELEGRAM_BOT_TOKEN: 'x', NOTIFY_DAILY_AT: '7pm', NOTIFY_WEBHOOK_SECRET: 'short' }),
  ).toThrow(/TELEGRAM_BOT_TOKEN[\s\S]*NOTIFY_WEBHOOK_SECRET[\s\S]*NOTIFY_DAILY_AT/);
});

test('the test button says what each channel answered, in its own words', async () => {
  rig = await notifyRig();
  const c = new AdminClient(rig.h.app!.url);
  await c.login();
  const press = async () =>
    (await c.post('/admin/settings/notifications/test', {}, await c.token('/admin/settings'))).text();
  let html = await press();
  expect(html).toMatch(/Telegram: sent/);
  expect(html).toMatch(/Webhook: sent/);
  expect(rig.tg.messages[0].text).toMatch(/^✅ PisoNet: test message from PisoNet Manager\n/);
  expect(rig.hook.deliveries[0].body.kind).toBe('test');
  await rig.tg.set({ kind: 'status', status: 400, description: 'Bad Request: chat not found' });
  await rig.hook.set({ kind: 'refuse' });
  html = await press();
  expect(html).toContain('Telegram: not sent: Bad Request: chat not found (HTTP 400)');
  expect(html).toContain('Webhook: not sent: connection refused');
  // The terminal's test: the same words, exit 1.
  const cli = await runCli(rig.h, ['notify', 'test'], { env: notifyEnv(rig.tg, rig.hook) });
  expect(cli.code).toBe(1);
  expect(cli.stdout).toContain('telegram: not sent: Bad Request: chat not found (HTTP 400)');
  // A test is not a message of the outbox.
  expect(await rig.h.core!.services.notify.recent()).toEqual([]);
});

test('with no channel set the test is refused saying what to set', async () => {
  rig = await notifyRig({ channels: false });
  const res = await api(rig, 'POST', '/notifications/test');
  expect(res.status).toBe(409);
  expect(JSON.parse(res.text)).toMatchObject({ code: 'NOTIFY_NOT_SET' });
});

test('the token and the secret are never answered, shown, stored in the clear or logged', async () => {
  rig = await notifyRig({ channels: false });
  const { h } = rig;
  const c = new AdminClient(h.app!.url);
  await c.login();
  const saved = await c.post(
    '/admin/settings/notifications',
    {
      telegram_token: TOKEN,
      telegram_chat_id: CHAT,
      telegram_api_url: rig.tg.url,
      webhook_url: `${rig.hook.url}/x`,
      webhook_secret: HOOK_SECRET,
      language: 'fil',
    },
    await c.token('/admin/settings'),
  );
  expect(saved.status).toBe(303);
  const view = JSON.parse((await api(rig, 'GET', '/notifications')).text) as {
    settings: Record<string, unknown>;
  };
  expect(view.settings).toMatchObject({
    telegram_token_set: true,
    webhook_secret_set: true,
    channels: ['telegram', 'webhook'],
    language: 'fil',
  });
  // Used: a test and a real message, so every path that touches them runs.
  await c.post('/admin/settings/notifications/test', {}, await c.token('/admin/settings'));
  expect(rig.tg.messages[0].text).toMatch(/^✅ PisoNet: test message mula sa PisoNet Manager/);
  await h.sim.stop();
  await rig.watch();
  h.clock.advance(61_000);
  await rig.watch();
  await rig.send();
  expect(rig.tg.messages[1].text).toMatch(/down ang router/);
  const seen = [
    (await api(rig, 'GET', '/notifications')).text,
    (await api(rig, 'GET', '/notifications/messages')).text,
    (await api(rig, 'PUT', '/notifications', { daily_at: '20:00' })).text,
    await c.html('/admin/settings'),
    await c.html('/admin/audit'),
    JSON.stringify(await h.core!.db('settings')),
    JSON.stringify(await h.core!.db('audit_log')),
    JSON.stringify(await h.core!.db('notify_outbox')),
    (await runCli(h, ['notify', 'show', '--json'])).stdout,
    (await runCli(h, ['config', 'show'])).stdout,
    rig.logs.join('\n'),
  ];
  for (const text of seen) {
    expect(text).not.toContain(TOKEN.split(':')[1]);
    expect(text).not.toContain(HOOK_SECRET);
  }
  expect(JSON.stringify(await h.core!.db('audit_log'))).toContain('[redacted]');
  expect(rig.logs.join('\n')).toMatch(/notification sent on telegram/);
});
