/**
 * The plans' parsed view (domain/profile-row.ts): a plan's spec is parsed once per change and then shared by
 * every reader, frozen; an edit through the service, or a change another server (or a hand) makes in the
 * table, is read as the new plan at once.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { profileFromRow, type ProfileRow } from '../../src/domain/profile-row';
import { SYSTEM } from '../../src/services/types';

const HOME_10M = {
  name: 'HOME10',
  billing: 'monthly',
  price: 999,
  rate_up: '5M',
  rate_down: '10M',
  data_cap: '200G',
  cap_policy: 'throttle',
  cap_rate_up: '1M',
  cap_rate_down: '2M',
};

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});

afterAll(async () => {
  await h?.close();
});

const row = async (name: string): Promise<ProfileRow> =>
  (await h.core!.db('profiles').whereRaw('LOWER(name) = LOWER(?)', [name]).first()) as ProfileRow;

test('one parse per plan text: every read of the same plan gets the same frozen object', async () => {
  await h.core!.services.profiles.create({ ...HOME_10M, name: 'ONCE10' }, SYSTEM);
  const first = profileFromRow(await row('ONCE10'));
  const again = profileFromRow({ spec: (await row('ONCE10')).spec });
  expect(again).toBe(first);
  expect(Object.isFrozen(first)).toBe(true);
  expect(Object.isFrozen(first.capRate)).toBe(true);
  expect(() => {
    (first as { rateUp: number }).rateUp = 1;
  }).toThrow(TypeError);
  expect(first.rateUp).toBe(5_000_000);
});

test('an edit through the service, and a change made by another server, are read at once', async () => {
  await h.core!.services.profiles.create({ ...HOME_10M, name: 'EDIT10' }, SYSTEM);
  const before = profileFromRow(await row('EDIT10'));
  await h.core!.services.profiles.update('EDIT10', { ...HOME_10M, name: 'EDIT10', rate_down: '20M' }, SYSTEM);
  const edited = profileFromRow(await row('EDIT10'));
  expect(edited).not.toBe(before);
  expect(edited.rateDown).toBe(20_000_000);
  expect((await h.core!.services.profiles.get('EDIT10')).profile).toBe(edited);
  // Another controller on the same database writes the row: no message reaches this one, the text tells.
  const other = JSON.parse((await row('EDIT10')).spec) as Record<string, unknown>;
  await h
    .core!.db('profiles')
    .where({ name: 'EDIT10' })
    .update({ spec: JSON.stringify({ ...other, rate_down: '30M' }) });
  expect(profileFromRow(await row('EDIT10')).rateDown).toBe(30_000_000);
  // Back to a text seen before: the plan it says, not the object of the text just read.
  await h
    .core!.db('profiles')
    .where({ name: 'EDIT10' })
    .update({ spec: (await row('EDIT10')).spec.replace('30M', '20M') });
  expect(profileFromRow(await row('EDIT10')).rateDown).toBe(20_000_000);
});
