/**
 * A CSV import's fixed addresses are checked with the rest of the file, each problem named with its row: an
 * address held by a subscriber in service, one given on two rows, one inside a router pool; the import writes
 * nothing and never fails as a whole with an unnamed error. `auto` on several rows gives each its own.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, importCsv, ownersSetUp, PROFILES } from './helpers';

let h: Harness;
const count = async () => Number((await h.core!.db('subscribers').count({ n: '*' }))[0].n);

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  await ownersSetUp(h);
  await h.router.add('/ip/pool', { name: 'office', ranges: '10.20.0.100-10.20.0.149' });
  expect((await adminApi(h, 'PUT', '/sites/1', { static_pool: '10.20.0.0/24' })).status).toBe(200);
  await addSubscriber(h, { username: 'cctv.shop', static_ip: '10.20.0.5' });
});
afterAll(() => h.close());

const HEAD = 'name,username,plan,billing_day,static_ip\n';

test('every address problem is named by its row, with the rest of the file, and nothing is written', async () => {
  const csv =
    HEAD +
    'Held One,held.one,HOME10,5,10.20.0.5\n' +
    'Twice A,twice.a,HOME10,5,10.20.0.9\n' +
    'Twice B,twice.b,HOME10,5,10.20.0.9\n' +
    'In Pool,in.pool,HOME10,5,10.20.0.120\n' +
    'Bad Day,bad.day,HOME10,45,10.20.0.11\n';
  const before = await count();
  for (const query of ['?dry_run=1', '']) {
    const res = await importCsv(h, csv, query);
    expect(res.status).toBe(400);
    const problems = (res.json.problems as Array<{ row: number; field: string; message: string }>).map(
      (p) => `${p.row} ${p.field}: ${p.message}`,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        '2 static_ip: 10.20.0.5 is already held by the subscriber cctv.shop',
        '4 static_ip: 10.20.0.9 is also on row 3 of this file',
        expect.stringMatching(/^5 static_ip: 10\.20\.0\.120 .*pool office/),
        expect.stringMatching(/^6 billing_day: /),
      ]),
    );
    expect(await count()).toBe(before);
  }
});

test('auto on several rows gives each its own address', async () => {
  const csv = HEAD + 'Auto A,auto.a,HOME10,5,auto\nAuto B,auto.b,HOME10,5,auto\n';
  const res = await importCsv(h, csv);
  expect(res.status).toBe(201);
  const ips = (
    await h.core!.db('subscribers').whereIn('username', ['auto.a', 'auto.b']).pluck('static_ip')
  ).sort();
  expect(ips).toHaveLength(2);
  expect(new Set(ips).size).toBe(2);
  expect(ips).not.toContain('10.20.0.5');
});
