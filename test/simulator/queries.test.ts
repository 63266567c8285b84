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
    // The same rows, in the same order, as a query the stack machine tests row by row (`?=name=` is the same
    // equality; a trailing `?#&` with the endless true below changes nothing).
    const tested = await c.command([
      '/queue/simple/print',
      '=.proplist=.id,name',
      ...anyOf('=name', wanted),
      '?#&',
    ]);
    expect(sim.stats.rowsBuilt - before).toBe(4 + 300);
    expect(tested).toEqual(chain);
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
