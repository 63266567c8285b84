/**
 * Settings → Notifications as the owner reads it: a message that went through after failed tries says so, not
 * its old error; a channel whose latest message failed for good is not shown "On" in green.
 */
import { enqueue } from '../../src/services/business/notify/outbox';
import { AdminClient } from '../admin/client';
import { notifyRig, type NotifyRig } from './helpers';

let rig: NotifyRig;
afterEach(async () => {
  await rig?.close();
});

/** A message in the outbox for both channels, as the producers write one. */
async function message(r: NotifyRig, text: string): Promise<void> {
  const now = r.h.clock.now();
  await enqueue(r.h.core!.db, now, { kind: 'low_stock', text, data: {} }, ['telegram', 'webhook']);
}

/** The page's text under `data-testid="id"` (every element of it), tags out. */
function under(html: string, id: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<(p|div)[^>]*data-testid="${id}"[^>]*>([\\s\\S]*?)</\\1>`, 'g');
  for (let m = re.exec(html); m; m = re.exec(html))
    out.push(
      m[2]
        .replace(/<[^>]+>/g, '')
        .replace(/\s+/g, ' ')
        .trim(),
    );
  return out;
}

async function page(r: NotifyRig): Promise<string> {
  const c = new AdminClient(r.h.app!.url);
  await c.login();
  return c.html('/admin/settings');
}

const GREEN_ON = '<p class="status status-ok"><span class="dot-ok" aria-hidden="true"></span> On:';

const delivery = (html: string) =>
  [...html.matchAll(/<td data-label="Delivery"[^>]*>([\s\S]*?)<\/td>/g)].map((m) =>
    m[1]
      .replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  );

test('a message sent after failed tries says "sent after N tries", without the old error', async () => {
  rig = await notifyRig();
  await rig.tg.set({
    kind: 'status',
    status: 429,
    description: 'Too Many Requests: retry after 30',
    retryAfter: 30,
  });
  await message(rig, '📦 PisoNet: low stock — BASIC');
  await rig.send();
  // While it retries, the channel's words and the next try.
  expect(delivery(await page(rig))).toEqual([
    expect.stringMatching(
      /^Telegram: retrying Too Many Requests: retry after 30 \(HTTP 429\) · next try .+ Webhook: sent$/,
    ),
  ]);
  await rig.tg.set({ kind: 'ok' });
  rig.h.clock.advance(31_000);
  await rig.send();
  const html = await page(rig);
  expect(delivery(html)).toEqual(['Telegram: sent after 2 tries Webhook: sent']);
  expect(html).not.toContain('Too Many Requests');
  expect(under(html, 'notify-channels')[0]).toBe('On: Telegram and Webhook');
  expect(html).toContain(`${GREEN_ON} Telegram and Webhook`);
  expect(under(html, 'notify-failing')).toEqual([]);
});

test('a channel whose latest message failed for good is not "On" in green, until a later message gets through', async () => {
  rig = await notifyRig();
  await rig.tg.set({ kind: 'status', status: 403, description: 'Forbidden: bot was blocked by the user' });
  await rig.hook.set({ kind: 'status', status: 404 });
  await message(rig, '📦 PisoNet: low stock — BASIC');
  await rig.send();
  let html = await page(rig);
  expect(html).not.toContain(GREEN_ON);
  const failing = under(html, 'notify-failing');
  expect(failing).toHaveLength(2);
  expect(failing[0]).toMatch(
    /^Telegram: on, last message failed At .+: Forbidden: bot was blocked by the user \(HTTP 403\)\. Your alerts are not reaching you there/,
  );
  expect(failing[1]).toMatch(/^Webhook: on, last message failed At .+: HTTP 404/);
  // Telegram works again: a test that goes through there takes its red line off the page it answers with.
  await rig.tg.set({ kind: 'ok' });
  const c = new AdminClient(rig.h.app!.url);
  await c.login();
  const tested = await c.post('/admin/settings/notifications/test', {}, await c.token('/admin/settings'));
  html = await tested.text();
  expect(under(html, 'notify-test').join(' ')).toMatch(/Telegram: sent\. .*Webhook: not sent: HTTP 404/);
  expect(under(html, 'notify-failing')).toEqual([expect.stringMatching(/^Webhook: on, last message failed/)]);
  // The next message goes, and Telegram is on again; the webhook still fails.
  await message(rig, '📦 PisoNet: low stock — STANDARD');
  await rig.send();
  html = await page(rig);
  expect(under(html, 'notify-channels')[0]).toMatch(/^On: Telegram Webhook: on, last message failed/);
  expect(html).toContain(`${GREEN_ON} Telegram</p>`);
  expect(under(html, 'notify-failing')).toEqual([expect.stringMatching(/^Webhook: on, last message failed/)]);
});
