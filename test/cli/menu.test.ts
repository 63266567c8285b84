/**
 * Drives the REAL interactive menu in a pseudo-terminal (tmux) against a simulated router and a temp
 * database shared with this test process, and checks what ends up on the router and in the database.
 */
import { createHarness, Harness } from '../helpers/harness';
import { cliEnv, TmuxCli } from './helpers';

jest.setTimeout(120000);

const MAC = '02:AA:00:00:00:21';
let h: Harness;
const tmux = new TmuxCli();

function queueFor(mac: string) {
  return h.sim.rows('/queue/simple').find((q) => q.name === `pisonet-${mac}`);
}

beforeAll(async () => {
  h = await createHarness({ fakeClock: false });
  // An active customer, so a pisonet- queue exists for the bandwidth scenarios.
  const { vouchers } = await h.core!.services.vouchers.generate(
    { profile: 'BASIC', count: 1 },
    { name: 'test', via: 'system' },
  );
  h.sim.addDevice({ mac: MAC, ip: '10.5.50.21' });
  await h.core!.services.redemption.redeem({ code: vouchers[0].code, mac: MAC, ip: '10.5.50.21' });
  await h.core!.services.usage.runCycle();
  expect(queueFor(MAC)).toBeDefined();
  tmux.start(cliEnv(h, { NO_COLOR: '' }));
  // Generous: tsx compiles the CLI on first start, slow on a loaded 2-core machine.
  await tmux.waitFor('0) Exit', { timeoutMs: 60000 });
});

afterAll(async () => {
  tmux.kill();
  await h?.close();
});

test('generates a batch of vouchers, validating input with the web messages', async () => {
  await tmux.step(['1', 'Enter'], 'Generate a batch');
  await tmux.step(['1', 'Enter'], 'Profile:');
  await tmux.step(['Enter'], 'How many?');
  await tmux.step(['abc', 'Enter'], 'count: "abc" is not a batch size; use a whole number from 1 to 10000');
  await tmux.step(['BSpace', 'BSpace', 'BSpace', '3', 'Enter'], 'Code prefix');
  const screen = await tmux.step(['MENU', 'Enter'], 'BASIC voucher(s) generated.');
  expect(screen).toMatch(/Batch #\d+: 3 BASIC voucher\(s\) generated\./);
  const { vouchers } = await h.core!.services.vouchers.list({ search: 'MENU' });
  expect(vouchers).toHaveLength(3);
  for (const v of vouchers) {
    expect(v.code.startsWith('MENU')).toBe(true);
    expect(screen).toContain(v.code);
  }
  // The router holds a hotspot user per voucher.
  const users = h.sim.rows('/ip/hotspot/user').map((u) => u.name);
  for (const v of vouchers) expect(users).toContain(v.code);
  await tmux.step(['0', 'Enter'], 'Main menu');
});

test('Bandwidth Control: set a custom limit, then remove it; the router queue follows', async () => {
  const before = queueFor(MAC)!['max-limit'];
  await tmux.step(['4', 'Enter'], 'View all queues on the router');
  let screen = await tmux.step(['1', 'Enter'], 'LIMIT');
  expect(screen).toContain(MAC);

  await tmux.step(['2', 'Enter'], 'Limit which device?');
  await tmux.step(['Enter'], 'Speed:');
  // Custom speeds is the last choice: Up wraps around to it.
  await tmux.step(['Up', 'Enter'], 'Upload limit');
  await tmux.step(['12Q', 'Enter'], 'up: "12Q" is not a rate; use bits per second like 512K, 1M, 1.5M or 2G');
  await tmux.step(['BSpace', 'BSpace', 'BSpace', '256K', 'Enter'], 'Download limit');
  await tmux.step(['768K', 'Enter'], `Limit ${MAC} to 256 kbps up / 768 kbps down?`);
  await tmux.step(['y', 'Enter'], `Limit set for ${MAC}`);
  expect(queueFor(MAC)!['max-limit']).toBe('256000/768000');

  screen = await tmux.step(['4', 'Enter'], 'MAX-LIMIT');
  expect(screen).toContain('256K/768K');

  await tmux.step(['3', 'Enter'], 'Remove the limit of which device?');
  await tmux.step(['Enter'], `Remove the limit on ${MAC} (now 256K/768K)?`);
  await tmux.step(['y', 'Enter'], `Limit removed for ${MAC}`);
  expect(queueFor(MAC)!['max-limit']).toBe(before);
  await tmux.step(['0', 'Enter'], 'Main menu');
});

test('Settings: test router connection with the router up, then down', async () => {
  await tmux.step(['6', 'Enter'], 'Test router connection');
  let screen = await tmux.step(['1', 'Enter'], 'Round trip:');
  expect(screen).toMatch(/Connected:\s+yes/);
  expect(screen).toMatch(/Version:\s+7\.18\.2/);

  h.sim.setReachable(false);
  try {
    const after = tmux.count('Connected:  no');
    tmux.send('1', 'Enter');
    screen = await tmux.waitFor('Connected:  no', { after });
    screen = await tmux.waitFor('Error:');
    expect(screen).toMatch(/Round trip:\s+-/);
    // An action that needs the router says so clearly and the menu stays open.
    await tmux.step(['0', 'Enter'], 'Main menu');
    await tmux.step(['4', 'Enter'], 'View all queues on the router');
    screen = await tmux.step(['4', 'Enter'], '(ROUTER_UNREACHABLE)');
    expect(screen).toContain('error: The router is not reachable right now');
    await tmux.waitFor('0) Back', { after: tmux.count('0) Back') - 1 });
    await tmux.step(['0', 'Enter'], 'Main menu');
    await tmux.step(['6', 'Enter'], 'Test router connection');
  } finally {
    h.sim.setReachable(true);
  }
  await tmux.step(['0', 'Enter'], 'Main menu');
});

test('Ctrl-C goes back from a submenu and exits cleanly from the main menu', async () => {
  await tmux.step(['3', 'Enter'], 'Profiles');
  await tmux.step(['1', 'Enter'], 'PREMIUM');
  await tmux.step(['C-c'], 'Main menu');
  const screen = await tmux.step(['C-c'], '[exit 0]');
  expect(screen).toContain('Bye.');
});
