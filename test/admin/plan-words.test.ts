import { createHarness, Harness } from '../helpers/harness';
import { AdminClient } from './client';

/** What makes a plan special, where the owner and the customer look: the profile list and the portal. */
const PROFILES = [
  { name: 'BASIC', price: 5, validity: '1h', users: 1, rate_up: '512K', rate_down: '1M' },
  {
    name: 'FAMILY',
    price: 50,
    validity: '1d',
    users: 4,
    rate_up: '5M',
    rate_down: '10M',
    contention_ratio: '1:4',
    priority: 2,
  },
  {
    name: 'GAMER',
    price: 30,
    validity: '3h',
    users: 1,
    rate_up: '2M',
    rate_down: '4M',
    time_mode: 'uptime',
    pauses_per_day: 3,
    pause_max: '2h',
    data_cap: '1G',
    cap_policy: 'block',
    overage: { bytes: '200M', price: 10 },
  },
];

let h: Harness;
let c: AdminClient;
beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  c = new AdminClient(h.app!.url);
  expect((await c.login()).status).toBe(303);
});
afterAll(async () => {
  await h.close();
});

/** The Extras cell of a profile's row, as text. */
function extrasOf(html: string, name: string): string {
  const row = new RegExp(`<strong>${name}</strong>[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
  const cell = /data-testid="profile-extras">([\s\S]*?)<\/td>/.exec(row)?.[1] ?? '';
  return cell
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

test("the profile list's Extras name sharing, priority, extra data for sale and pause", async () => {
  const html = await c.html('/admin/profiles');
  expect(extrasOf(html, 'FAMILY')).toBe('shared 1:4 priority 2');
  expect(extrasOf(html, 'GAMER')).toBe('extra data 200.0 MB for ₱10.00 pause 3×/day');
  expect(extrasOf(html, 'BASIC')).toBe('—');
});

test('the portal says a shared plan is shared, in English and Filipino', async () => {
  const en = await (await fetch(`${h.app!.url}/portal?lang=en`)).text();
  const family = /<span class="plan-name">FAMILY<\/span>[\s\S]*?<\/li>/.exec(en)?.[0] ?? '';
  expect(family).toContain('↓ 10 Mbps / ↑ 5 Mbps, shared');
  expect(family).toContain('Shared by up to 4 devices');
  const basic = /<span class="plan-name">BASIC<\/span>[\s\S]*?<\/li>/.exec(en)?.[0] ?? '';
  expect(basic).not.toMatch(/shared/i);
  const fil = await (await fetch(`${h.app!.url}/portal?lang=fil`)).text();
  const familyFil = /<span class="plan-name">FAMILY<\/span>[\s\S]*?<\/li>/.exec(fil)?.[0] ?? '';
  expect(familyFil).toContain('↓ 10 Mbps / ↑ 5 Mbps, hati');
  expect(familyFil).toContain('Hati ng hanggang 4 device');
});
