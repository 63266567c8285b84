/**
 * A voucher batch made in the terminal reaches its routers at once: `pisonet vouchers generate
 * --site` connects to that branch's router and adds the codes there, `--roaming` adds them to every router it
 * can reach; a branch router that is down loses nothing (saved, said so, exit 0) and the server's next poll of
 * that site puts the codes there exactly once; a push by the terminal racing the server's own is not doubled.
 */
import { SYSTEM } from '../../src/services/types';
import type { Harness } from '../helpers/harness';
import { describePlaces, type TerminalBatch } from '../../cli/lib/site-batch';
import { openSiteRouter } from '../../cli/lib/site-router';
import { runCli } from '../cli/helpers';
import { harnessWithBranches, replaceRouter, type Branch } from './helpers';

// Each test starts CLI processes (tsx compiles the CLI each time): generous on a loaded 2-core machine.
jest.setTimeout(180_000);

type Row = { code: string; site_id: number | null; router_user_id: string | null };

describe('a terminal batch on its routers', () => {
  let h: Harness;
  let branch: Record<'a' | 'b', Branch>;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ h, branch, close } = await harnessWithBranches());
  });
  afterAll(() => close());

  const rowsLike = async (prefix: string) =>
    (await h
      .core!.db('vouchers')
      .where('code', 'like', `${prefix}%`)
      .orderBy('id')
      .select('code', 'site_id', 'router_user_id')) as Row[];
  /** How many hotspot users named `code` a router has. */
  const usersNamed = (sim: Branch['sim'], code: string) =>
    sim.rows('/ip/hotspot/user').filter((u) => u.name === code);
  const stackOf = (b: Branch) => h.core!.siteStacks.get(b.id)!;
  /** `pisonet vouchers generate --profile BASIC --count N --prefix P` plus `where` (--site, --roaming, --json). */
  const generate = (count: number, prefix: string, where: string[], env?: Record<string, string>) =>
    runCli(
      h,
      ['vouchers', 'generate', '--profile', 'BASIC', '--count', String(count), '--prefix', prefix, ...where],
      env ? { env } : undefined,
    );

  test('--site: the codes are on the branch’s router at once, with their router ids; the server leaves them be', async () => {
    const res = await generate(3, 'BA', ['--site', 'branch-a']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Batch #\d+: 3 BASIC voucher\(s\) at ₱5\.00 each for branch-a\./);
    expect(res.stdout).toContain("The codes are on branch-a's router.");
    expect(res.stdout).not.toContain('next poll');
    const rows = await rowsLike('BA');
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(Number(r.site_id)).toBe(branch.a.id);
      const users = usersNamed(branch.a.sim, r.code);
      expect(users).toHaveLength(1);
      // Recorded as on its router: the server's sync does not push it again.
      expect(r.router_user_id).toBe(users[0]['.id']);
      expect(usersNamed(h.sim, r.code)).toHaveLength(0);
      expect(usersNamed(branch.b.sim, r.code)).toHaveLength(0);
    }
    // The server's poll of branch A and a full users check change nothing about them.
    await stackOf(branch.a).pollOnce();
    const check = await stackOf(branch.a).hotspotUsers!.check();
    expect(check.added).toBe(0);
    expect(await rowsLike('BA')).toEqual(rows);
    for (const r of rows) expect(usersNamed(branch.a.sim, r.code)).toHaveLength(1);

    // --json says where, per site.
    const json = await generate(2, 'BJ', ['--site', 'branch-a', '--json']);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as {
      router_pending: number;
      sites: unknown[];
      vouchers: { on_router: boolean }[];
    };
    expect(out.router_pending).toBe(0);
    expect(out.sites).toEqual([{ id: branch.a.id, name: 'branch-a', state: 'on', pending: 0 }]);
    expect(out.vouchers.every((v) => v.on_router)).toBe(true);
  });

  test('a branch router that is down: saved, said so, exit 0; the server’s next poll adds them exactly once', async () => {
    branch.b.sim.setReachable(false);
    await waitFor(() => !stackOf(branch.b).router.status.connected);
    let batchId: number;
    try {
      const res = await generate(3, 'BD', ['--site', 'branch-b'], { ROUTER_TIMEOUT_SECONDS: '1' });
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).toContain(
        'Saved; branch-b is down (its router cannot be reached now; details in the log): the server adds them at its next poll of branch-b.',
      );
      expect(res.stdout).not.toContain('The codes are on');
      batchId = Number(/Batch #(\d+)/.exec(res.stdout)![1]);
      const saved = await rowsLike('BD');
      expect(saved).toHaveLength(3);
      expect(saved.every((r) => r.router_user_id === null && Number(r.site_id) === branch.b.id)).toBe(true);
      for (const r of saved) expect(usersNamed(branch.b.sim, r.code)).toHaveLength(0);
    } finally {
      branch.b.sim.setReachable(true);
    }
    await waitFor(() => stackOf(branch.b).router.status.connected);
    await stackOf(branch.b).pollOnce();
    const rows = await rowsLike('BD');
    for (const r of rows) {
      const users = usersNamed(branch.b.sim, r.code);
      expect(users).toHaveLength(1);
      expect(r.router_user_id).toBe(users[0]['.id']);
    }
    // Another poll, and a late push of the same batch (the terminal run again): still one user each.
    await stackOf(branch.b).pollOnce();
    expect(await stackOf(branch.b).hotspotUsers!.pushBatch(batchId)).toEqual({ created: 0, pending: 0 });
    for (const r of rows) expect(usersNamed(branch.b.sim, r.code)).toHaveLength(1);
    expect(await rowsLike('BD')).toEqual(rows);
  });

  test('the terminal’s push racing the server’s sync of the same codes adds each user once', async () => {
    // Codes saved while branch A is away (as a terminal would leave them), then both push at once.
    branch.a.sim.setReachable(false);
    await waitFor(() => !stackOf(branch.a).router.status.connected);
    const { batchId } = await h.core!.services.vouchers.generate(
      { profile: 'BASIC', count: 20, prefix: 'RACE', site: 'branch-a' },
      SYSTEM,
    );
    branch.a.sim.setReachable(true);
    await waitFor(() => stackOf(branch.a).router.status.connected);
    const terminal = await openSiteRouter(h.core!, 'branch-a');
    try {
      const [pushed] = await Promise.all([
        terminal.hotspotUsers!.pushBatch(batchId),
        stackOf(branch.a).hotspotUsers!.sync(),
      ]);
      expect(pushed.pending).toBe(0);
    } finally {
      await terminal.close();
    }
    const rows = await rowsLike('RACE');
    expect(rows).toHaveLength(20);
    for (const r of rows) {
      const users = usersNamed(branch.a.sim, r.code);
      expect(users).toHaveLength(1);
      expect(r.router_user_id).toBe(users[0]['.id']);
    }
    // The server's next check agrees with what was recorded.
    const check = await stackOf(branch.a).hotspotUsers!.check();
    expect(check.added + check.fixed).toBe(0);
    expect(await rowsLike('RACE')).toEqual(rows);
  });

  test('pushBatch on a site’s router leaves another site’s codes alone', async () => {
    const { batchId } = await h.core!.services.vouchers.generate(
      { profile: 'BASIC', count: 2, prefix: 'HOME', site: 'default' },
      SYSTEM,
    );
    expect(await stackOf(branch.a).hotspotUsers!.pushBatch(batchId)).toEqual({ created: 0, pending: 0 });
    for (const r of await rowsLike('HOME')) {
      expect(usersNamed(branch.a.sim, r.code)).toHaveLength(0);
      expect(usersNamed(h.sim, r.code)).toHaveLength(1);
    }
  });

  test('--roaming: on every router it reaches; a branch that is down gets them at its users check, once', async () => {
    const all = await generate(2, 'RMA', ['--roaming']);
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(', roaming (every site).');
    expect(all.stdout).toContain('The codes are on the routers of default, branch-a and branch-b.');
    for (const r of await rowsLike('RMA')) {
      expect(r.site_id).toBeNull();
      expect(r.router_user_id).toBeNull(); // a roaming code keeps no one router id
      for (const sim of [h.sim, branch.a.sim, branch.b.sim]) expect(usersNamed(sim, r.code)).toHaveLength(1);
    }

    branch.b.sim.setReachable(false);
    await waitFor(() => !stackOf(branch.b).router.status.connected);
    try {
      const down = await generate(2, 'RMB', ['--roaming'], { ROUTER_TIMEOUT_SECONDS: '1' });
      expect(down.stderr).toBe('');
      expect(down.code).toBe(0);
      expect(down.stdout).toContain('The codes are on the routers of default and branch-a.');
      expect(down.stdout).toContain(
        'Saved; branch-b is down (its router cannot be reached now; details in the log): the server adds them at its next users check of branch-b (at once when it reconnects to it).',
      );
    } finally {
      branch.b.sim.setReachable(true);
    }
    const roaming = await rowsLike('RMB');
    for (const r of roaming) expect(usersNamed(branch.b.sim, r.code)).toHaveLength(0);
    // The reconnect asks for a users check: the server's next poll of branch B runs it.
    await waitFor(() => stackOf(branch.b).router.status.connected);
    await stackOf(branch.b).pollOnce();
    await stackOf(branch.b).pollOnce();
    for (const r of [...roaming, ...(await rowsLike('RMA'))])
      for (const sim of [h.sim, branch.a.sim, branch.b.sim]) expect(usersNamed(sim, r.code)).toHaveLength(1);
  });

  test('another machine at a branch’s address (safe mode): saved, said so, nothing written to it', async () => {
    // Branch B's router is replaced by another machine at the same address and port.
    branch.b = await replaceRouter(branch.b, 'Not-Branch-B'); // stopped by close()
    const other = branch.b.sim;
    const res = await generate(2, 'SAFE', ['--site', 'branch-b']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /Saved; branch-b's router is in safe mode \(This database belongs to router "Branch-B" .*\): they go on it once it is adopted\./,
    );
    const rows = await rowsLike('SAFE');
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.router_user_id === null)).toBe(true);
    expect(other.rows('/ip/hotspot/user').filter((u) => u.name.startsWith('SAFE'))).toHaveLength(0);
  });

  test('the wording for a router in safe mode, one that took only some codes, and a shop with one site', () => {
    const batch = (places: TerminalBatch['places'], roaming = false): TerminalBatch => ({
      batchId: 1,
      vouchers: [],
      design: 'compact',
      routerPending: 0,
      roaming,
      places,
    });
    const x = { id: 2, name: 'branch-x' };
    const home = { id: 1, name: 'default' };
    expect(
      describePlaces(batch([{ site: x, state: 'safe', pending: 3, why: 'another router answers' }]), true),
    ).toEqual([
      {
        text: "Saved; branch-x's router is in safe mode (another router answers): they go on it once it is adopted.",
        warn: true,
      },
    ]);
    expect(describePlaces(batch([{ site: x, state: 'partial', pending: 2 }]), true)).toEqual([
      {
        text: "2 not on branch-x's router yet (the router did not take them): the server adds them at its next poll of branch-x.",
        warn: true,
      },
    ]);
    // One site: a batch on the router says nothing more; one the router did not take, as before sites existed.
    expect(describePlaces(batch([{ site: home, state: 'on', pending: 0 }]), false)).toEqual([]);
    expect(describePlaces(batch([{ site: home, state: 'away', pending: 4 }]), false)).toEqual([
      {
        text: '4 voucher(s) are not on the router yet; they are pushed when it is reachable.',
        warn: true,
      },
    ]);
    // Several sites: a default batch names its router.
    expect(describePlaces(batch([{ site: home, state: 'on', pending: 0 }]), true)).toEqual([
      { text: "The codes are on default's router.", warn: false },
    ]);
  });
});

async function waitFor(ok: () => boolean, ms = 20000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
