/**
 * Drives the REAL interactive menu in a pseudo-terminal (tmux) against a simulated router and a temp
 * database shared with this test process, and checks what ends up on the router and in the database.
 */
import { parseDataSize } from '../../src/domain/units';
import { createHarness, Harness } from '../helpers/harness';
import { cliEnv, TmuxCli } from './helpers';

jest.setTimeout(120000);

const MAC = '02:AA:00:00:00:21';
let h: Harness;
const tmux = new TmuxCli();

/** The screen with wrapped lines joined (inquirer wraps long questions at the terminal's width). */
const oneLine = (screen: string) => screen.replace(/\n/g, ' ');

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
  await tmux.step(['BSpace', 'BSpace', 'BSpace', '3', 'Enter'], 'Code style:');
  await tmux.step(['Enter'], 'Code prefix');
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

test('generates a batch in another code style: one under the floor is explained and asked again', async () => {
  await tmux.step(['1', 'Enter'], 'Generate a batch');
  await tmux.step(['1', 'Enter'], 'Profile:');
  await tmux.step(['Enter'], 'How many?');
  await tmux.step(['BSpace', 'BSpace', '2', 'Enter'], 'Code style:');
  await tmux.step(['Down', 'Enter'], 'Characters:');
  await tmux.step(['Down', 'Down', 'Enter'], 'Code length');
  // Numbers only: 12 offered; 8 is too guessable.
  await tmux.step(['BSpace', 'BSpace', '8', 'Enter'], 'Code prefix');
  await tmux.step(['Enter'], 'Password:');
  const refused = await tmux.step(['Enter'], 'Characters:');
  expect(oneLine(refused)).toMatch(/8 digits is 100 million possible codes: .*Use at least 12 digits/);
  // 6 digits with a separate 6-digit password instead.
  await tmux.step(['Enter'], 'Code length');
  await tmux.step(['BSpace', '6', 'Enter'], 'Code prefix');
  await tmux.step(['Enter'], 'Password:');
  await tmux.step(['Down', 'Down', 'Down', 'Enter'], 'Password length');
  const made = await tmux.step(['Enter'], 'BASIC voucher(s) generated.');
  expect(oneLine(made)).toContain(
    'Chosen: 6 digits with a separate 6-digit password: 1 trillion possible codes',
  );
  expect(made).toMatch(/CODE\s+PASSWORD/);
  const rows = (await h.core!.db('vouchers').whereNotNull('password')) as {
    code: string;
    password: string;
  }[];
  expect(rows).toHaveLength(2);
  for (const r of rows) {
    expect(r.code).toMatch(/^\d{6}$/);
    expect(r.password).toMatch(/^\d{6}$/);
    expect(h.sim.rows('/ip/hotspot/user').find((u) => u.name === r.code)).toMatchObject({
      password: r.password,
    });
  }
  await tmux.step(['0', 'Enter'], 'Main menu');
});

test('an extension of 99999999d is refused at the prompt; more than a day is asked again', async () => {
  await tmux.step(['2', 'Enter'], 'Active users');
  await tmux.step(['3', 'Enter'], 'Extend which user?');
  await tmux.step(['Enter'], 'Add how much time?');
  await tmux.step(['99999999d', 'Enter'], 'at most 365 days');
  for (let i = 0; i < 9; i++) tmux.send('BSpace');
  await tmux.step(['2d', 'Enter'], 'That is more than a day.');
  await tmux.step(['n', 'Enter'], 'Active users');
  const row = await h.core!.db('vouchers').where({ status: 'active' }).first();
  expect(row.extra_seconds).toBe(0);
  await tmux.step(['0', 'Enter'], 'Main menu');
});

