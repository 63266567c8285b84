/**
 * A record named in an address by its id or code is judged on the record as loaded, after the id is parsed:
 * the same batch spelled `%31`, `1.0`, `0x1`, `01`, `1e0` or ` 1` is either that batch (for a role that may see
 * it) or not found, never another account's batch for a reseller. Owner-only addresses stay refused in every
 * spelling.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { api, makeAccount, OWNER } from './helpers';

const SPELLINGS = ['%31', '1.0', '0x1', '01', '1e0', '%201', '0000000001', '+1', '1%00'];

describe('record ids in addresses', () => {
  let h: Harness;
  let cashier: { authorization: string };
  let ana: { authorization: string };
  let ben: { authorization: string };
  const batch: Record<string, number> = {};
  const code: Record<string, string> = {};

  beforeAll(async () => {
    h = await createHarness({ http: true });
    cashier = await makeAccount(h, { username: 'maria', role: 'cashier' });
    ana = await makeAccount(h, { username: 'store.ana', role: 'reseller', profiles: ['BASIC'] });
    ben = await makeAccount(h, { username: 'store.ben', role: 'reseller', profiles: ['BASIC'] });
    for (const [who, headers] of [
      ['owner', OWNER],
      ['cashier', cashier],
      ['ana', ana],
      ['ben', ben],
    ] as const) {
      const made = await api(h, 'POST', '/admin/api/vouchers', { profile: 'BASIC', count: 1 }, headers);
      if (made.status !== 201) throw new Error(JSON.stringify(made.json));
      batch[who] = made.json.batch_id as number;
      code[who] = (made.json.vouchers as { code: string }[])[0].code;
    }
  });
  afterAll(() => h.close());

  const get = (path: string, headers: Record<string, string>) =>
    fetch(h.app!.url + path, { headers: { accept: 'text/html', ...headers } });

  /** Whether a page shows `c`, as printed (a card writes a code in groups: `4SVC-SFES`). */
  const shows = (body: string, c: string) => body.replace(/[-\s]/g, '').includes(c);

  /** The batch `id` written as `spelling` (its digits swapped in where the spelling has a 1). */
  const spelled = (spelling: string, id: number) => spelling.replace(/1(?!.*1)/, String(id));

  test('a reseller never reads another account’s batch, in any spelling of its id, on the page or the sheet', async () => {
    for (const other of ['owner', 'cashier', 'ben'] as const) {
      for (const s of ['', ...SPELLINGS]) {
        const id = s === '' ? String(batch[other]) : spelled(s, batch[other]);
        for (const path of [
          `/admin/vouchers/batches/${id}/print?include=all`,
          `/admin/vouchers/batches/${id}`,
        ]) {
          const res = await get(path, ana);
          const body = await res.text();
          expect([path, res.status]).toEqual([path, 404]);
          expect(shows(body, code[other])).toBe(false);
        }
      }
    }
    // Its own batch is its own, in the plain spelling.
    const own = await get(`/admin/vouchers/batches/${batch.ana}/print?include=all`, ana);
    expect(own.status).toBe(200);
    expect(shows(await own.text(), code.ana)).toBe(true);
  });

  test('an id that is not a plain number is not found for the owner and a cashier too', async () => {
    for (const headers of [OWNER, cashier]) {
      for (const s of ['1.0', '0x1', '01', '1e0', '%201', '+1', '1%00']) {
        const id = spelled(s, batch.owner);
        for (const path of [`/admin/vouchers/batches/${id}/print`, `/admin/vouchers/batches/${id}`]) {
          expect([path, (await get(path, headers)).status]).toEqual([path, 404]);
        }
      }
      // The plain id, and its escaped digits (the same address once decoded), are the batch.
      const plain = await get(`/admin/vouchers/batches/${batch.owner}`, headers);
      expect(plain.status).toBe(200);
      const escaped = String(batch.owner).replace(/./g, (d) => `%3${d}`);
      expect((await get(`/admin/vouchers/batches/${escaped}/print`, headers)).status).toBe(200);
    }
  });

  test('a voucher’s code in any spelling: another account’s is 404 for a reseller on every face', async () => {
    const other = code.owner;
    const spellings = [other, other.toLowerCase(), encodeURIComponent(other), `%20${other}`];
    for (const s of spellings) {
      for (const path of [`/admin/api/vouchers/${s}`, `/admin/vouchers/${s}`, `/admin/vouchers/${s}/print`]) {
        const res = await get(path, ana);
        expect([path, res.status]).toEqual([path, 404]);
        expect(shows(await res.text(), other)).toBe(false);
      }
    }
    expect((await get(`/admin/api/vouchers/${code.ana.toLowerCase()}`, ana)).status).toBe(200);
  });

  test('a charge receipt’s id is parsed the same way', async () => {
    for (const s of ['1.0', '0x1', '01', '1e0', '%201']) {
      const res = await get(`/admin/vouchers/${code.owner}/charges/${s}/receipt`, cashier);
      expect(res.status).toBe(404);
    }
  });

  test('balances, remittances and reports: only one’s own, in any spelling of the name', async () => {
    for (const name of ['store.ben', 'Store.Ben', 'store.ben%20', '%73tore.ben', 'store.ana/../store.ben']) {
      const res = await api(h, 'GET', `/admin/api/accounts/${name}/balance`, undefined, ana);
      expect([name, res.status]).toEqual([name, expect.any(Number)]);
      expect([name, [403, 404].includes(res.status)]).toEqual([name, true]);
      expect(JSON.stringify(res.json)).not.toContain('owed');
    }
    expect((await api(h, 'GET', '/admin/api/accounts/store.ana/balance', undefined, ana)).status).toBe(200);
    expect((await api(h, 'GET', '/admin/api/accounts/%73tore.ana/balance', undefined, ana)).status).toBe(200);
    for (const headers of [ana, cashier]) {
      for (const path of [
        '/admin/api/accounts/store.ben/remittances',
        '/admin/api/accounts/%73tore.ben/remittances',
        '/admin/accounts/%73tore.ben/remittances',
      ]) {
        const res = await api(h, 'POST', path, { amount: 1 }, headers);
        expect([path, res.status]).toEqual([path, 403]);
      }
      for (const path of [
        '/admin/reports',
        '/admin/%72eports',
        '/admin/reports/sales%2Ecsv',
        '/admin/api/audit',
      ]) {
        expect([path, (await get(path, headers)).status]).toEqual([path, 403]);
      }
    }
    expect(await h.core!.db('remittances').count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});
