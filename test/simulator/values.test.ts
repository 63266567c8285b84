import { compileQuery } from '../../src/simulator/query';
import {
  formatDuration,
  normaliseRatePair,
  normaliseTarget,
  parseDuration,
  parseRate,
  parseRateLimit,
  targetContains,
} from '../../src/simulator/values';

describe('values (docs/routeros.md "Units", "Returned format", "Durations and numbers")', () => {
  it('parses rates with decimal units', () => {
    expect(parseRate('512K')).toBe(512000);
    expect(parseRate('1.5M')).toBe(1500000);
    expect(parseRate('1G')).toBe(1e9);
    expect(parseRate('64000')).toBe(64000);
    expect(parseRate('fast')).toBeNull();
    expect(normaliseRatePair('512K/1M')).toBe('512000/1000000');
    expect(normaliseRatePair('2M')).toBe('2000000/2000000');
    expect(normaliseRatePair('1/2/3')).toBeNull();
  });

  it('parses and prints durations', () => {
    expect(parseDuration('1w2d3h4m5s')).toBe(604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
    expect(parseDuration('01:30:00')).toBe(5400);
    expect(parseDuration('1d 00:00:01')).toBe(86401);
    expect(parseDuration('300ms')).toBe(0.3);
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('soon')).toBeNull();
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5)).toBe('1w2d3h4m5s');
  });

  it('normalises targets to prefixes and matches IPs', () => {
    expect(normaliseTarget('10.5.50.10')).toBe('10.5.50.10/32');
    expect(normaliseTarget('10.5.50.10,10.5.51.7/24')).toBe('10.5.50.10/32,10.5.51.0/24');
    expect(normaliseTarget('ether1x')).toBeNull();
    expect(targetContains('10.5.50.0/24', '10.5.50.77')).toBe(true);
    expect(targetContains('10.5.50.10/32', '10.5.50.11')).toBe(false);
  });

  it('parses a profile rate-limit: rx (upload) first', () => {
    const rl = parseRateLimit('512k/2M 1M/4M 384k/1500k 16/16 5 128k/256k');
    expect(rl).toEqual({
      maxLimit: [512000, 2000000],
      burstLimit: [1000000, 4000000],
      burstThreshold: [384000, 1500000],
      burstTime: [16, 16],
      priority: 5,
      limitAt: [128000, 256000],
    });
    expect(parseRateLimit('1M')?.maxLimit).toEqual([1e6, 1e6]);
    expect(parseRateLimit('1M 2M 3M 4s 9')).toBeNull();
  });
});

describe('query stack language (docs/routeros.md "Queries")', () => {
  const rows: Record<string, string>[] = [
    { name: 'a', type: 'ether', comment: 'x', n: '5' },
    { name: 'b', type: 'vlan', n: '10' },
    { name: 'c', type: 'bridge', comment: '', n: '7' },
  ];
  const run = (...q: string[]): string[] => {
    const match = compileQuery(q);
    return rows.filter((r) => (match ? match(r) : true)).map((r) => r.name);
  };

  it('equality, presence, absence, comparison', () => {
    expect(run('name=b')).toEqual(['b']);
    expect(run('=type=ether')).toEqual(['a']);
    expect(run('comment')).toEqual(['a', 'c']);
    expect(run('-comment')).toEqual(['b']);
    expect(run('>comment=')).toEqual(['a']);
    expect(run('<n=7')).toEqual(['a']);
    expect(run('>n=6')).toEqual(['b', 'c']);
  });

  it('stack operations', () => {
    expect(run('type=ether', 'type=vlan', '#|')).toEqual(['a', 'b']);
    expect(run('type=ether', 'type=vlan', '#|!')).toEqual(['c']);
    expect(run('comment', 'n=5', '#&')).toEqual(['a']);
    expect(run('type=ether', '#.|')).toEqual(['a']);
    // `0` at the end of the word replaces the stack with the top value: earlier falses are dropped.
    expect(run('name=zzz', 'type=vlan', '#0')).toEqual(['b']);
    // No query at all: everything passes; a lone false filters everything.
    expect(run('name=a', 'name=b')).toEqual([]);
  });
});