test("Extend shows the plan's rate, takes it or another price, asks about one above the rate, and confirms", async () => {
  const row = await h.core!.db('vouchers').where({ status: 'active' }).first();
  const charges = () => h.core!.db('voucher_charges').where({ voucher_id: row.id }).orderBy('id');
  const start = async () => {
    await tmux.step(['3', 'Enter'], 'Extend which user?');
    await tmux.step(['Enter'], 'Add how much time?');
    // BASIC: ₱5.00 an hour; 30 minutes: ₱2.50, offered as the price.
    const screen = await tmux.step(['30m', 'Enter'], 'Price in pesos');
    expect(oneLine(screen)).toContain(`The plan's rate for 30m on ${row.code}: ₱2.50.`);
  };
  await tmux.step(['2', 'Enter'], 'Active users');
  // Enter takes the plan's rate; No at the last question sells nothing.
  await start();
  await tmux.step(['Enter'], `for ₱2.50?`);
  await tmux.step(['n', 'Enter'], 'Nothing added or sold.');
  // A typo's look (₱25 for ₱2.50) is asked about first; a price out of bounds is refused as it is typed.
  await start();
  for (let i = 0; i < 4; i++) tmux.send('BSpace');
  await tmux.step(['200000', 'Enter'], '"200000" is not a price');
  for (let i = 0; i < 6; i++) tmux.send('BSpace');
  await tmux.step(['25', 'Enter'], "₱25.00 is more than the plan's ₱2.50 for 30m. Are you sure?");
  await tmux.step(['n', 'Enter'], 'Nothing added or sold.');
  expect(await charges()).toHaveLength(0);
  expect((await h.core!.db('vouchers').where({ id: row.id }).first()).extra_seconds).toBe(0);
  // Another price below the rate, confirmed: sold at that price.
  await start();
  for (let i = 0; i < 4; i++) tmux.send('BSpace');
  await tmux.step(['1.50', 'Enter'], `Add 30m to ${row.code} for ₱1.50?`);
  await tmux.step(['y', 'Enter'], `Added 30m to ${row.code} for ₱1.50`);
  expect((await charges()).map((c) => [c.kind, Number(c.amount)])).toEqual([['extension', 150]]);
  expect((await h.core!.db('vouchers').where({ id: row.id }).first()).extra_seconds).toBe(1800);
  await tmux.step(['0', 'Enter'], 'Main menu');
});

test('Ctrl-D in a prompt goes back like Ctrl-C, and the menu keeps working', async () => {
  await tmux.step(['1', 'Enter'], 'Generate a batch');
  await tmux.step(['1', 'Enter'], 'Profile:');
  await tmux.step(['C-d'], 'Cancelled.');
  await tmux.step(['1', 'Enter'], 'Profile:');
  await tmux.step(['Enter'], 'How many?');
  await tmux.step(['C-d'], 'Cancelled.');
  await tmux.step(['0', 'Enter'], 'Main menu');
});

