/**
 * The terminal menu in safe mode: a database that does not know the router it meets (here an empty one, a typo in
 * DATABASE_URL, meeting a router that already holds PisoNet users) says so on the main menu's router line instead
 * of "connected", and the operator adopts the router from Sites (8); the line is back to "connected" after.
 */
import path from 'node:path';
import { SYSTEM } from '../../src/services/types';
import { createHarness, type Harness } from '../helpers/harness';
import { cliEnv, TmuxCli } from './helpers';

jest.setTimeout(120_000);

describe('menu: the .env router in safe mode', () => {
  let h: Harness;
  const tmux = new TmuxCli();

  beforeAll(async () => {
    h = await createHarness();
    // The router holds this shop's voucher users (the harness's database made them).
    await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 2 }, SYSTEM);
    expect(h.sim.rows('/ip/hotspot/user').length).toBeGreaterThanOrEqual(2);
  });
  afterAll(async () => {
    tmux.kill();
    await h.close();
  });

  test('the router line says safe mode; Sites → Adopt ends it', async () => {
    const other = `sqlite:${path.join(h.dir, 'empty.sqlite')}`;
    tmux.start(cliEnv(h, { DATABASE_URL: other }), { width: 120 });
    const first = await tmux.waitFor('0) Exit', { timeoutMs: 60000 });
    expect(first).toContain('SAFE MODE: nothing is written to it; adopt it under Sites (8)');
    expect(first).not.toContain('router: connected');

    await tmux.step(['8', 'Enter'], 'Adopt a site’s router (ends safe mode)');
    await tmux.step(['6', 'Enter'], 'Adopt the router of which site?');
    const asked = await tmux.step(['Enter'], 'for this database?');
    expect(asked).toContain('This database is empty, but router');
    await tmux.step(['y', 'Enter'], 'the next poll brings it to this database');
    const main = await tmux.step(['0', 'Enter'], '8) Sites (routers)');
    const line = main.slice(main.lastIndexOf('SAFE MODE') + 1);
    expect(line).toContain('router: connected · ');
  });
});
