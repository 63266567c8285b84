/**
 * The terminal menu's profile and voucher screens per site: with more than one site the profile list
 * shows each profile's site, Create and Edit ask "Which sites sell it?" (the service's refusals shown, nothing
 * lost), and a batch is made for a site (default first, then the others, then roaming) with only the profiles
 * sold there offered, put on that site's router (roaming: on every router) and saying where the codes are; the
 * voucher list shows each code's site.
 */
import { SYSTEM } from '../../src/services/types';
import type { Harness } from '../helpers/harness';
import { cliEnv, TmuxCli } from '../cli/helpers';
import { RATES } from '../vendos/helpers';
import { api, harnessWithBranches, type Branch } from './helpers';

jest.setTimeout(180_000);

describe('menu profiles and batches per site', () => {
  let h: Harness;
  let branch: Record<'a' | 'b', Branch>;
  let close: () => Promise<void>;
  let tmux: TmuxCli;
  const profileRow = (name: string) => h.core!.db('profiles').where({ name }).first('id', 'site_id');

  beforeAll(async () => {
    ({ h, branch, close } = await harnessWithBranches());
    // A profile of branch B only, and a shared one a shared vendo sells.
    await h.core!.services.profiles.create(
      { name: 'BONLY', price: 7, validity: '2h', users: 1, rate_up: '1M', rate_down: '3M', site: 'branch-b' },
      SYSTEM,
    );
    await h.core!.services.profiles.create(
      { name: 'BOXED', price: 3, validity: '30m', users: 1, rate_up: '1M', rate_down: '2M' },
      SYSTEM,
    );
    expect(
      (await api(h, 'POST', '/vendos', { name: 'Shared box', profile: 'BOXED', rates: RATES })).status,
    ).toBe(201);
    tmux = new TmuxCli();
    tmux.start(cliEnv(h, { NO_COLOR: '' }), { width: 100 });
    await tmux.waitFor('0) Exit', { timeoutMs: 60000 });
  });
  afterAll(async () => {
    tmux.kill();
    await close();
  });

  test('profiles: the list shows the site; create asks which sites sell it', async () => {
    await tmux.step(['3', 'Enter'], 'List (archived ones too)');
    const list = await tmux.step(['1', 'Enter'], 'BONLY');
    expect(list).toMatch(/BASIC .*all sites/);
    expect(list).toMatch(/BONLY .*branch-b only/);

    await tmux.step(['2', 'Enter'], 'Name (letters, digits, - and _):');
    await tmux.step(['ATWO', 'Enter'], 'Sold as:');
    await tmux.step(['Enter'], 'Price (₱):');
    await tmux.step(['12', 'Enter'], 'Validity');
    await tmux.step(['2h', 'Enter'], 'Devices per voucher:');
    await tmux.step(['Enter'], 'Upload speed');
    await tmux.step(['1M', 'Enter'], 'Download speed');
    await tmux.step(['2M', 'Enter'], 'Advanced settings');
    const asked = await tmux.step(['Enter'], 'Which sites sell it?');
    const choices = asked.slice(asked.lastIndexOf('Which sites sell it?'));
    for (const c of ['All sites (shared)', 'default only', 'branch-a only', 'branch-b only'])
      expect(choices).toContain(c);
    await tmux.step(['Down', 'Down', 'Enter'], 'Profile ATWO: 2h, 2M down / 1M up, branch-a only created.');
    expect(await profileRow('ATWO')).toMatchObject({ site_id: branch.a.id });
  });

  test('edit: the service’s refusal is shown and nothing is lost; a later answer saves', async () => {
    await tmux.step(['3', 'Enter'], 'Edit which profile?');
    const picker = await tmux.waitFor('BOXED: 30m, 2M down / 1M up, all sites');
    expect(picker).toContain('BONLY: 2h, 3M down / 1M up, branch-b only');
    // Profiles by name: ATWO, BASIC…, BONLY, BOXED; walk to BOXED.
    const names = (await h.core!.services.profiles.list()).map((p) => p.name);
    const down = Array<string>(names.indexOf('BOXED')).fill('Down');
    await tmux.step([...down, 'Enter'], 'Price (₱):');
    await tmux.step(['4', 'Enter'], 'Validity');
    for (const next of ['Devices per voucher:', 'Upload speed', 'Download speed', 'Advanced settings'])
      await tmux.step(['Enter'], next);
    // Now shared (pre-selected); tie it to branch B: a shared vendo sells it, so the service refuses.
    await tmux.step(['Enter'], 'Which sites sell it?');
    const refused = await tmux.step(['Down', 'Down', 'Down', 'Enter'], 'Not saved yet.');
    expect(refused).toContain('the vendo Shared box sells it elsewhere');
    expect(refused).toContain('(PROFILE_USED_BY_VENDO)');
    expect(await h.core!.db('profiles').where({ name: 'BOXED' }).first('price', 'site_id')).toEqual({
      price: 300,
      site_id: null,
    });
    // Fix the answers: what was typed comes back (price 4); keep it shared this time.
    await tmux.step(['Enter'], 'Price (₱):');
    const again = tmux.screen();
    expect(again.slice(again.lastIndexOf('Price (₱):'))).toContain('(4)');
    await tmux.step(['Enter'], 'Validity');
    for (const next of ['Devices per voucher:', 'Upload speed', 'Download speed', 'Advanced settings'])
      await tmux.step(['Enter'], next);
    await tmux.step(['Enter'], 'Which sites sell it?');
    // branch-b was the last answer (kept as the default); back up to All sites.
    await tmux.step(['Up', 'Up', 'Up', 'Enter'], 'Profile BOXED: 30m, 2M down / 1M up, all sites saved.');
    expect(await h.core!.db('profiles').where({ name: 'BOXED' }).first('price', 'site_id')).toEqual({
      price: 400,
      site_id: null,
    });
    await tmux.step(['0', 'Enter'], '0) Exit');
  });

  test('vouchers: a batch for a branch offers its profiles and says where the codes are; roaming too', async () => {
    await tmux.step(['1', 'Enter'], 'Generate a batch');
    const sites = await tmux.step(['1', 'Enter'], 'For which site?');
    const order = sites.slice(sites.lastIndexOf('For which site?'));
    expect(order.indexOf('default')).toBeLessThan(order.indexOf('branch-a'));
    expect(order.indexOf('branch-b')).toBeLessThan(order.indexOf('Roaming: every site'));
    const offered = await tmux.step(['Down', 'Enter'], 'Profile:');
    const atA = offered.slice(offered.lastIndexOf('Profile:'));
    expect(atA).toContain('ATWO');
    expect(atA).toContain('BASIC');
    expect(atA).not.toContain('BONLY');
    const profiles = (await h.core!.services.profiles.list({ siteId: branch.a.id })).map((p) => p.name);
    const down = Array<string>(profiles.indexOf('ATWO')).fill('Down');
    await tmux.step([...down, 'Enter'], 'How many?');
    await tmux.step(['3', 'Enter'], 'Code style:');
    await tmux.step(['Enter'], 'Code prefix');
    const made = await tmux.step(['BRA', 'Enter'], 'voucher(s) generated for branch-a.');
    // The menu connects to branch A's router and adds them there at once.
    expect(made).toContain("The codes are on branch-a's router.");
    const rows = (await h.core!.db('vouchers').where('code', 'like', 'BRA%')) as {
      code: string;
      site_id: number;
    }[];
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => Number(r.site_id) === branch.a.id)).toBe(true);
    // On branch A's router, recorded as there; not on the .env router.
    for (const r of rows) {
      const users = branch.a.sim.rows('/ip/hotspot/user').filter((u) => u.name === r.code);
      expect(users).toHaveLength(1);
      expect(
        (await h.core!.db('vouchers').where({ code: r.code }).first('router_user_id')).router_user_id,
      ).toBe(users[0]['.id']);
    }
    expect(h.sim.rows('/ip/hotspot/user').map((u) => u.name)).not.toContain(rows[0].code);

    // Roaming: only the shared profiles are offered.
    await tmux.step(['1', 'Enter'], 'For which site?');
    const shared = await tmux.step(['Down', 'Down', 'Down', 'Enter'], 'Profile:');
    const roamingChoices = shared.slice(shared.lastIndexOf('Profile:'));
    expect(roamingChoices).toContain('BASIC');
    expect(roamingChoices).not.toContain('ATWO');
    expect(roamingChoices).not.toContain('BONLY');
    await tmux.step(['Enter'], 'How many?');
    await tmux.step(['2', 'Enter'], 'Code style:');
    await tmux.step(['Enter'], 'Code prefix');
    const roaming = await tmux.step(['ROAM', 'Enter'], 'voucher(s) generated, roaming (every site).');
    expect(roaming).toContain('The codes are on the routers of default, branch-a and branch-b.');
    expect(roaming).toContain('Roaming codes work on every site until first used');
    const roamed = (await h.core!.db('vouchers').where('code', 'like', 'ROAM%')) as {
      site_id: number | null;
      roaming: unknown;
    }[];
    expect(roamed).toHaveLength(2);
    expect(roamed.every((r) => r.site_id === null && Boolean(r.roaming))).toBe(true);
    const roamCodes = (await h.core!.db('vouchers').where('code', 'like', 'ROAM%').pluck('code')) as string[];
    for (const sim of [h.sim, branch.a.sim, branch.b.sim])
      for (const code of roamCodes)
        expect(sim.rows('/ip/hotspot/user').filter((u) => u.name === code)).toHaveLength(1);

    // The list shows each code's site.
    await tmux.step(['2', 'Enter'], 'Search code');
    await tmux.step(['Enter'], 'Status:');
    const list = await tmux.step(['Enter'], 'ROAM');
    expect(list).toMatch(/CODE\s+SITE\s+PROFILE/);
    expect(list).toMatch(/BRA\w+\s+branch-a\s+ATWO/);
    const first = (await h.core!.services.profiles.list({ siteId: null }))[0].name;
    expect(list).toMatch(new RegExp(`ROAM\\w+\\s+roaming\\s+${first}`));
  });
});