test('Bandwidth Control: set a custom limit, remove it (unlimited), back to plan; the router queue follows', async () => {
  const before = queueFor(MAC)!['max-limit'];
  await tmux.step(['4', 'Enter'], 'View all queues on the router');
  let screen = await tmux.step(['1', 'Enter'], 'LIMIT');
  expect(screen).toContain(MAC);

  await tmux.step(['2', 'Enter'], 'Limit which device?');
  await tmux.step(['Enter'], 'Speed:');
  // Custom speeds is the last choice: Up wraps around to it.
  // Download is asked first, as every screen lists it first.
  await tmux.step(['Up', 'Enter'], 'Download limit');
  await tmux.step(['12Q', 'Enter'], 'down: "12Q" is not a speed limit; use a speed from 8K');
  await tmux.step(['BSpace', 'BSpace', 'BSpace', '10', 'Enter'], 'down: "10" is not a speed limit');
  await tmux.step(['BSpace', 'BSpace', '768K', 'Enter'], 'Upload limit');
  await tmux.step(['256K', 'Enter'], `Limit ${MAC} to 768 kbps down / 256 kbps up?`);
  await tmux.step(['y', 'Enter'], `Limit set for ${MAC}`);
  expect(queueFor(MAC)!['max-limit']).toBe('256000/768000');

  screen = await tmux.step(['5', 'Enter'], 'MAX-LIMIT');
  expect(screen).toContain('768K/256K');

  await tmux.step(['3', 'Enter'], 'Remove the speed limit of which device?');
  screen = await tmux.step(['Enter'], '(y/N)');
  // The question wraps at 80 columns.
  expect(oneLine(screen)).toContain(
    `Remove the speed limit on ${MAC} (now 768K/256K)? It will be unlimited until you set a limit or put it back to plan.`,
  );
  await tmux.step(['y', 'Enter'], `Speed limit removed for ${MAC}: unlimited`);
  expect(queueFor(MAC)!['max-limit']).toBe('0/0');
  screen = await tmux.step(['1', 'Enter'], 'LIMIT');
  expect(screen).toMatch(new RegExp(`${MAC}.*unlimited\\*`));

  await tmux.step(['4', 'Enter'], 'Back to plan speed for which device?');
  screen = await tmux.step(['Enter'], '(y/N)');
  expect(oneLine(screen)).toContain(`Put ${MAC} back to its plan speed? BASIC: 1 Mbps down / 512 kbps up.`);
  screen = await tmux.step(['y', 'Enter'], `${MAC} is back to its plan`);
  expect(oneLine(screen)).toContain(`${MAC} is back to its plan: BASIC, 1 Mbps down / 512 kbps up.`);
  expect(queueFor(MAC)!['max-limit']).toBe(before);

  // "unlimited" is a speed too.
  await tmux.step(['2', 'Enter'], 'Limit which device?');
  await tmux.step(['Enter'], 'Speed:');
  await tmux.step(['Up', 'Enter'], 'Download limit');
  await tmux.step(['2 Mbps', 'Enter'], 'Upload limit');
  await tmux.step(['unlimited', 'Enter'], `Limit ${MAC} to 2 Mbps down / unlimited up?`);
  await tmux.step(['y', 'Enter'], `Limit set for ${MAC}: 2 Mbps down / unlimited up.`);
  expect(queueFor(MAC)!['max-limit']).toBe('0/2000000');
  await tmux.step(['4', 'Enter'], 'Back to plan speed for which device?');
  await tmux.step(['Enter'], '(y/N)');
  await tmux.step(['y', 'Enter'], `${MAC} is back to its plan`);
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

test('Settings: a new admin password is checked as it is typed, and the repeat until it matches', async () => {
  await tmux.step(['6', 'Enter'], 'Set admin password');
  await tmux.step(['3', 'Enter'], 'New password for admin:');
  // Refused in place with the service's words; the prompt stays.
  await tmux.step(['abc', 'Enter'], 'The password must have at least 10 characters');
  expect(tmux.screen()).not.toContain('Repeat the password:');
  await tmux.step(['BSpace', 'BSpace', 'BSpace', 'menu-pass-2026', 'Enter'], 'Repeat the password:');
  await tmux.step(['menu-pass-2027', 'Enter'], 'The two passwords differ');
  await tmux.step([...Array(14).fill('BSpace'), 'menu-pass-2026', 'Enter'], 'Password set for admin.');
  expect(await h.core!.services.admins.verify('admin', 'menu-pass-2026')).toBe(true);
  await tmux.step(['0', 'Enter'], 'Main menu');
});

test('Profiles: create with a Fair Usage Policy; a save error keeps every answer for the retry', async () => {
  await tmux.step(['3', 'Enter'], '2) Create');
  await tmux.step(['2', 'Enter'], 'Name (letters');
  // "basic" already exists (names ignore case): only the service's save catches it.
  await tmux.step(['basic', 'Enter'], 'Sold as:');
  await tmux.step(['Enter'], 'Price (');
  await tmux.step(['12', 'Enter'], 'Validity (');
  await tmux.step(['Enter'], 'Devices per voucher');
  await tmux.step(['Enter'], 'Upload speed');
  await tmux.step(['1M', 'Enter'], 'Download speed');
  await tmux.step(['2M', 'Enter'], 'Advanced settings');
  await tmux.step(['y', 'Enter'], 'Fair Usage Policy');
  await tmux.step(['Down', 'Enter'], 'Slow down after how much data?');
  await tmux.step(['500M', 'Enter'], 'FUP upload speed');
  // Checked against the whole draft: the FUP rate must be below rate_up, with the web's message.
  await tmux.step(
    ['2M', 'Enter'],
    'fup.rate_up: the FUP rate must be below rate_up (it slows a voucher down)',
  );
  await tmux.step(['BSpace', 'BSpace', '256K', 'Enter'], 'FUP download speed');
  await tmux.step(['512K', 'Enter'], 'Data cap (');
  await tmux.step(['Enter'], 'Burst (');
  await tmux.step(['Enter'], 'Off-peak hours');
  await tmux.step(['Enter'], 'Shared line and priority');
  await tmux.step(['Enter'], 'Validity counts');
  await tmux.step(['Enter'], 'phone that still has time');
  await tmux.step(['Enter'], 'Description (');
  let screen = await tmux.step(['Made in the menu', 'Enter'], 'Not saved yet.');
  expect(screen).toContain('A profile named "basic" already exists (PROFILE_EXISTS)');

  // Retry: every answer comes back as the default; only the name changes (Backspace clears a default).
  await tmux.step(['Enter'], 'Name (letters');
  await tmux.step(['BSpace', 'FUPMENU', 'Enter'], 'Sold as:');
  await tmux.step(['Enter'], 'Price (');
  for (const next of [
    'Validity (',
    'Devices per voucher',
    'Upload speed',
    'Download speed',
    'Advanced settings',
  ])
    await tmux.step(['Enter'], next);
  screen = await tmux.step(['Enter'], 'created.');
  expect(screen).toContain('Profile FUPMENU:');

  const p = await h.core!.services.profiles.get('FUPMENU');
  expect(p.profile.fup).toEqual({
    thresholdBytes: parseDataSize('500M', 'x'),
    rateUp: 256000,
    rateDown: 512000,
  });
  expect(p.profile).toMatchObject({
    price: 1200,
    rateUp: 1000000,
    rateDown: 2000000,
    description: 'Made in the menu',
  });
  expect(p.json.fup).toEqual({ threshold: '500M', rate_up: '256K', rate_down: '512K' });
  await tmux.step(['0', 'Enter'], 'Main menu');
});

test('Profiles: a monthly plan asks its fee and pool, not a validity; a fee that looks like a typo is asked', async () => {
  await tmux.step(['3', 'Enter'], '2) Create');
  await tmux.step(['2', 'Enter'], 'Name (letters');
  await tmux.step(['HOMEMENU', 'Enter'], 'Sold as:');
  await tmux.step(['Down', 'Enter'], 'Monthly fee (₱):');
  await tmux.step(['99900', 'Enter'], 'Address pool on the router');
  await tmux.step(['Enter'], 'Upload speed');
  await tmux.step(['5M', 'Enter'], 'Download speed');
  await tmux.step(['10M', 'Enter'], 'Advanced settings');
  const asked = await tmux.step(['Enter'], 'Save it as it is? (y/N)');
  expect(asked).toContain('₱99,900.00 a month for HOMEMENU, billed to every subscriber on it: a typo?');
  await tmux.step(['Enter'], 'Not saved yet.');
  await expect(h.core!.services.profiles.get('HOMEMENU')).rejects.toThrow();
  // Fix the answers: the fee only.
  await tmux.step(['Enter'], 'Name (letters');
  await tmux.step(['Enter'], 'Sold as:');
  await tmux.step(['Enter'], 'Monthly fee (₱):');
  await tmux.step([...Array(5).fill('BSpace'), '999', 'Enter'], 'Address pool on the router');
  for (const next of ['Upload speed', 'Download speed', 'Advanced settings'])
    await tmux.step(['Enter'], next);
  await tmux.step(['Enter'], 'Profile HOMEMENU: monthly plan, ₱999.00 a month, 10M down / 5M up created.');
  expect((await h.core!.services.profiles.get('HOMEMENU')).profile).toMatchObject({
    billing: 'monthly',
    price: 99900,
    validitySeconds: null,
  });
  await tmux.step(['0', 'Enter'], 'Main menu');
});

test('Ctrl-C goes back from a submenu and exits cleanly from the main menu', async () => {
  await tmux.step(['3', 'Enter'], 'Profiles');
  await tmux.step(['1', 'Enter'], 'PREMIUM');
  await tmux.step(['C-c'], 'Main menu');
  const screen = await tmux.step(['C-c'], '[exit 0]');
  expect(screen).toContain('Bye.');
});
