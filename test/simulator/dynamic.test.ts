/** Items RouterOS made itself (dynamic) refuse every change; static neighbours stay changeable. */
import { RouterSimulator } from '../../src/simulator';
import { attrs, RawClient } from './raw-client';

const MAC = '02:50:00:00:00:01';
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

const ok = (words: string[]): Promise<string[][]> => c.ok(words);

async function refusal(words: string[]): Promise<string> {
  const reply = await c.command(words);
  expect(reply.map((s) => s[0])).toEqual(['!trap', '!done']);
  expect(attrs(reply[0]).category).toBe('4');
  return attrs(reply[0]).message;
}

describe("the hotspot's <hotspot-USER> queue", () => {
  let queueId: string;

  beforeEach(async () => {
    await ok(['/ip/hotspot/user/profile/set', '=numbers=default', '=rate-limit=1M/2M']);
    await ok(['/ip/hotspot/user/add', '=name=V1', '=password=V1']);
    await ok(['/queue/simple/add', '=name=ours', '=target=10.5.50.0/24']);
    sim.addDevice({ mac: MAC, ip: '10.5.50.11' });
    await ok([
      '/ip/hotspot/active/login',
      '=user=V1',
      '=password=V1',
      '=ip=10.5.50.11',
      `=mac-address=${MAC}`,
    ]);
    queueId = sim.rows('/queue/simple').find((q) => q.name === '<hotspot-V1>')?.['.id'] as string;
    expect(queueId).toBeDefined();
  });

  it.each([
    ['set', ['/queue/simple/set', '=max-limit=10M/10M']],
    ['remove', ['/queue/simple/remove']],
    ['disable', ['/queue/simple/disable']],
    ['enable', ['/queue/simple/enable']],
    ['comment', ['/queue/simple/comment', '=comment=x']],
    ['move', ['/queue/simple/move']],
  ])('%s is refused: failure: can not change dynamic queue', async (_verb, words) => {
    const before = sim.rows('/queue/simple');
    expect(await refusal([...words, `=.id=${queueId}`])).toBe('failure: can not change dynamic queue');
    expect(sim.rows('/queue/simple')).toEqual(before);
  });

  it('by name too, and a list with a static queue in it is refused as a whole', async () => {
    expect(await refusal(['/queue/simple/set', '=numbers=<hotspot-V1>', '=limit-at=1k/1k'])).toBe(
      'failure: can not change dynamic queue',
    );
    expect(await refusal(['/queue/simple/remove', `=numbers=ours,${queueId}`])).toBe(
      'failure: can not change dynamic queue',
    );
    expect(sim.rows('/queue/simple').map((q) => q.name)).toEqual(['<hotspot-V1>', 'ours']);
  });

  it('static queues still move around it, above it with place-before, and its counters can be reset', async () => {
    await ok(['/queue/simple/move', '=numbers=ours', `=destination=${queueId}`]);
    expect(sim.rows('/queue/simple').map((q) => q.name)).toEqual(['ours', '<hotspot-V1>']);
    await ok(['/queue/simple/add', '=name=top', `=place-before=${queueId}`]);
    expect(sim.rows('/queue/simple').map((q) => q.name)).toEqual(['ours', 'top', '<hotspot-V1>']);
    await ok(['/queue/simple/reset-counters', `=.id=${queueId}`]);
  });

  it('it goes when the session ends; an add placed before it then fails with no such item', async () => {
    const [active] = sim.rows('/ip/hotspot/active');
    await ok(['/ip/hotspot/active/remove', `=.id=${active['.id']}`]);
    expect(sim.rows('/queue/simple').map((q) => q.name)).toEqual(['ours']);
    const reply = await c.command(['/queue/simple/add', '=name=late', `=place-before=${queueId}`]);
    expect(reply[0]).toEqual(['!trap', '=category=0', '=message=no such item']);
    expect(sim.rows('/queue/simple').map((q) => q.name)).toEqual(['ours']);
  });
});

describe("the hotspot's dynamic firewall rules", () => {
  it('refuse set, remove, disable, move and unset: failure: can not change dynamic rule', async () => {
    const rule = sim.rows('/ip/firewall/filter').find((r) => r.dynamic === 'true') as Record<string, string>;
    const id = `=.id=${rule['.id']}`;
    const before = sim.rows('/ip/firewall/filter');
    for (const words of [
      ['/ip/firewall/filter/set', id, '=comment=mine'],
      ['/ip/firewall/filter/remove', id],
      ['/ip/firewall/filter/disable', id],
      ['/ip/firewall/filter/move', id],
      ['/ip/firewall/filter/unset', id, '=value-name=hotspot'],
    ])
      expect(await refusal(words)).toBe('failure: can not change dynamic rule');
    expect(sim.rows('/ip/firewall/filter')).toEqual(before);
  });

  it('the FastTrack counter rule is dynamic too; the FastTrack rule itself can be disabled', async () => {
    const ft = attrs(
      (await ok(['/ip/firewall/filter/add', '=chain=forward', '=action=fasttrack-connection']))[0],
    ).ret;
    const dummy = sim.rows('/ip/firewall/filter')[0];
    expect(dummy.dynamic).toBe('true');
    expect(await refusal(['/ip/firewall/filter/disable', `=.id=${dummy['.id']}`])).toBe(
      'failure: can not change dynamic rule',
    );
    await ok(['/ip/firewall/filter/disable', `=.id=${ft}`]);
  });
});
