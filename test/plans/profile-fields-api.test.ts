/**
 * Contention ratio and priority through the admin API and profiles.json: stored and answered as given; anything
 * else is a 400 INVALID_INPUT naming the field, with nothing stored.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { AUTH } from '../portal/helpers';
import { radiusAccount } from '../../src/domain/radius-account';
import { parseProfile } from '../../src/domain/profiles';

const BASE = { name: 'SHARED', price: 5, validity: '1h', users: 1, rate_up: '1M', rate_down: '2M' };

interface Reply {
  profile?: Record<string, unknown>;
  profiles?: Array<Record<string, unknown>>;
  error?: string;
  code?: string;
  field?: string;
  fields?: string[];
}

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ http: true });
});
afterEach(() => h.close());

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Reply }> {
  const res = await fetch(`${h.app!.url}/admin/api${path}`, {
    method,
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Reply };
}

test('contention_ratio and priority (or qos_priority) are stored and returned as given', async () => {
  expect((await api('POST', '/profiles', { ...BASE, contention_ratio: '1:20', priority: 3 })).status).toBe(
    201,
  );
  expect(
    (await api('POST', '/profiles', { ...BASE, name: 'SEED', contention_ratio: '1:50', qos_priority: 80 }))
      .status,
  ).toBe(201);
  const list = (await api('GET', '/profiles')).json.profiles!;
  expect(list.find((p) => p.name === 'SHARED')).toMatchObject({ contention_ratio: '1:20', priority: 3 });
  expect(list.find((p) => p.name === 'SEED')).toMatchObject({ contention_ratio: '1:50', qos_priority: 80 });
  expect((await h.core!.services.profiles.get('SEED')).profile.priority).toBe(2);
});

test.each([
  [{ contention_ratio: '4:1' }, 'contention_ratio'],
  [{ contention_ratio: '1:0' }, 'contention_ratio'],
  [{ contention_ratio: '1:x' }, 'contention_ratio'],
  [{ contention_ratio: 20 }, 'contention_ratio'],
  [{ priority: 9 }, 'priority'],
  [{ qos_priority: 101 }, 'qos_priority'],
])('%p → 400 INVALID_INPUT naming %s, nothing stored', async (extra, field) => {
  const res = await api('POST', '/profiles', { ...BASE, ...extra });
  expect(res.status).toBe(400);
  expect(res.json.code).toBe('INVALID_INPUT');
  expect(JSON.stringify(res.json)).toContain(field);
  await expect(h.core!.services.profiles.get('SHARED')).rejects.toMatchObject({ code: 'PROFILE_NOT_FOUND' });
});

test('a profiles.json list with the new fields wrong reports every problem at once and stores nothing', async () => {
  const res = await api('POST', '/profiles', [
    { ...BASE, contention_ratio: '4:1' },
    { ...BASE, name: 'OTHER', priority: 9 },
  ]);
  expect(res.status).toBe(400);
  expect(res.json.error).toContain('SHARED: contention_ratio');
  expect(res.json.error).toContain('OTHER: priority');
  await expect(h.core!.services.profiles.get('OTHER')).rejects.toMatchObject({ code: 'PROFILE_NOT_FOUND' });
});

test('RADIUS: a shared or prioritised plan is answered with its Mikrotik-Group and the priority in its rate', () => {
  const now = Date.UTC(2026, 10, 25, 12);
  const voucher = (json: Record<string, unknown>) => ({
    code: 'ABCD1234',
    status: 'unused' as const,
    profile: parseProfile({ ...BASE, ...json }),
    rateUp: 1_000_000,
    rateDown: 2_000_000,
    uptimeSeconds: 0,
    countedBytes: 0,
    totalBytes: 0,
  });
  const reply = (json: Record<string, unknown>) =>
    Object.fromEntries(
      radiusAccount(voucher(json), 'ABCD1234', now, 'Asia/Manila').reply.map((r) => [r.attribute, r.value]),
    );
  expect(reply({ contention_ratio: '1:4', priority: 2 })).toMatchObject({
    'Mikrotik-Group': 'SHARED',
    'Mikrotik-Rate-Limit': '1000000/2000000 0/0 1000000/2000000 1s/1s 2',
  });
  expect(reply({ contention_ratio: '1:4' })).toMatchObject({
    'Mikrotik-Group': 'SHARED',
    'Mikrotik-Rate-Limit': '1000000/2000000',
  });
  const plain = reply({});
  expect(plain['Mikrotik-Group']).toBeUndefined();
  expect(plain['Mikrotik-Rate-Limit']).toBe('1000000/2000000');
});
