import { ValidationError } from '../../src/domain/errors';
import {
  clientIPv4,
  formatClockTime,
  formatDurationHuman,
  formatRouterDuration,
  ipInCidrs,
  isIPv4,
  normaliseMac,
  parseCidr,
  parseClockTime,
  parseDuration,
  parseIPv4,
  parseRouterDuration,
} from '../../src/domain/units';

describe('parseDuration (what people type)', () => {
  it.each([
    ['30s', 30],
    ['10m', 600],
    ['1h', 3600],
    ['1h30m', 5400],
    ['1h 30m', 5400],
    ['1d', 86400],
    ['1w', 604800],
    ['1w2d3h4m5s', 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5],
    ['90', 90],
    [120, 120],
    ['0s', 0],
    ['2H', 7200],
  ])('%j → %d s', (input, seconds) => {
    expect(parseDuration(input, 'validity')).toBe(seconds);
  });

  it.each(['', '1x', '1h1h', '30m1h', '1.5h', '-1h', 'h', '300ms', '01:00:00', 1.5, -3, null])(
    'refuses %p',
    (bad) => {
      expect(() => parseDuration(bad, 'validity')).toThrow(ValidationError);
    },
  );

  it('names the field and the forms', () => {
    expect(() => parseDuration('soon', 'validity')).toThrow(
      'validity: "soon" is not a duration; use a duration like 30s, 10m, 1h, 1h30m, 1d, 1w or 1w2d3h4m5s, or whole seconds',
    );
  });
});

describe('parseRouterDuration (what RouterOS prints)', () => {
  it.each([
    ['1w4d1h16m55s', 604800 + 4 * 86400 + 3600 + 16 * 60 + 55],
    ['6w6d18:33:07', 6 * 604800 + 6 * 86400 + 18 * 3600 + 33 * 60 + 7],
    ['1d 00:00:00', 86400],
    ['00:05:00', 300],
    ['0s', 0],
    ['300ms', 0.3],
    ['1s500ms', 1.5],
    ['0.12', 0.12],
    ['45', 45],
    ['10s', 10],
    ['immediately', 0],
  ])('%j → %d', (input, seconds) => {
    expect(parseRouterDuration(input, 'uptime')).toBe(seconds);
  });

  it('reads none (and empty) as no value', () => {
    expect(parseRouterDuration('none', 'idle-timeout')).toBeNull();
    expect(parseRouterDuration('', 'idle-timeout')).toBeNull();
  });

  it.each(['forever', '1x', '12:3:4', '1h:00', 'h'])('refuses %j', (bad) => {
    expect(() => parseRouterDuration(bad, 'uptime')).toThrow(/uptime: .* is not a RouterOS time/);
  });
});

describe('formatting durations', () => {
  it.each([
    [5400, '1h30m'],
    [0, '0s'],
    [45, '45s'],
    [604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5, '1w2d3h4m5s'],
    [3600, '1h'],
  ])('formatRouterDuration(%d) = %s and parses back', (s, text) => {
    expect(formatRouterDuration(s)).toBe(text);
    expect(parseRouterDuration(text, 'x')).toBe(s);
    expect(parseDuration(text, 'x')).toBe(s);
  });

  it.each([
    [5400, '1h 30m'],
    [45, '45s'],
    [2 * 86400 + 3 * 3600, '2d 3h'],
    [2 * 86400 + 3 * 3600 + 59, '2d 3h'],
    [3605, '1h'],
    [0, '0s'],
    [-5, '0s'],
  ])('formatDurationHuman(%d) = %s', (s, text) => {
    expect(formatDurationHuman(s)).toBe(text);
  });
});

describe('MAC addresses', () => {
  it.each([
    'aa-bb-cc-dd-ee-ff',
    'AA:BB:CC:DD:EE:FF',
    'aa:bb:cc:dd:ee:ff',
    'aabb.ccdd.eeff',
    'AABBCCDDEEFF',
    ' aa:bb:cc:dd:ee:ff ',
  ])('%j → AA:BB:CC:DD:EE:FF', (input) => {
    expect(normaliseMac(input, 'mac')).toBe('AA:BB:CC:DD:EE:FF');
  });

  it.each([
    'aa:bb:cc:dd:ee',
    'aa:bb-cc:dd:ee:ff',
    'gg:bb:cc:dd:ee:ff',
    'aabb.ccdd.ee',
    'a:b:c:d:e:f',
    '',
    42,
  ])('refuses %p', (bad) => {
    expect(() => normaliseMac(bad, 'mac')).toThrow(/^mac: .* MAC address/);
  });
});

describe('IPv4 and CIDR allow-lists', () => {
  it('validates addresses', () => {
    expect(parseIPv4(' 10.5.50.12 ', 'ip')).toBe('10.5.50.12');
    for (const bad of ['10.5.50', '256.1.1.1', '10.05.50.1', 'a.b.c.d', '1.2.3.4.5', '']) {
      expect(isIPv4(bad)).toBe(false);
      expect(() => parseIPv4(bad, 'ip')).toThrow(/^ip: .* is not an IPv4 address/);
    }
  });

  it('parses networks and clears host bits', () => {
    expect(parseCidr('192.168.88.0/24', 'x').text).toBe('192.168.88.0/24');
    expect(parseCidr('10.0.0.5/8', 'x').text).toBe('10.0.0.0/8');
    expect(parseCidr('10.0.0.5', 'x')).toMatchObject({ prefix: 32, text: '10.0.0.5/32' });
    expect(parseCidr('0.0.0.0/0', 'x').prefix).toBe(0);
    for (const bad of ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/8/1', '10.0.0/8', '10.0.0.0/x']) {
      expect(() => parseCidr(bad, 'admin_allow')).toThrow(/^admin_allow: /);
    }
  });

  it('matches client addresses, including IPv4-mapped IPv6 and loopback', () => {
    const allow = ['192.168.88.0/24', '127.0.0.1'];
    expect(ipInCidrs('192.168.88.7', allow)).toBe(true);
    expect(ipInCidrs('::ffff:192.168.88.7', allow)).toBe(true);
    expect(ipInCidrs('::1', allow)).toBe(true);
    expect(ipInCidrs('127.0.0.1', allow)).toBe(true);
    expect(ipInCidrs('192.168.89.7', allow)).toBe(false);
    expect(ipInCidrs('::ffff:10.0.0.1', allow)).toBe(false);
    expect(ipInCidrs('fe80::1', allow)).toBe(false);
    expect(ipInCidrs('10.1.2.3', ['0.0.0.0/0'])).toBe(true);
    expect(ipInCidrs('10.1.2.3', [parseCidr('10.0.0.0/8', 'x')])).toBe(true);
    expect(clientIPv4('::FFFF:10.0.0.1')).toBe('10.0.0.1');
  });
});

describe('clock times', () => {
  it('parses HH:MM into minutes after midnight', () => {
    expect(parseClockTime('06:00', 'start')).toBe(360);
    expect(parseClockTime('22:30', 'start')).toBe(1350);
    expect(parseClockTime('7:05', 'start')).toBe(425);
    expect(parseClockTime('00:00', 'start')).toBe(0);
    expect(formatClockTime(425)).toBe('07:05');
  });

  it.each(['24:00', '12:60', '1200', '12:5', 'noon', ''])('refuses %j', (bad) => {
    expect(() => parseClockTime(bad, 'offpeak.start')).toThrow(
      /^offpeak\.start: .* is not a time of day; .*24-hour HH:MM/,
    );
  });
});
