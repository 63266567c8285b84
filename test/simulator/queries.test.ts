/**
 * `print` with `.proplist` and query words, as the fair-use watch sends them (docs/routeros.md "Queries"): one
 * `?name=` per item OR-ed with `?#|`, over the menus the watch and the poll read. RouterOS's stack starts as
 * endless `true`, so a chain that ORs before its second name matches everything: the simulator must do the same.
 */
import { RouterSimulator } from '../../src/simulator';
import { attrs, RawClient } from './raw-client';

let sim: RouterSimulator;
let c: RawClient;

beforeEach(async () => {
  sim = new RouterSimulator();
  c = await RawClient.login((await sim.start()).port);
});

afterEach(async () => {
  await c.close();
  await sim.stop();
});

/** `?name=a ?name=b ?#| ?name=c ?#| …`: one equality per value, OR-ed from the second on. */
function anyOf(prop: string, values: readonly string[]): string[] {
  const words: string[] = [];
  values.forEach((v, i) => {
    words.push(`?${prop}=${v}`);
    if (i > 0) words.push('?#|');
  });
  return words;
}

const names = (reply: string[][]): string[] => reply.filter((s) => s[0] === '!re').map((s) => attrs(s).name);

describe('queries on /queue/simple', () => {
  beforeEach(async () => {
    for (let i = 0; i < 300; i++)
      await c.ok(['/queue/simple/add', `=name=q${i}`, `=target=10.5.${i >> 8}.${i & 255}`]);
  });

  it('two names OR-ed, with a .proplist: just those rows, just those properties, in router order', async () => {
    const reply = await c.command([
      '/queue/simple/print',
      '=.proplist=name,bytes',
      '?name=q7',
      '?name=q3',
      '?#|',
    ]);
    expect(reply).toEqual([['!re', '=name=q3', '=bytes=0/0'], ['!re', '=name=q7', '=bytes=0/0'], ['!done']]);
  });

  it('a chain of 200 names answers exactly those 200 rows', async () => {
    const wanted = Array.from({ length: 200 }, (_, i) => `q${(i * 7) % 300}`);
    const reply = await c.command(['/queue/simple/print', '=.proplist=name', ...anyOf('name', wanted)]);
    expect(names(reply).sort()).toEqual([...new Set(wanted)].sort());
    expect(reply.at(-1)).toEqual(['!done']);
  });

  it('names that are not there match nothing; one that is matches alone', async () => {
    // RouterOS 7.18 and later answer a print with no rows `!empty`, then `!done` (docs/routeros.md "Reply words").
    expect(
      await c.command(['/queue/simple/print', '=.proplist=name', ...anyOf('name', ['x', 'y', 'z'])]),
    ).toEqual([['!empty'], ['!done']]);
    expect(names(await c.command(['/queue/simple/print', ...anyOf('name', ['x', 'q42', 'z'])]))).toEqual([
      'q42',
    ]);
  });

  it('two names without ?#| are AND-ed (no row has both); an OR before the second name matches every row', async () => {
    expect(await c.command(['/queue/simple/print', '?name=q1', '?name=q2'])).toEqual([['!empty'], ['!done']]);
    // `?name=q1 ?#|` ORs q1 with the endless true below it: every row passes, as on RouterOS.
    const all = await c.command(['/queue/simple/print', '=.proplist=name', '?name=q1', '?#|']);
    expect(names(all)).toHaveLength(300);
  });

  it('a chain of names builds only the rows it names, and answers as testing every row does', async () => {
    await c.ok(['/queue/simple/set', '=numbers=q5', '=name=a=b']);
    const wanted = ['q250', 'q9', 'a=b', 'nope', 'q9', 'q120'];
    const before = sim.stats.rowsBuilt;
    const chain = await c.command(['/queue/simple/print', '=.proplist=.id,name', ...anyOf('name', wanted)]);
    // Only the 4 named rows were built, not the 300 (a watch read of 100 names among 10,000 queues).
    expect(sim.stats.rowsBuilt - before).toBe(4);
    expect(names(chain)).toEqual(['a=b', 'q9', 'q120', 'q250']);
    // The same rows, in the same order, as a query the stack machine tests row by row (it starts with another
    // property, so no name index answers it; every queue here is static).
    const tested = await c.command([
      '/queue/simple/print',
      '=.proplist=.id,name',
      '?dynamic=false',
      ...anyOf('=name', wanted),
      '?#&',
    ]);
    expect(sim.stats.rowsBuilt - before).toBe(4 + 300);
    expect(tested).toEqual(chain);
  });

  it('a chain that later words only narrow (`?dynamic=false ?#&`, another name) builds only the named rows', async () => {
    const wanted = ['q250', 'q9', 'q120'];
    const rowByRow = (words: string[]) =>
      c.command(['/queue/simple/print', '=.proplist=.id,name', '?disabled=false', ...words, '?#&']);
    const indexed = (words: string[]) => c.command(['/queue/simple/print', '=.proplist=.id,name', ...words]);
    for (const words of [
      [...anyOf('name', wanted), '?dynamic=false', '?#&'],
      [...anyOf('name', wanted), '?dynamic=true', '?#&'],
      [...anyOf('name', wanted), '?name=q9'],
      ['?name=q9', '?name=q9'],
    ]) {
      const before = sim.stats.rowsBuilt;
      const reply = await indexed(words);
      expect(sim.stats.rowsBuilt - before).toBeLessThanOrEqual(3);
      expect(reply).toEqual(await rowByRow(words));
    }
    expect(names(await indexed([...anyOf('name', wanted), '?dynamic=false', '?#&']))).toEqual([
      'q9',
      'q120',
      'q250',
    ]);
  });

  it('a chain an OR or a NOT could reach past is tested row by row, as RouterOS does', async () => {
    const before = sim.stats.rowsBuilt;
    // `(q1 OR q2) OR static`: every queue; `NOT (q1 OR q2)`: all but two.
    const or = await c.command([
      '/queue/simple/print',
      '=.proplist=name',
      ...anyOf('name', ['q1', 'q2']),
      '?dynamic=false',
      '?#|',
    ]);
    expect(names(or)).toHaveLength(300);
    const not = await c.command([
      '/queue/simple/print',
      '=.proplist=name',
      ...anyOf('name', ['q1', 'q2']),
      '?#!',
    ]);
    expect(names(not)).toHaveLength(298);
    expect(sim.stats.rowsBuilt - before).toBe(600);
  });

  it('a query operation RouterOS does not have is refused, with the argument category', async () => {
    const reply = await c.command(['/queue/simple/print', '?name=q1', '?name=q2', '?#+']);
    expect(reply[0][0]).toBe('!trap');
    expect(attrs(reply[0]).category).toBe('1');
    expect(reply.at(-1)).toEqual(['!done']);
  });
});

