/** Wire-level behaviour over real TCP with raw sockets (docs/routeros.md "The API protocol"). */
import { createHash } from 'node:crypto';
import { RouterSimulator } from '../../src/simulator';
import { challengeResponse } from '../../src/simulator/connection';
import { attrs, RawClient } from './raw-client';

let sim: RouterSimulator;
let port: number;
const clients: RawClient[] = [];

async function login(): Promise<RawClient> {
  const c = await RawClient.login(port);
  clients.push(c);
  return c;
}

beforeEach(async () => {
  sim = new RouterSimulator();
  port = (await sim.start()).port;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim.stop();
});

describe('login', () => {
  it('plain: bad password traps, good one is a bare !done; nothing else works before login', async () => {
    const c = await RawClient.connect(port);
    clients.push(c);
    expect(await c.command(['/system/identity/print'])).toEqual([
      ['!trap', '=message=not logged in'],
      ['!done'],
    ]);
    expect(await c.command(['/login', '=name=admin', '=password=nope'])).toEqual([
      ['!trap', '=message=invalid user name or password (6)'],
      ['!done'],
    ]);
    expect(await c.command(['/login', '=name=admin', '=password='])).toEqual([['!done']]);
    expect(await c.command(['/system/identity/print'])).toEqual([['!re', '=name=MikroTik'], ['!done']]);
  });

  it('challenge: the test vector of docs/routeros.md "Login", and a wrong response', async () => {
    expect(challengeResponse('passTest', Buffer.from('abc123', 'hex'))).toBe(
      '0021277bff9ac7caf06aa608e46616d47f',
    );
    await sim.stop();
    sim = new RouterSimulator({ loginMode: 'challenge', users: [{ name: 'api', password: 'secret' }] });
    port = (await sim.start()).port;
    const c = await RawClient.connect(port);
    clients.push(c);
    const [first] = await c.command(['/login', '=name=api', '=password=secret']);
    expect(first[0]).toBe('!done');
    const challenge = attrs(first).ret;
    expect(challenge).toMatch(/^[0-9a-f]{32}$/);
    expect(await c.command(['/login', '=name=api', '=response=00deadbeef'])).toEqual([
      ['!trap', '=message=cannot log in'],
      ['!done'],
    ]);
    const [again] = await c.command(['/login']);
    const md5 = createHash('md5').update(
      Buffer.concat([Buffer.from([0]), Buffer.from('secret'), Buffer.from(attrs(again).ret, 'hex')]),
    );
    expect(await c.command(['/login', '=name=api', `=response=00${md5.digest('hex')}`])).toEqual([['!done']]);
  });
});

