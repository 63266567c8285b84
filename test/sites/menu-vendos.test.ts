/**
 * The terminal menu's Coin vendos screens: with several sites Add asks "Which site is it at?" (All
 * sites first) and offers only the profiles sold there; a refusal by the service shows its message and "Fix
 * the answers" keeps what was typed; Edit, Switch on or off and Remove act on the same service as the admin;
 * the secret is printed once, on Add. With one site nothing asks for a site.
 */
import { SYSTEM } from '../../src/services/types';
import { createHarness, type Harness } from '../helpers/harness';
import { cliEnv, TmuxCli } from '../cli/helpers';
import { harnessWithBranches, type Branch } from './helpers';

jest.setTimeout(180_000);

const vendoRow = (h: Harness, name: string) =>
  h
    .core!.db('vendos')
    .where({ name })
    .first('id', 'site_id', 'window_seconds', 'location', 'enabled', 'rates') as Promise<
    | {
        id: string;
        site_id: number | null;
        window_seconds: number;
        location: string | null;
        enabled: unknown;
        rates: string;
      }
    | undefined
  >;

/** Arrow presses from the first choice to `name` in the last question's choices on screen. */
function downTo(screen: string, question: string, name: string): string[] {
  const part = screen.slice(screen.lastIndexOf(question));
  const lines = part.split('\n').filter((l) => /^\s*[❯ ]\s*\S/.test(l));
  const i = lines.findIndex((l) => l.includes(name));
  if (i < 0) throw new Error(`${name} not offered:\n${part}`);
  return Array<string>(i).fill('Down');
}

describe('menu: coin vendos with several sites', () => {
  let h: Harness;
  let branch: Record<'a' | 'b', Branch>;
  let close: () => Promise<void>;
  let tmux: TmuxCli;

  beforeAll(async () => {
    ({ h, branch, close } = await harnessWithBranches());
    await h.core!.services.profiles.create(
      { name: 'BONLY', price: 7, validity: '2h', users: 1, rate_up: '1M', rate_down: '3M', site: 'branch-b' },
      SYSTEM,
    );
    tmux = new TmuxCli();
    tmux.start(cliEnv(h, { NO_COLOR: '' }), { width: 100 });
    await tmux.waitFor('0) Exit', { timeoutMs: 60000 });
  });
  afterAll(async () => {
    tmux.kill();
    await close();
  });

  test('add: the site question, only what that site sells, a refusal kept for fixing, the secret once', async () => {
    await tmux.step(['7', 'Enter'], 'Add a vendo');
    await tmux.step(['2', 'Enter'], 'Name (shown to customers):');
    const sites = await tmux.step(['Lobby box', 'Enter'], 'Which site is it at?');
    const order = sites.slice(sites.lastIndexOf('Which site is it at?'));
    expect(order.indexOf('All sites (shared')).toBeGreaterThan(0);
    expect(order.indexOf('All sites (shared')).toBeLessThan(order.indexOf('default only'));
    expect(order.indexOf('default only')).toBeLessThan(order.indexOf('branch-a only'));
    const offered = await tmux.step(
      [...downTo(sites, 'Which site is it at?', 'branch-a only'), 'Enter'],
      'Profile it sells:',
    );
    const atA = offered.slice(offered.lastIndexOf('Profile it sells:'));
    expect(atA).toContain('BASIC');
    expect(atA).not.toContain('BONLY');
    await tmux.step([...downTo(offered, 'Profile it sells:', 'BASIC '), 'Enter'], 'Rates, pesos = time');
    // A rate line the parser does not take is refused as typed.
    await tmux.step(['5 pesos 1h', 'Enter'], 'is not a rate line');
    await tmux.step([...Array<string>(10).fill('BSpace'), '1=10m,5=1h', 'Enter'], 'Location (optional):');
    await tmux.step(['Lobby', 'Enter'], 'Coin window in seconds');
    // The service refuses a 5-second window: its message, nothing saved, the answers kept.
    const refused = await tmux.step(['BSpace', 'BSpace', '5', 'Enter'], 'Not saved yet.');
    expect(refused).toContain('is not a coin window; use 20 to 600 seconds');
    expect(await vendoRow(h, 'Lobby box')).toBeUndefined();
    const again = await tmux.step(['Enter'], 'Name (shown to customers):');
    expect(again.slice(again.lastIndexOf('Name (shown'))).toContain('(Lobby box)');
    await tmux.step(['Enter'], 'Which site is it at?');
    await tmux.step(['Enter'], 'Profile it sells:'); // branch-a kept
    const rates = await tmux.step(['Enter'], 'Rates, pesos = time'); // BASIC kept
    expect(rates.slice(rates.lastIndexOf('Rates, pesos'))).toContain('(1=10m,5=1h)');
    await tmux.step(['Enter'], 'Location (optional; - for none):');
    await tmux.step(['Enter'], 'Coin window in seconds');
    const added = await tmux.step(['BSpace', '90', 'Enter'], 'It sells BASIC on branch-a only.');
    expect(added).toMatch(/Added Lobby box \(vendo-[0-9a-f]{6}\)\./);
    expect(added).toMatch(/secret: {3}[A-Za-z0-9]{32}/);
    expect(added).toContain('the secret is shown only this once');
    expect(await vendoRow(h, 'Lobby box')).toMatchObject({
      site_id: branch.a.id,
      window_seconds: 90,
      location: 'Lobby',
    });
    expect(JSON.parse((await vendoRow(h, 'Lobby box'))!.rates)).toEqual([
      { amount: 100, seconds: 600 },
      { amount: 500, seconds: 3600 },
    ]);
  });

  test('list shows site, state and last seen, never the secret; edit, switch off and remove', async () => {
    const list = await tmux.step(['1', 'Enter'], 'LAST SEEN');
    expect(list).toMatch(/NAME\s+STATUS\s+SITE\s+PROFILE\s+RATES\s+IN BOX\s+LAST SEEN/);
    expect(list).toMatch(/Lobby box\s+offline\s+branch-a only\s+BASIC\s+₱1=10m ₱5=1h\s+₱0\.00\s+never/);
    const secretsShown = list.match(/secret: {3}[A-Za-z0-9]{32}/g) ?? [];
    expect(secretsShown).toHaveLength(1); // the one Add printed, not again

    // Edit: every site now, a location cleared.
    await tmux.step(['3', 'Enter'], 'Edit which vendo?');
    await tmux.step(['Enter'], 'Name (shown to customers):');
    await tmux.step(['Enter'], 'Which site is it at?');
    // branch-a is pre-selected (third); All sites is first.
    await tmux.step(['Up', 'Up', 'Enter'], 'Profile it sells:');
    await tmux.step(['Enter'], 'Rates, pesos = time');
    await tmux.step(['Enter'], 'Location (optional; - for none):');
    await tmux.step(['-', 'Enter'], 'Coin window in seconds');
    await tmux.step(['Enter'], 'Vendo Lobby box saved; it sells BASIC on every site.');
    expect(await vendoRow(h, 'Lobby box')).toMatchObject({
      site_id: null,
      location: null,
      window_seconds: 90,
    });

    // Switch off (asks first), then on again without asking.
    await tmux.step(['4', 'Enter'], 'Switch which vendo on or off?');
    await tmux.step(['Enter'], 'Switch Lobby box off?');
    await tmux.step(['y', 'Enter'], 'Vendo Lobby box is off.');
    expect(Boolean((await vendoRow(h, 'Lobby box'))!.enabled)).toBe(false);
    await tmux.step(['1', 'Enter'], 'LAST SEEN');
    expect(tmux.screen()).toMatch(/Lobby box\s+off\s+every site/);

    // Remove: No keeps it; Yes removes it.
    await tmux.step(['5', 'Enter'], 'Remove which vendo?');
    await tmux.step(['Enter'], 'Remove the vendo Lobby box?');
    await tmux.step(['n', 'Enter'], 'Nothing changed.');
    expect(await vendoRow(h, 'Lobby box')).toBeDefined();
    await tmux.step(['5', 'Enter'], 'Remove which vendo?');
    await tmux.step(['Enter'], 'Remove the vendo Lobby box?');
    await tmux.step(['y', 'Enter'], 'Vendo Lobby box removed.');
    expect(await vendoRow(h, 'Lobby box')).toBeUndefined();
    await tmux.step(['1', 'Enter'], 'No vendos yet');
    await tmux.step(['0', 'Enter'], '0) Exit');
  });
});

