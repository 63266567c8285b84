/**
 * The subscriber's edit form says, under Plan, what changing the plan today would bill: an invoice for the rest of
 * the cycle for a dearer plan, credit for a cheaper one, the same figures the change itself then takes; before its
 * billing starts, that the first invoice bills the plan in force then.
 */
import { AdminClient } from '../admin/client';
import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, PROFILES } from './helpers';

let h: Harness;
let owner: AdminClient;
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const CHEAP = { name: 'HOME5', billing: 'monthly', price: 699, rate_up: '2M', rate_down: '5M' };

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: [...PROFILES, CHEAP] });
  owner = new AdminClient(h.app!.url);
  expect((await owner.login()).status).toBe(303);
});
afterAll(() => h.close());

test('the edit form says what each plan change bills today, and the change bills exactly that', async () => {
  const juan = await addSubscriber(h); // HOME10, billed from today
  const note = text(await owner.html(`/admin/subscribers/${juan.id}/edit`));
  const up = /to HOME25, ₱([\d,]+\.\d\d) billed now \(an invoice for the rest of this cycle\)/.exec(note);
  const down = /to HOME5, ₱([\d,]+\.\d\d) back as credit/.exec(note);
  expect({ up: Boolean(up), down: Boolean(down) }).toEqual({ up: true, down: true });
  expect(note).toMatch(/Changed today: to HOME5, .*; to HOME25, .*\./);

  expect((await adminApi(h, 'PUT', `/subscribers/${juan.id}`, { profile: 'HOME25' })).status).toBe(200);
  const [change] = (await h.core!.services.invoices.list({ subscriberId: juan.id })).slice(-1);
  expect(change.kind).toBe('change');
  expect((change.amount / 100).toFixed(2)).toBe(up![1].replace(/,/g, ''));
});

test('before its billing starts, the form says the first invoice bills the plan then', async () => {
  const later = await addSubscriber(h, {
    username: 'later.one',
    mobile: '09171234569',
    starts_on: '2027-01-05',
  });
  const note = text(await owner.html(`/admin/subscribers/${later.id}/edit`));
  expect(note).toContain('Its billing has not started: its first invoice bills the plan it is on then.');
});