describe('replies', () => {
  it('sends !empty for an empty print on 7.18, not when disabled', async () => {
    const c = await login();
    expect(await c.command(['/queue/simple/print', '.tag=5'])).toEqual([
      ['!empty', '.tag=5'],
      ['!done', '.tag=5'],
    ]);
    sim.setEmptyReplies(false);
    expect(await c.command(['/queue/simple/print'])).toEqual([['!done']]);
  });

  it('defaults to no !empty for versions before 7.18', async () => {
    const old = new RouterSimulator({ version: '7.17' });
    const p = (await old.start()).port;
    const c = await RawClient.login(p);
    expect(await c.command(['/queue/simple/print'])).toEqual([['!done']]);
    await c.close();
    await old.stop();
  });

  it('tags every reply, first or last, accepting .tag anywhere', async () => {
    const c = await login();
    const reply = await c.command(['/queue/simple/add', '.tag=a1', '=name=q1', '=target=10.5.50.10']);
    expect(reply).toEqual([['!done', '.tag=a1', '=ret=*1']]);
    await sim.stop();
    sim = new RouterSimulator({ tagPosition: 'last' });
    port = (await sim.start()).port;
    const d = await login();
    expect(await d.command(['/system/identity/print', '.tag=z'])).toEqual([
      ['!re', '=name=MikroTik', '.tag=z'],
      ['!done', '.tag=z'],
    ]);
  });

  it('add returns .ids that are upper-case hex and never reused', async () => {
    const c = await login();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++)
      ids.push(attrs((await c.command(['/queue/simple/add', `=name=q${i}`]))[0]).ret);
    expect(ids.slice(9)).toEqual(['*A', '*B', '*C']);
    await c.command(['/queue/simple/remove', '=.id=*C']);
    expect(attrs((await c.command(['/queue/simple/add', '=name=again']))[0]).ret).toBe('*D');
  });

  it('.proplist omits absent properties and gives empty !re when none are present', async () => {
    const c = await login();
    await c.command(['/queue/simple/add', '=name=q1', '=target=10.5.50.10', '=max-limit=512K/1M']);
    expect(await c.command(['/queue/simple/print', '=.proplist=name,max-limit,nosuch'])).toEqual([
      ['!re', '=name=q1', '=max-limit=512000/1000000'],
      ['!done'],
    ]);
    expect(await c.command(['/queue/simple/print', '=.proplist=nosuch'])).toEqual([['!re'], ['!done']]);
  });

  it('queries with ?#| and count-only', async () => {
    const c = await login();
    for (const n of ['a', 'b', 'c']) await c.command(['/queue/simple/add', `=name=${n}`]);
    const reply = await c.command(['/queue/simple/print', '?name=a', '?name=c', '?#|', '=.proplist=name']);
    expect(reply).toEqual([['!re', '=name=a'], ['!re', '=name=c'], ['!done']]);
    expect(await c.command(['/queue/simple/print', '=count-only=', '?name=b'])).toEqual([
      ['!done', '=ret=1'],
    ]);
    expect(await c.command(['/queue/simple/print', '=count-only=', '?name=zz'])).toEqual([
      ['!done', '=ret=0'],
    ]);
  });

  it('unknown command gives two traps; unknown argument one', async () => {
    const c = await login();
    expect(await c.command(['/queue/simple/frobnicate', '.tag=u'])).toEqual([
      ['!trap', '.tag=u', '=message=no such command or directory (frobnicate)'],
      ['!trap', '.tag=u', '=message=no such command prefix'],
      ['!done', '.tag=u'],
    ]);
    expect((await c.command(['/foo/bar']))[0]).toEqual([
      '!trap',
      '=message=no such command or directory (foo)',
    ]);
    expect(await c.command(['/queue/simple/add', '=name=q', '=speed=1M'])).toEqual([
      ['!trap', '=category=0', '=message=unknown parameter speed'],
      ['!done'],
    ]);
  });

  it('duplicate name and bad values trap with RouterOS texts', async () => {
    const c = await login();
    await c.command(['/queue/simple/add', '=name=q1']);
    expect(await c.command(['/queue/simple/add', '=name=q1'])).toEqual([
      ['!trap', '=category=4', '=message=failure: already have such name'],
      ['!done'],
    ]);
    expect(
      (await c.command(['/queue/simple/add', '=name=q2', '=max-limit=1M', '=limit-at=2M/512k']))[0],
    ).toContain('=message=failure: upload-max-limit less than upload-limit');
    expect((await c.command(['/queue/simple/add', '=name=q3', '=max-limit=lots']))[0]).toContain(
      '=message=invalid value for argument max-limit',
    );
    expect((await c.command(['/queue/simple/set', '=.id=*99', '=comment=x']))[0]).toContain(
      '=message=no such item',
    );
  });

  it('answers the # keepalive with a tagged trap and done, and keeps the session', async () => {
    const c = await login();
    expect(await c.command(['#', '.tag=ka'])).toEqual([
      ['!trap', '.tag=ka', '=message=no such command'],
      ['!done', '.tag=ka'],
    ]);
    expect((await c.command(['/system/identity/print']))[0]).toEqual(['!re', '=name=MikroTik']);
  });

  it('/cancel stops a listen: interrupted trap, cancel done, then the target done', async () => {
    const c = await login();
    c.send(['/queue/simple/listen', '.tag=L']);
    await c.command(['/queue/simple/add', '=name=q1', '.tag=A']).then((r) => {
      expect(r[0][0]).toBe('!re');
      expect(r[0]).toContain('.tag=L');
      expect(r[1]).toEqual(['!done', '.tag=A', '=ret=*1']);
    });
    expect(await c.command(['/queue/simple/remove', '=numbers=q1'])).toEqual([
      ['!re', '.tag=L', '=.id=*1', '=.dead=true'],
      ['!done'],
    ]);
    expect(await c.command(['/cancel', '=tag=L', '.tag=C'])).toEqual([
      ['!trap', '.tag=L', '=category=2', '=message=interrupted'],
      ['!done', '.tag=C'],
    ]);
    expect(await c.next()).toEqual(['!done', '.tag=L']);
    await c.command(['/queue/simple/add', '=name=q2']);
    expect(await c.drain(30)).toEqual([]);
  });

  it('/quit sends !fatal with a bare reason and closes', async () => {
    const c = await login();
    expect(await c.command(['/quit'])).toEqual([['!fatal', 'session terminated on request']]);
    await c.ended;
    expect(c.closed).toBe(true);
  });

  it('counts connections, commands and bytes', async () => {
    const c = await login();
    await c.command(['/system/resource/print']);
    expect(sim.stats.connections).toBe(1);
    expect(sim.stats.commandsByPath['/system/resource/print']).toBe(1);
    expect(sim.stats.bytesIn).toBeGreaterThan(20);
    expect(sim.stats.bytesOut).toBeGreaterThan(sim.stats.bytesIn);
  });
});

