/**
 * Counter sales from the terminal menu for a customer whose phone is offline (logged out, or waiting at its data
 * cap): Extend and Sell extra data offer the devices online now and "Type a code…", and sell through the same
 * services and questions as `pisonet users extend` and `pisonet vouchers overage`.
 */
import { createHarness, Harness } from '../helpers/harness';
import { SYSTEM } from '../../src/services/types';
import { cliEnv, TmuxCli } from './helpers';
// CAP sells 200 MB more for ₱10 once its 500 MB are used; BASIC is ₱5 an hour.
import { MB, PROFILES } from '../overage/helpers';

jest.setTimeout(120000);

let h: Harness;
let phone = 0;
const tmux = new TmuxCli();
const oneLine = (screen: string) => screen.replace(/\n/g, ' ');

/** Phone n uses a new code of `profile` (the terminal runs on the real clock, as a shop's does). */
async function online(profile: string): Promise<{ code: string; mac: string }> {
  const { vouchers } = await h.core!.services.vouchers.generate({ profile, count: 1 }, SYSTEM);
  const d = { mac: `02:AC:00:00:00:${String(++phone).padStart(2, '0')}`, ip: `10.5.50.${70 + phone}` };
  h.sim.addDevice(d);
  await h.core!.services.redemption.redeem({ code: vouchers[0].code, ...d });
  await h.core!.services.usage.runCycle();
  return { code: vouchers[0].code, mac: d.mac };
}

const row = (code: string) => h.core!.db('vouchers').where({ code }).first();
const chargesOf = async (code: string) =>
  h
    .core!.db('voucher_charges')
    .where({ voucher_id: (await row(code)).id })
    .orderBy('id');

/** Opens the picker and takes "Type a code…" (the last choice: Up from the first). */
async function typeCode(keys: string[], question: string, code: string, next: string): Promise<string> {
  await tmux.step(keys, question);
  await tmux.step(['Up', 'Enter'], 'Voucher code:');
  return tmux.step([code, 'Enter'], next);
}

afterAll(async () => {
  tmux.kill();
  await h?.close();
});

let loggedOut: string;
let capped: string;
let shown: string;

beforeAll(async () => {
  h = await createHarness({ fakeClock: false, profiles: PROFILES });
  shown = (await online('BASIC')).code;
  // Logged out at the counter's own request: its code is active, its phone is not online.
  const out = await online('BASIC');
  loggedOut = out.code;
  await h.core!.services.bandwidth.kick(out.mac, SYSTEM);
  // Its 500 MB used: it waits, offline, for extra data.
  const cap = await online('CAP');
  capped = cap.code;
  h.sim.addTraffic(cap.mac, { up: 0, down: 700 * MB }, 60);
  h.sim.tick(60);
  await h.core!.services.usage.runCycle();
  expect((await h.core!.services.vouchers.get(capped)).state).toBe('capped-waiting');
  tmux.start(cliEnv(h, { NO_COLOR: '' }));
  await tmux.waitFor('0) Exit', { timeoutMs: 60000 });
});

test('Extend offers the devices online and "Type a code…": a logged-out code is sold time', async () => {
  await tmux.step(['2', 'Enter'], 'Active users');
  const list = await tmux.step(['3', 'Enter'], 'Type a code…');
  expect(list).toContain(shown);
  expect(list).not.toContain(loggedOut);
  await tmux.step(['Up', 'Enter'], 'Voucher code:');
  await tmux.step([loggedOut.toLowerCase(), 'Enter'], 'Add how much time?');
  const price = await tmux.step(['30m', 'Enter'], 'Price in pesos');
  expect(oneLine(price)).toContain(`The plan's rate for 30m on ${loggedOut}: ₱2.50.`);
  await tmux.step(['Enter'], `Add 30m to ${loggedOut} for ₱2.50?`);
  await tmux.step(['y', 'Enter'], `Added 30m to ${loggedOut} for ₱2.50`);
  expect((await row(loggedOut)).extra_seconds).toBe(1800);
  expect((await chargesOf(loggedOut)).map((c) => [c.kind, Number(c.amount)])).toEqual([['extension', 250]]);
  // A code that does not exist is refused as the subcommand refuses it; nothing is asked.
  const refused = await typeCode(['3', 'Enter'], 'Type a code…', 'NOSUCH99', 'error:');
  expect(oneLine(refused)).toMatch(/error: .*NOT_FOUND/);
  await tmux.step(['0', 'Enter'], 'Main menu');
});

test('Sell extra data (Vouchers and Active users): asked as `vouchers overage` asks, refused where not offered', async () => {
  await tmux.step(['1', 'Enter'], 'Print sheet');
  const notOffered = await typeCode(['8', 'Enter'], 'Type a code…', shown, 'error:');
  expect(oneLine(notOffered)).toContain('OVERAGE_NOT_OFFERED');
  await typeCode(['8', 'Enter'], 'Type a code…', capped, 'Sell 200.0 MB of extra data for ₱10.00');
  await tmux.step(['n', 'Enter'], 'Nothing was sold.');
  expect(await chargesOf(capped)).toHaveLength(0);
  await tmux.step(['0', 'Enter'], 'Main menu');
  await tmux.step(['2', 'Enter'], 'Active users');
  await typeCode(
    ['5', 'Enter'],
    'Type a code…',
    capped,
    `Sell 200.0 MB of extra data for ₱10.00 to ${capped}?`,
  );
  const sold = await tmux.step(['y', 'Enter'], 'Receipt No.');
  expect(oneLine(sold)).toContain(`Sold 200.0 MB of extra data for ₱10.00 to ${capped}.`);
  expect((await chargesOf(capped)).map((c) => [c.kind, Number(c.amount)])).toEqual([['overage', 1000]]);
  await tmux.step(['0', 'Enter'], 'Main menu');
});
