/**
 * One rate grammar for every face: the server's parsers (API, forms, CLI), the profile form's live check and the
 * limit dialog (which sends what was typed to the server).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseLimitRate, parseRate, parseSpeedLimit, RATE_RE } from '../../src/domain/units';
import { parseLimitForm } from '../../src/web/admin/pages/bandwidth';

describe('the rate grammar', () => {
  test.each([
    ['2M', 2_000_000],
    ['2 Mbps', 2_000_000],
    ['2mbps', 2_000_000],
    ['2MBPS', 2_000_000],
    ['2 M', 2_000_000],
    ['1.5 Mbit/s', 1_500_000],
    ['2 mbit', 2_000_000],
    ['512K', 512_000],
    ['512 kbps', 512_000],
    ['512k', 512_000],
    ['1G', 1_000_000_000],
    ['64000', 64_000],
    ['64000 bps', 64_000],
    [' 2 Mbps ', 2_000_000],
  ])('%j is %d bits per second', (text, bps) => {
    expect(parseRate(text, 'rate')).toBe(bps);
    expect(parseLimitRate(text, 'rate')).toBe(bps);
  });

  test.each(['fast', '2 MB/s', '2Q', 'M2', '-2M', '2..5M', '', '2 Mbps down', '1e6'])(
    '%j is refused',
    (text) => {
      expect(() => parseRate(text, 'rate')).toThrow(/rate|bits per second/);
    },
  );

  test('speed limits: the same grammar, within 8K–10G, or "unlimited"', () => {
    expect(parseSpeedLimit('2 Mbps', 'down')).toBe(2_000_000);
    expect(parseSpeedLimit('2mbps', 'down')).toBe(2_000_000);
    expect(parseSpeedLimit('2M', 'down')).toBe(2_000_000);
    expect(parseSpeedLimit('Unlimited', 'down')).toBeNull();
    expect(() => parseSpeedLimit('7K', 'down')).toThrow(/8K/);
    expect(() => parseSpeedLimit('11G', 'down')).toThrow(/10G/);
    expect(() => parseSpeedLimit('fast', 'down')).toThrow(/512K, 2M or "2 Mbps"/);
  });

  test('the no-JavaScript limit form reads "2 Mbps" and "2mbps" as the dialog and the API do', () => {
    const form = parseLimitForm({ mac: '02:00:00:00:00:01', down: '2 Mbps', up: '512kbps' }, []);
    expect(form).toEqual({ mac: '02:00:00:00:00:01', up: 512_000, down: 2_000_000 });
  });

  test("the profile form's live check uses the server's pattern, character for character", () => {
    const js = fs.readFileSync(path.join(__dirname, '../../public/js/admin-profile-form.js'), 'utf8');
    const m = /var RATE = \/(.+)\/i;/.exec(js);
    expect(m?.[1]).toBe(RATE_RE.source);
    expect(RATE_RE.flags).toBe('i');
  });

  test('the limit dialog checks nothing itself: it sends what was typed to the server', () => {
    const js = fs.readFileSync(path.join(__dirname, '../../public/js/admin-bandwidth.js'), 'utf8');
    expect(js).toContain('payload.upload = limitForm.elements.up.value.trim();');
    expect(js).toContain('payload.download = limitForm.elements.down.value.trim();');
    expect(js).not.toMatch(/\[kmg\]/i); // no second copy of the grammar
  });
});
