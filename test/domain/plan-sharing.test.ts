/** Contention ratio, priority and overage in a profile: parsed strictly, every problem named, read back as given. */
import { parseProfile, parseProfiles } from '../../src/domain/profiles';
import { profileToJson } from '../../src/domain/profile-json';
import { priorityFromQos } from '../../src/domain/plan-sharing';
import { ValidationErrors } from '../../src/domain/errors';

const BASE = { name: 'SHARED', price: 5, validity: '1h', users: 1, rate_up: '1M', rate_down: '2M' };

function fields(json: Record<string, unknown>): string[] {
  try {
    parseProfile({ ...BASE, ...json });
  } catch (err) {
    if (err instanceof ValidationErrors) return err.errors.map((e) => e.field);
    throw err;
  }
  return [];
}

describe('plan fields', () => {
  it('reads "1:N" and a 1–8 priority, and gives them back as given', () => {
    const p = parseProfile({ ...BASE, contention_ratio: '1:20', priority: 3 });
    expect(p.contentionRatio).toBe(20);
    expect(p.priority).toBe(3);
    expect(profileToJson(p)).toMatchObject({ contention_ratio: '1:20', priority: 3 });
    expect(parseProfile(profileToJson(p))).toEqual(p);
    expect(profileToJson(parseProfile({ ...BASE, contention_ratio: '1:1' })).contention_ratio).toBe('1:1');
  });

  it('maps the seed qos_priority 0–100 to 8 − round(q × 7 / 100) and keeps it as given', () => {
    expect([0, 50, 80, 100].map(priorityFromQos)).toEqual([8, 4, 2, 1]);
    const p = parseProfile({ ...BASE, qos_priority: 80 });
    expect(p.priority).toBe(2);
    expect(profileToJson(p)).toMatchObject({ qos_priority: 80 });
    expect(profileToJson(p).priority).toBeUndefined();
    expect(parseProfile(profileToJson(p))).toEqual(p);
    // Both given: they must agree.
    expect(fields({ qos_priority: 80, priority: 2 })).toEqual([]);
    expect(fields({ qos_priority: 80, priority: 5 })).toEqual(['qos_priority']);
  });

  it.each([
    ['4:1', 'contention_ratio'],
    ['1:0', 'contention_ratio'],
    ['1:x', 'contention_ratio'],
    [20, 'contention_ratio'],
    ['1:1001', 'contention_ratio'],
    ['20', 'contention_ratio'],
  ])('refuses contention_ratio %p', (ratio, field) => {
    expect(fields({ contention_ratio: ratio })).toEqual([field]);
  });

  it.each([
    [{ priority: 9 }, 'priority'],
    [{ priority: 0 }, 'priority'],
    [{ priority: 2.5 }, 'priority'],
    [{ priority: '3' }, 'priority'],
    [{ qos_priority: 101 }, 'qos_priority'],
    [{ qos_priority: -1 }, 'qos_priority'],
  ])('refuses %p', (json, field) => {
    expect(fields(json)).toEqual([field]);
  });

  it('reads overage on a capped profile, in pesos and human sizes', () => {
    const p = parseProfile({ ...BASE, data_cap: '2G', overage: { bytes: '1G', price: 10 } });
    expect(p.overage).toEqual({ bytes: 1_000_000_000, price: 1000 });
    expect(profileToJson(p).overage).toEqual({ bytes: '1G', price: 10 });
    expect(parseProfile(profileToJson(p))).toEqual(p);
    expect(fields({ overage: { bytes: '1G', price: 10 } })).toEqual(['overage']);
    expect(fields({ data_cap: '2G', overage: { bytes: '0', price: 10, extra: 1 } }).sort()).toEqual(
      ['overage.bytes', 'overage.extra'].sort(),
    );
    expect(fields({ data_cap: '2G', overage: 5 })).toEqual(['overage']);
  });

  it('reports every wrong plan field of profiles.json at once, named by profile', () => {
    try {
      parseProfiles([
        { ...BASE, contention_ratio: '4:1', priority: 9 },
        { ...BASE, name: 'OTHER', qos_priority: 101 },
      ]);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationErrors);
      expect((err as ValidationErrors).errors.map((e) => e.field)).toEqual([
        'SHARED.contention_ratio',
        'SHARED.priority',
        'OTHER.qos_priority',
      ]);
    }
  });
});