describe('queries on /ppp/secret', () => {
  it('a chain of names builds only the secrets it names, in router order', async () => {
    for (let i = 0; i < 20; i++) await c.ok(['/ppp/secret/add', `=name=s${i}`, '=password=p']);
    const before = sim.stats.rowsBuilt;
    const reply = await c.command([
      '/ppp/secret/print',
      '=.proplist=name',
      ...anyOf('name', ['s17', 's2', 's99']),
    ]);
    expect(names(reply)).toEqual(['s2', 's17']);
    expect(sim.stats.rowsBuilt - before).toBe(2);
  });
});

describe('queries on /ip/hotspot/active', () => {
  it('sessions of several MACs in one print, with their counters', async () => {
    await c.ok(['/ip/hotspot/user/profile/add', '=name=three', '=shared-users=3']);
    await c.ok(['/ip/hotspot/user/add', '=name=V1', '=password=1', '=profile=three']);
    const macs = ['02:50:00:00:00:01', '02:50:00:00:00:02', '02:50:00:00:00:03'];
    for (const [i, mac] of macs.entries()) {
      sim.addDevice({ mac, ip: `10.5.50.${11 + i}` });
      await c.ok([
        '/ip/hotspot/active/login',
        '=user=V1',
        '=password=1',
        `=ip=10.5.50.${11 + i}`,
        `=mac-address=${mac}`,
      ]);
    }
    const reply = await c.command([
      '/ip/hotspot/active/print',
      '=.proplist=mac-address,bytes-in,bytes-out',
      ...anyOf('mac-address', [macs[0], macs[2], '02:50:00:00:00:99']),
    ]);
    expect(reply.filter((s) => s[0] === '!re').map((s) => attrs(s)['mac-address'])).toEqual([
      macs[0],
      macs[2],
    ]);
    expect(Object.keys(attrs(reply[0])).sort()).toEqual(['bytes-in', 'bytes-out', 'mac-address']);
  });
});

describe('queries on the PPP sessions and their interfaces', () => {
  beforeEach(async () => {
    await c.ok(['/ip/pool/add', '=name=pool', '=ranges=10.10.0.2-10.10.0.40']);
    await c.ok([
      '/ppp/profile/add',
      '=name=plan',
      '=local-address=10.10.0.1',
      '=remote-address=pool',
      '=rate-limit=2M/5M',
    ]);
    await c.ok(['/interface/pppoe-server/server/add', '=interface=ether2', '=disabled=no']);
    for (let i = 0; i < 30; i++) {
      await c.ok(['/ppp/secret/add', `=name=s${i}`, '=password=pw', '=service=pppoe', '=profile=plan']);
      const mac = `aa:bb:cc:00:00:${i.toString(16).padStart(2, '0')}`;
      expect((await sim.pppoe.dial({ mac, user: `s${i}`, password: 'pw' })).ok).toBe(true);
    }
  });

  // What the fair-use watch reads for a subscriber: its session, its interface's counters, its dynamic queue.
  it.each([
    ['/ppp/active', (n: string) => n, []],
    ['/interface', (n: string) => `<pppoe-${n}>`, []],
    ['/queue/simple', (n: string) => `<pppoe-${n}>`, ['?dynamic=true', '?#&']],
  ])(
    '%s: a chain of names builds only those rows, as testing every row answers',
    async (menu, name, narrow) => {
      const wanted = ['s21', 's3', 'nobody', 's17'].map(name);
      const before = sim.stats.rowsBuilt;
      const reply = await c.command([
        `${menu}/print`,
        '=.proplist=.id,name',
        ...anyOf('name', wanted),
        ...narrow,
      ]);
      expect(sim.stats.rowsBuilt - before).toBe(3);
      // In the menu's order (a session's dynamic queue goes first, so the newest is first there).
      expect(names(reply).sort()).toEqual(['s17', 's21', 's3'].map(name).sort());
      const tested = await c.command([
        `${menu}/print`,
        '=.proplist=.id,name',
        '?.id',
        ...anyOf('name', wanted),
        '?#&',
        ...narrow,
      ]);
      expect(tested).toEqual(reply);
    },
  );
});
