import { FakeClock } from '../../src/lib/clock';
import { GuessLimiter } from '../../src/services/guess-limiter';

describe('GuessLimiter', () => {
  it('allows 5 wrong codes, then locks out for 30 s doubling up to 1 h', () => {
    const clock = new FakeClock();
    const l = new GuessLimiter(clock);
    const keys = ['mac:A', 'ip:1'];
    for (let i = 0; i < 5; i++) expect(l.fail(keys)).toBe(0);
    expect(l.fail(keys)).toBe(30);
    expect(l.retryAfter(keys)).toBe(30);
    clock.advance(30_000);
    expect(l.retryAfter(keys)).toBe(0);
    expect(l.fail(keys)).toBe(60);
    clock.advance(60_000);
    expect(l.fail(keys)).toBe(120);
    for (let i = 0; i < 20; i++) l.fail(keys);
    expect(l.retryAfter(keys)).toBe(3600);
  });

  it('locks by IP too (a device changing its MAC), and a success resets', () => {
    const clock = new FakeClock();
    const l = new GuessLimiter(clock, { freeAttempts: 2 });
    l.fail(['mac:A', 'ip:1']);
    l.fail(['mac:B', 'ip:1']);
    expect(l.fail(['mac:C', 'ip:1'])).toBe(30);
    expect(l.retryAfter(['mac:D', 'ip:1'])).toBe(30);
    expect(l.retryAfter(['mac:D', 'ip:2'])).toBe(0);
    l.reset(['mac:C', 'ip:1']);
    expect(l.retryAfter(['mac:C', 'ip:1'])).toBe(0);
  });
});