describe('faults', () => {
  it('drop, trap, fatal, late reply and hang', async () => {
    const c = await login();
    sim.faults.trapOn('/queue/simple/add', 'boom', 4);
    expect(await c.command(['/queue/simple/add', '=name=x'])).toEqual([
      ['!trap', '=category=4', '=message=boom'],
      ['!done'],
    ]);
    expect(sim.rows('/queue/simple')).toHaveLength(0);
    sim.faults.lateTaggedReplyOn('/system/identity/print');
    expect(await c.command(['/system/identity/print', '.tag=t'])).toHaveLength(2);
    expect(await c.next()).toEqual(['!re', '.tag=t']);
    sim.faults.hangOn('/system/resource/print');
    c.send(['/system/resource/print', '.tag=h']);
    expect(await c.drain(30)).toEqual([]);
    expect(await c.command(['/cancel', '=tag=h'])).toHaveLength(2);
    expect(await c.next()).toEqual(['!done', '.tag=h']);
    sim.faults.dropConnectionOn('/queue/simple/print');
    c.send(['/queue/simple/print']);
    await c.ended;
    const d = await login();
    sim.faults.fatalOn('/queue/simple/print', 'too many commands');
    expect(await d.command(['/queue/simple/print'])).toEqual([['!fatal', 'too many commands']]);
  });

  it('silenceAfterLogin mutes logged-in sessions', async () => {
    const c = await login();
    sim.faults.silenceAfterLogin();
    c.send(['/system/identity/print']);
    expect(await c.drain(40)).toEqual([]);
  });

  it('latency delays replies without reordering them', async () => {
    const c = await login();
    sim.setLatency(30);
    c.send(['/system/identity/print', '.tag=1']);
    c.send(['/system/identity/print', '.tag=2']);
    expect(await c.drain(5)).toEqual([]);
    const all = [...(await c.untilDone()), ...(await c.untilDone())];
    expect(all.map((s) => s[1])).toEqual(['.tag=1', '.tag=1', '.tag=2', '.tag=2']);
  });

  it('unreachable: connections close and new ones are refused', async () => {
    const c = await login();
    sim.setReachable(false);
    await c.ended;
    const d = await RawClient.connect(port);
    await d.ended;
    sim.setReachable(true);
    await login();
  });
});
