import {
  lowestFree,
  parseStaticIp,
  parseStaticPool,
  poolCounts,
  routerOwnAddress,
  routerPoolHolding,
  routerPoolSpans,
} from '../../src/domain/ip-pool';

describe('a site static pool', () => {
  it('reads a network as its hosts, without the network and broadcast addresses', () => {
    const p = parseStaticPool('10.20.0.0/24');
    expect(p).toMatchObject({ text: '10.20.0.0/24', size: 254 });
    expect(lowestFree(p, [])).toBe('10.20.0.1');
    // Host bits cleared, as the router prints a network.
    expect(parseStaticPool(' 10.20.0.77/24 ').text).toBe('10.20.0.0/24');
    expect(parseStaticPool('10.20.0.8/31').size).toBe(2);
    expect(parseStaticPool('10.20.0.8/32').size).toBe(1);
  });

  it('reads a range with both ends in', () => {
    const p = parseStaticPool('10.20.0.10 - 10.20.0.200');
    expect(p).toMatchObject({ text: '10.20.0.10-10.20.0.200', size: 191 });
    expect(lowestFree(p, [])).toBe('10.20.0.10');
  });

  it.each([
    ['', /static_pool: "" is not an address pool; use a network like 10.20.0.0\/24 or a range/],
    ['10.20.0.0', /is not an address pool/],
    ['10.20.0.300/24', /is not an address pool/],
    ['10.20.0.0/33', /is not an address pool/],
    ['10.20.0.1-10.20.0.2-10.20.0.3', /is not an address pool/],
    ['fe80::/64', /is not an address pool/],
    ['10.20.0.200-10.20.0.10', /ends before it starts/],
    ['10.0.0.0/8', /holds 16777214 addresses; at most 65536/],
  ])('refuses %j, saying why', (v, msg) => {
    expect(() => parseStaticPool(v)).toThrow(msg);
  });

  it('takes one address, never a network', () => {
    expect(parseStaticIp(' 10.20.0.5 ')).toBe('10.20.0.5');
    expect(() => parseStaticIp('10.20.0.5/32')).toThrow(/static_ip: "10.20.0.5\/32" is not one address/);
    expect(() => parseStaticIp('10.20.0.256')).toThrow(/static_ip: .* is not an IPv4 address/);
  });
});

describe('the lowest free address', () => {
  const pool = parseStaticPool('10.20.0.10-10.20.0.20');

  it('skips what subscribers hold, the router pools and its own addresses', () => {
    const pools = [{ name: 'pppoe-pool', spans: routerPoolSpans('10.20.0.12-10.20.0.14,10.20.0.16/32') }];
    expect(lowestFree(pool, ['10.20.0.10'], { pools, own: ['10.20.0.11'] })).toBe('10.20.0.15');
    expect(lowestFree(pool, ['10.20.0.10', '10.20.0.15'], { pools, own: ['10.20.0.11'] })).toBe('10.20.0.17');
  });

  it('is null when the pool is full', () => {
    const all = Array.from({ length: 11 }, (_, i) => `10.20.0.${10 + i}`);
    expect(lowestFree(pool, all)).toBeNull();
  });

  it('counts what is used and free inside the pool only', () => {
    expect(poolCounts(pool, ['10.20.0.10', '10.20.0.10', '10.30.0.1'])).toEqual({
      used: 1,
      free: 10,
      onRouter: null,
    });
    // What the router holds of it is not free: a pool of its overlapping, its own address; ours counted once.
    const router = {
      pools: [{ name: 'office', spans: routerPoolSpans('10.20.0.15-10.20.0.40') }],
      own: ['10.20.0.11', '10.20.0.10'],
    };
    expect(poolCounts(pool, ['10.20.0.10'], router)).toEqual({ used: 1, free: 3, onRouter: 7 });
  });
});

describe("the router's pools and addresses", () => {
  it('reads RouterOS ranges: a-b, a/len (all of it) and single addresses', () => {
    const pools = [{ name: 'hs-pool', spans: routerPoolSpans('10.5.50.2-10.5.50.254') }];
    pools.push({ name: 'pppoe', spans: routerPoolSpans('10.10.0.0/24, 10.11.0.7') });
    expect(routerPoolHolding(pools, '10.5.50.9')?.name).toBe('hs-pool');
    expect(routerPoolHolding(pools, '10.10.0.0')?.name).toBe('pppoe');
    expect(routerPoolHolding(pools, '10.11.0.7')?.name).toBe('pppoe');
    expect(routerPoolHolding(pools, '10.11.0.8')).toBeUndefined();
  });

  it("reads an /ip/address entry's address", () => {
    expect(routerOwnAddress('10.10.0.1/24')).toBe('10.10.0.1');
    expect(routerOwnAddress('nonsense')).toBeNull();
  });
});