describe('menu: coin vendos with one site', () => {
  let h: Harness;
  let tmux: TmuxCli;
  beforeAll(async () => {
    h = await createHarness();
    tmux = new TmuxCli();
    tmux.start(cliEnv(h, { NO_COLOR: '' }), { width: 100 });
    await tmux.waitFor('0) Exit', { timeoutMs: 60000 });
  });
  afterAll(async () => {
    tmux.kill();
    await h.close();
  });

  test('no site question; a taken name is the service’s refusal; the list has no SITE column', async () => {
    await h.core!.services.vendos.create(
      { name: 'Front box', profile: 'BASIC', rates: [{ amount: 5, validity: '1h' }] },
      SYSTEM,
    );
    await tmux.step(['7', 'Enter'], 'Add a vendo');
    await tmux.step(['2', 'Enter'], 'Name (shown to customers):');
    await tmux.step(['Front box', 'Enter'], 'Profile it sells:');
    expect(tmux.screen()).not.toContain('Which site is it at?');
    await tmux.step(['Enter'], 'Rates, pesos = time');
    await tmux.step(['5=1h', 'Enter'], 'Location (optional):');
    await tmux.step(['Enter'], 'Coin window in seconds');
    const refused = await tmux.step(['Enter'], 'Not saved yet.');
    expect(refused).toContain('(VENDO_NAME_TAKEN)');
    await tmux.step(['Down', 'Enter'], 'Discarded.');
    expect(await h.core!.db('vendos')).toHaveLength(1);
    const list = await tmux.step(['1', 'Enter'], 'LAST SEEN');
    expect(list).toMatch(/NAME\s+STATUS\s+PROFILE\s+RATES/);
    expect(list).toMatch(/Front box\s+offline\s+BASIC\s+₱5=1h/);
  });

  test('a cash count is checked as it is typed: -50 is refused in place, not after the note', async () => {
    await tmux.step(['7', 'Enter'], 'Record a collection for which vendo?');
    await tmux.step(['Enter'], 'Counted in the box (₱):');
    await tmux.step(['-50', 'Enter'], 'counted: "-50" is not an amount');
    expect(tmux.screen()).not.toContain('Note (optional):');
    await tmux.step(['BSpace', 'BSpace', 'BSpace', '50', 'Enter'], 'Note (optional):');
    await tmux.step(['Enter'], 'Collection recorded: counted ₱50.00');
    const rows = await h.core!.db('vendo_collections');
    expect(rows.map((r) => Number(r.counted))).toEqual([5000]);
  });
});
