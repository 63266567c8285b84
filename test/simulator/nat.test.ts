/**
 * `/ip/firewall/nat` through the API (RouterOS 7.18.2's arguments, refusals as the filter's), and the packet path
 * a PPPoE session's traffic takes: `dstnat` rewrites, the forward filter decides (`sim.pppoe.route`).
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

const ok = (...words: string[]): Promise<string[][]> => c.ok(words);

async function trapOf(...words: string[]): Promise<string> {
  const reply = await c.command(words);
  const trap = reply.find((s) => s[0] === '!trap');
  if (!trap) throw new Error(`expected a trap for ${words.join(' ')}`);
  return attrs(trap).message;
}

const REDIRECT = [
  '=chain=dstnat',
  '=action=dst-nat',
  '=protocol=tcp',
  '=dst-port=80',
  '=src-address-list=pisonet-suspended',
  '=to-addresses=10.5.50.2',
  '=to-ports=5000',
  '=comment=pisonet: suspended to portal',
];

describe('/ip/firewall/nat', () => {
  it('adds, prints, changes and removes a dst-nat rule', async () => {
    const id = attrs((await ok('/ip/firewall/nat/add', ...REDIRECT))[0]).ret;
    expect(sim.rows('/ip/firewall/nat')).toEqual([
      expect.objectContaining({
        '.id': id,
        chain: 'dstnat',
        action: 'dst-nat',
        protocol: 'tcp',
        'dst-port': '80',
        'src-address-list': 'pisonet-suspended',
        'to-addresses': '10.5.50.2',
        'to-ports': '5000',
        dynamic: 'false',
        disabled: 'false',
        comment: 'pisonet: suspended to portal',
      }),
    ]);
    await ok('/ip/firewall/nat/set', `=.id=${id}`, '=to-ports=8080');
    expect(sim.rows('/ip/firewall/nat')[0]['to-ports']).toBe('8080');
    await ok('/ip/firewall/nat/remove', `=.id=${id}`);
    expect(sim.rows('/ip/firewall/nat')).toEqual([]);
  });

  it('unsets a property as the filter does: back to its default, never the chain, never leaving a rule invalid', async () => {
    const id = attrs((await ok('/ip/firewall/nat/add', ...REDIRECT))[0]).ret;
    await ok('/ip/firewall/nat/unset', `=numbers=${id}`, '=value-name=src-address-list');
    expect(sim.rows('/ip/firewall/nat')[0]).not.toHaveProperty('src-address-list');
    await ok('/ip/firewall/nat/unset', `=numbers=${id}`, '=value-name=disabled');
    expect(sim.rows('/ip/firewall/nat')[0].disabled).toBe('false');
    expect(await trapOf('/ip/firewall/nat/unset', `=numbers=${id}`, '=value-name=chain')).toBe(
      'invalid value for argument value-name',
    );
    expect(await trapOf('/ip/firewall/nat/unset', `=numbers=${id}`, '=value-name=protocol')).toMatch(
      /^failure: ports can be specified if proto is/,
    );
    expect(sim.rows('/ip/firewall/nat')[0]).toMatchObject({
      chain: 'dstnat',
      protocol: 'tcp',
      'to-ports': '5000',
    });
  });

  it("refuses what RouterOS 7.18.2's NAT does not take", async () => {
    expect(await trapOf('/ip/firewall/nat/add', '=chain=dstnat', '=reject-with=tcp-reset')).toMatch(
      /unknown parameter/,
    );
    expect(await trapOf('/ip/firewall/nat/add', '=chain=dstnat', '=action=fasttrack-connection')).toMatch(
      /invalid value/,
    );
    expect(
      await trapOf('/ip/firewall/nat/add', '=chain=dstnat', '=action=dst-nat', '=to-addresses=10.5.50'),
    ).toMatch(/invalid value/);
    expect(
      await trapOf(
        '/ip/firewall/nat/add',
        '=chain=dstnat',
        '=action=dst-nat',
        '=to-ports=99999',
        '=protocol=tcp',
      ),
    ).toMatch(/invalid value/);
    expect(await trapOf('/ip/firewall/nat/add', '=chain=dstnat', '=action=dst-nat', '=to-ports=80')).toMatch(
      /ports can be specified/,
    );
    expect(await trapOf('/ip/firewall/nat/add', '=action=dst-nat')).toMatch(/chain not specified/);
    expect(sim.rows('/ip/firewall/nat')).toEqual([]);
  });

  it('keeps its rules across a reboot; a reset of the configuration takes them', async () => {
    await ok('/ip/firewall/nat/add', ...REDIRECT);
    await sim.reboot({ downMs: 10 });
    await c.close();
    c = await RawClient.login(sim.port!);
    expect(sim.rows('/ip/firewall/nat')).toHaveLength(1);
    await sim.resetConfiguration({ downMs: 10 });
    expect(sim.rows('/ip/firewall/nat')).toEqual([]);
  });
});

describe('the packet path of a PPPoE session', () => {
  beforeEach(async () => {
    await ok('/ip/pool/add', '=name=pppoe-pool', '=ranges=10.10.0.2-10.10.0.3');
    await ok('/ppp/profile/add', '=name=plan', '=local-address=10.10.0.1', '=remote-address=pppoe-pool');
    await ok('/interface/pppoe-server/server/add', '=interface=ether2', '=disabled=no');
    await ok('/ppp/secret/add', '=name=juan', '=password=pw', '=service=pppoe', '=profile=plan');
    expect(await sim.pppoe.dial({ mac: 'aa:bb:cc:00:00:01', user: 'juan', password: 'pw' })).toMatchObject({
      ok: true,
    });
    await ok('/ip/firewall/nat/add', ...REDIRECT);
    await ok(
      '/ip/firewall/filter/add',
      '=chain=forward',
      '=action=reject',
      '=src-address-list=pisonet-suspended',
      '=protocol=tcp',
      '=dst-port=!53',
    );
  });

  const web = (dstPort: number) =>
    sim.pppoe.route('juan', { dst: '93.184.216.34', protocol: 'tcp', dstPort });

  it('goes where it was sent while the address is in no list', () => {
    expect(web(80)).toEqual({ to: { address: '93.184.216.34', port: 80 }, verdict: 'accept' });
  });

  it("is sent to the rule's address and port, and refused elsewhere, while the address is listed", async () => {
    const address = sim.rows('/ppp/active')[0].address;
    await ok('/ip/firewall/address-list/add', '=list=pisonet-suspended', `=address=${address}`);
    expect(web(80)).toEqual({ to: { address: '10.5.50.2', port: 5000 }, verdict: 'reject' });
    expect(web(443)).toEqual({ to: { address: '93.184.216.34', port: 443 }, verdict: 'reject' });
    expect(web(53).verdict).toBe('accept');
  });
});
