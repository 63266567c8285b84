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

  it('forgives nothing on success (there is no reset), and keys are independent', () => {
    const clock = new FakeClock();
    const l = new GuessLimiter(clock, { freeAttempts: 2 });
    l.fail(['asker:1']);
    l.fail(['asker:1']);
    expect(l.fail(['asker:1'])).toBe(30);
    expect(l.retryAfter(['asker:2'])).toBe(0);
    expect('reset' in l).toBe(false);
  });

  it('past the shop-wide ceiling per minute, askers who already failed wait for the minute; others do not', () => {
    const clock = new FakeClock();
    const l = new GuessLimiter(clock, { freeAttempts: 100, globalPerMinute: 10 });
    const reached: boolean[] = [];
    for (let i = 0; i < 10; i++) reached.push(l.failAndReport([`asker:${i}`]).ceilingReached);
    expect(reached.filter(Boolean)).toHaveLength(1); // reported once
    expect(l.retryAfter(['asker:3'])).toBe(60);
    expect(l.retryAfter(['asker:fresh'])).toBe(0);
    clock.advance(60_000);
    expect(l.retryAfter(['asker:3'])).toBe(0);
  });
});
