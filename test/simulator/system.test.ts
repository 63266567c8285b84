/** `/system/license` and `/system/resource`: which machine this is, and how long it has been up. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RouterSimulator, RouterSimulatorOptions } from '../../src/simulator';
import { attrs, RawClient } from './raw-client';

let now = Date.UTC(2026, 0, 1);
const clock = (): number => now;
const running: { sim: RouterSimulator; c: RawClient }[] = [];

async function router(opts: RouterSimulatorOptions = {}): Promise<{ sim: RouterSimulator; c: RawClient }> {
  const sim = new RouterSimulator({ clock, ...opts });
  const c = await RawClient.login((await sim.start()).port);
  running.push({ sim, c });
  return { sim, c };
}

async function printOne(c: RawClient, menu: string): Promise<Record<string, string>> {
  const reply = await c.command([`${menu}/print`]);
  expect(reply.map((s) => s[0])).toEqual(['!re', '!done']);
  return attrs(reply[0]);
}

afterEach(async () => {
  for (const { sim, c } of running.splice(0)) {
    await c.close();
    await sim.stop();
  }
});

describe('/system/license', () => {
  it('a CHR (the default, and the demo board) shows system-id and level, no RouterBOARD fields', async () => {
    const { sim, c } = await router();
    const license = await printOne(c, '/system/license');
    expect(Object.keys(license).sort()).toEqual(['level', 'system-id']);
    expect(license['system-id']).toMatch(/^[A-Za-z0-9]{11}$/);
    expect(license['system-id']).toBe(sim.licenseId);
    expect(license.level).toBe('p1');
    expect((await printOne(c, '/system/resource'))['board-name']).toMatch(/^CHR QEMU/);
  });

  it('a RouterBOARD shows software-id, nlevel and features', async () => {
    const { c } = await router({ board: 'routerboard', licenseId: 'AB12-CD34' });
    expect(await printOne(c, '/system/license')).toEqual({
      'software-id': 'AB12-CD34',
      nlevel: '4',
      features: '',
    });
    const resource = await printOne(c, '/system/resource');
    expect(resource['board-name']).toBe('hAP ac^2');
    expect(resource['architecture-name']).toBe('arm');
  });

  it('the id is stable for one simulator, different for another, and configurable', async () => {
    const a = await router();
    const b = await router();
    const first = (await printOne(a.c, '/system/license'))['system-id'];
    expect((await printOne(a.c, '/system/license'))['system-id']).toBe(first);
    expect((await printOne(b.c, '/system/license'))['system-id']).not.toBe(first);
    const named = await router({ licenseId: 'Shop1Router' });
    expect((await printOne(named.c, '/system/license'))['system-id']).toBe('Shop1Router');
  });

  it('the state file keeps the id across restarts; an explicit licenseId wins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'routersim-lic-'));
    try {
      const file = join(dir, 'state.json');
      const a = new RouterSimulator({ stateFile: file });
      const id = a.licenseId;
      await a.start();
      await a.stop();
      expect(new RouterSimulator({ stateFile: file }).licenseId).toBe(id);
      const c = new RouterSimulator({ stateFile: file, licenseId: 'OtherRouter' });
      expect(c.licenseId).toBe('OtherRouter');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has no set or add: a licence is not configuration', async () => {
    const { c } = await router();
    const reply = await c.command(['/system/license/set', '=level=p10']);
    expect(reply[0][0]).toBe('!trap');
  });
});

describe('/system/resource uptime', () => {
  it('counts from boot with the clock', async () => {
    now = Date.UTC(2026, 0, 1);
    const { c } = await router();
    expect((await printOne(c, '/system/resource')).uptime).toBe('0s');
    now += (3600 + 61) * 1000;
    expect((await printOne(c, '/system/resource')).uptime).toBe('1h1m1s');
    now += 8 * 86400 * 1000;
    expect((await printOne(c, '/system/resource')).uptime).toBe('1w1d1h1m1s');
  });
});
