/**
 * Customers from a CSV through the admin API, from outside: a good file adds everyone in one go (their first
 * invoices too) and their secrets reach the router; a bad row refuses the whole file naming row and column; the
 * same file twice adds nothing; a dry run writes nothing; quoted fields; a plan that does not exist, per row.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { AUTH } from '../portal/helpers';
import { countRows as count, importCsv, ownersSetUp, PROFILES, type Json } from './helpers';
import { waitFor } from '../helpers/wait';

const GOOD = [
  '\ufeffname,mobile,username,password,plan,billing_day,address,language',
  'Ana Reyes,09171234501,ana.reyes,Ana-pass-01,HOME10,5,"Purok 1, Brgy. San Isidro",en',
  '"Ben ""Jun"" Cruz",0917 123 4502,ben.cruz,,HOME25,15,,fil',
  'Carla Santos,+639171234503,carla.s,Carla-pass-3,home10,28,"Lot 4, Block 2 ""Sampaguita""",',
  '',
  '',
].join('\r\n');

describe('importing subscribers from a CSV', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ http: true, profiles: PROFILES });
    await ownersSetUp(h);
  });
  afterAll(async () => {
    await h.close();
  });

  it('checks a file in a dry run and writes nothing', async () => {
    const res = await importCsv(h, GOOD, '?dry_run=1');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      success: true,
      dry_run: true,
      site: 'default',
      ok: 3,
      created: 0,
      exists: 0,
    });
    expect(res.json.rows.map((r: Json) => [r.row, r.username, r.outcome])).toEqual([
      [2, 'ana.reyes', 'ok'],
      [3, 'ben.cruz', 'ok'],
      [4, 'carla.s', 'ok'],
    ]);
    expect(await count(h, 'subscribers')).toBe(0);
    expect(await count(h, 'invoices')).toBe(0);
  });

  it('adds every row of a good file, quoted fields as written, and puts their secrets on the router', async () => {
    const res = await importCsv(h, GOOD);
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ dry_run: false, created: 3, exists: 0 });
    const [ana, ben, carla] = res.json.rows as Json[];
    expect(ana).toMatchObject({ row: 2, username: 'ana.reyes', outcome: 'created', account_no: 'S-000001' });
    expect(ana.password).toBeUndefined();
    // No password in the file: one is made and shown to the owner, as a single add shows it.
    expect(ben).toMatchObject({ row: 3, outcome: 'created', password_made: true });
    expect(ben.password).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(res.json.passwords).toMatch(/subscriber's page/);
    const list = (await (
      await fetch(`${h.app!.url}/admin/api/subscribers`, { headers: AUTH })
    ).json()) as Json;
    const byName = new Map((list.subscribers as Json[]).map((s) => [s.username, s]));
    expect(byName.get('ben.cruz')).toMatchObject({
      name: 'Ben "Jun" Cruz',
      mobile: '+639171234502',
      profile: 'HOME25',
      billing_day: 15,
      language: 'fil',
      password: ben.password,
      address: null,
    });
    expect(byName.get('ana.reyes')).toMatchObject({
      address: 'Purok 1, Brgy. San Isidro',
      password: 'Ana-pass-01',
    });
    expect(byName.get('carla.s')).toMatchObject({
      profile: 'HOME10',
      address: 'Lot 4, Block 2 "Sampaguita"',
      id: carla.id,
    });
    // Each got its first invoice in the same transaction, as a single add does.
    expect(await count(h, 'invoices')).toBe(3);
    const audit = await h.core!.db('audit_log').where({ action: 'subscriber.create' }).pluck('target');
    expect(audit.sort()).toEqual(['S-000001', 'S-000002', 'S-000003']);
    await waitFor(() =>
      ['ana.reyes', 'ben.cruz', 'carla.s'].every((n) => h.sim.rows('/ppp/secret').some((r) => r.name === n)),
    );
    const secret = h.sim.rows('/ppp/secret').find((r) => r.name === 'ben.cruz')!;
    expect(secret).toMatchObject({ password: ben.password, profile: 'pisonet-HOME25' });
  });

  it('adds nothing from the same file twice: every row exists', async () => {
    const res = await importCsv(h, GOOD);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ created: 0, exists: 3 });
    expect(res.json.rows.map((r: Json) => r.outcome)).toEqual(['exists', 'exists', 'exists']);
    expect(await count(h, 'subscribers')).toBe(3);
    expect(await count(h, 'invoices')).toBe(3);
  });

  it('refuses a file with bad rows naming each row and column, and writes nothing of it', async () => {
    const before = await count(h, 'subscribers');
    const csv = [
      'username,name,plan,billing_day,mobile',
      'dina.ok,Dina Lim,HOME10,3,09171234504',
      'eli.x,Eli Tan,GOLD99,3,09171234505',
      'f,Fe Ong,HOME10,31,0917',
      'dina.OK,Dina Again,HOME10,3,09171234506',
      'ELI.x,Eli Again,HOME10,3,09171234507',
    ].join('\n');
    const res = await importCsv(h, csv);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('INVALID_INPUT');
    const at = (res.json.problems as Json[]).map((p) => `${p.row}:${p.field}`);
    // A username twice is named in the same check even when its first row has another problem.
    expect(at).toEqual(['3:plan', '4:mobile', '4:billing_day', '4:username', '5:username', '6:username']);
    expect(res.json.fields['row 3: plan']).toMatch(/GOLD99/);
    expect(res.json.fields['row 5: username']).toMatch(/row 2/);
    expect(res.json.fields['row 6: username']).toBe('ELI.x is also on row 3 of this file');
    expect(res.json.error).toMatch(/nothing was imported/);
    expect(await count(h, 'subscribers')).toBe(before);
  });

  it('refuses an unknown column by name, a missing required one, and a malformed file with its row', async () => {
    const bad = await importCsv(h, 'name,username,plan,billing_day,email\nA B,ab.c,HOME10,1,a@b.c\n');
    expect(bad.status).toBe(400);
    expect(bad.json.problems).toEqual([
      expect.objectContaining({
        row: 1,
        field: 'email',
        message: expect.stringMatching(/unknown column "email"/),
      }),
    ]);
    const missing = await importCsv(h, 'name,username,billing_day\nA B,ab.c,1\n');
    expect(missing.json.problems).toEqual([expect.objectContaining({ row: 1, field: 'plan' })]);
    const open = await importCsv(
      h,
      'name,username,plan,billing_day\nA B,ab.c,HOME10,1\n"C D,cd.e,HOME10,1\n',
    );
    expect(open.status).toBe(400);
    expect(open.json.problems[0]).toMatchObject({ row: 3, field: 'column 1' });
    // A line break inside quotes does not start a row, as in a spreadsheet; the reader refuses it in a name.
    const multi = await importCsv(
      h,
      'name,username,plan,billing_day,mobile\n"A\r\nB",ab.c,HOME10,1,09171234510\nC D,cd.e,GOLD,1,09171234511\n',
    );
    expect((multi.json.problems as Json[]).map((p) => `${p.row}:${p.field}`)).toEqual(['2:name', '3:plan']);
    expect(multi.json.fields['row 2: name']).toBe('"A\\r\\nB" has a line break; a name is one line');
    const address = await importCsv(
      h,
      'name,username,plan,billing_day,address\nA B,ab.c,HOME10,1,"Line one\nLine two"\n',
    );
    expect(address.json.fields['row 2: address']).toBe(
      '"Line one\\nLine two" has a line break; an address is one line',
    );
    const short = await importCsv(h, 'name,username,plan,billing_day\nA B,ab.c,HOME10\n');
    expect(short.json.problems[0]).toMatchObject({ row: 2, field: 'row' });
    // A spreadsheet saved with semicolons: said so, not five unknown and missing columns.
    const semi = await importCsv(h, 'name;username;plan;billing_day\nA B;ab.c;HOME10;1\n');
    expect(semi.json.problems).toEqual([
      {
        row: 1,
        field: 'header',
        message:
          'the file is separated by semicolons; save it comma-separated (CSV UTF-8) and import it again',
      },
    ]);
  });

  it("reads phpMyAdmin's NULL as an empty cell", async () => {
    const res = await importCsv(
      h,
      'name,username,plan,billing_day,mobile,address\nLiza Santos,liza.s,HOME10,1,NULL,NULL\n',
      '?dry_run=1',
    );
    expect(res.status).toBe(200);
    expect(res.json.rows).toEqual([expect.objectContaining({ row: 2, username: 'liza.s', outcome: 'ok' })]);
  });

  it('refuses a file over the bounds with a clear error', async () => {
    const row = 'Gina Uy,09171234507,gina.u,,HOME10,1,,,\n';
    const big = 'name,mobile,username,password,plan,billing_day,address,language,x\n' + row.repeat(60_000);
    const tooBig = await importCsv(h, big);
    expect(tooBig.status).toBe(413);
    expect(tooBig.json.error).toMatch(/at most 5,000 customers and 2 MB/);
    const many = 'name,username,plan,billing_day\n' + 'A B,ab.c,HOME10,1\n'.repeat(5001);
    const tooMany = await importCsv(h, many);
    expect(tooMany.status).toBe(413);
    expect(tooMany.json.error).toMatch(/5,001 customers/);
  });

  it('imports customers with only the required columns: no mobile on file, no SMS', async () => {
    const res = await importCsv(h, 'name,username,plan,billing_day\nLeo Ong,leo.ong,HOME10,7\n');
    expect(res.status).toBe(201);
    const row = (await h.core!.db('subscribers').where({ username: 'leo.ong' }).first('mobile')) as Json;
    expect(row.mobile).toBe('');
  });

  it('imports paid_until and opening_balance as a single add takes them', async () => {
    const csv = 'name,mobile,username,plan,billing_day,paid_until,opening_balance\n';
    const res = await importCsv(h, `${csv}Hana Go,09171234508,hana.go,HOME10,5,2026-12-04,1500.50\n`);
    expect(res.status).toBe(201);
    const id = (res.json.rows as Json[])[0].id as number;
    const got = await fetch(`${h.app!.url}/admin/api/subscribers/${id}`, { headers: AUTH });
    const s = ((await got.json()) as Json).subscriber as Json;
    expect(s).toMatchObject({ paid_until: '2026-12-04', opening_balance_centavos: 150_050 });
    // The balance brought forward is owed now; nothing of the plan is billed on or before paid_until.
    const invoices = (await h
      .core!.db('invoices')
      .where({ subscriber_id: id })
      .select('kind', 'amount')) as Json[];
    expect(invoices.map((i) => [i.kind, Number(i.amount)])).toEqual([['opening', 150_050]]);
  });
  it("imports static_ip as a single add takes it: an address, or auto from the site's static pool", async () => {
    const put = await fetch(`${h.app!.url}/admin/api/sites/1`, {
      method: 'PUT',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ static_pool: '10.20.0.10-10.20.0.20' }),
    });
    expect(put.status).toBe(200);
    const csv = 'name,mobile,username,plan,billing_day,static_ip\n';
    const res = await importCsv(
      h,
      `${csv}Ivy Tan,09171234509,ivy.tan,HOME10,5,10.20.0.15\nJon Lim,09171234510,jon.lim,HOME10,5,auto\nKim Uy,09171234511,kim.uy,HOME10,5,auto\n`,
    );
    expect(res.status).toBe(201);
    const ips = (await h
      .core!.db('subscribers')
      .whereIn('username', ['ivy.tan', 'jon.lim', 'kim.uy'])
      .orderBy('username')
      .select('username', 'static_ip')) as Json[];
    expect(ips.map((r) => [r.username, r.static_ip])).toEqual([
      ['ivy.tan', '10.20.0.15'],
      ['jon.lim', '10.20.0.10'],
      ['kim.uy', '10.20.0.11'],
    ]);
    await waitFor(
      () => h.sim.rows('/ppp/secret').find((r) => r.name === 'kim.uy')?.['remote-address'] === '10.20.0.11',
    );
  });

  it('writes a file all or nothing: two files at once sharing a username never leave half of one', async () => {
    const file = (prefix: string) =>
      ['name,mobile,username,plan,billing_day']
        .concat(
          Array.from(
            { length: 150 },
            (_, i) => `${prefix} ${i},09181234${String(i).padStart(3, '0')},${prefix}.${i},HOME10,7`,
          ),
        )
        .concat(['Shared One,09190000001,shared.one,HOME10,7'])
        .join('\n');
    const before = await count(h, 'subscribers');
    const [a, b] = await Promise.all([importCsv(h, file('alpha')), importCsv(h, file('bravo'))]);
    for (const [res, prefix] of [
      [a, 'alpha'],
      [b, 'bravo'],
    ] as const) {
      const mine = Number(
        (
          (await h.core!.db('subscribers').where('username', 'like', `${prefix}.%`).count({ n: '*' })) as {
            n: number | string;
          }[]
        )[0].n,
      );
      if (res.status === 201) expect(mine).toBe(150);
      else {
        // The other file took the shared username between this one's check and its write: none of it stays.
        expect(res).toMatchObject({ status: 409, json: { code: 'SUBSCRIBER_EXISTS' } });
        expect(res.json.error).toMatch(/^Row 152: .*nothing was imported/);
        expect(mine).toBe(0);
      }
    }
    expect(await h.core!.db('subscribers').where({ username: 'shared.one' }).count({ n: '*' })).toEqual([
      { n: 1 },
    ]);
    // Account numbers stay without gaps: a refused file gives its numbers back.
    const seqs = (await h.core!.db('subscribers').orderBy('seq').pluck('seq')).map(Number);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(seqs.length).toBeGreaterThan(before);
  });

  it('names the site it is asked for, and refuses one that does not exist', async () => {
    const res = await importCsv(
      h,
      'name,username,plan,billing_day,mobile\nA B,ab.c,HOME10,1,09171234509\n',
      '?dry_run=1&site=nowhere',
    );
    expect(res.status).toBe(404);
    expect(res.json.code).toBe('SITE_NOT_FOUND');
    const maybe = await importCsv(h, 'name,username,plan,billing_day\nA B,ab.c,HOME10,1\n', '?dry_run=maybe');
    expect(maybe).toMatchObject({ status: 400, json: { code: 'INVALID_INPUT' } });
    expect(await count(h, 'subscribers')).not.toBe(0);
    expect(await h.core!.db('subscribers').where({ username: 'ab.c' }).first()).toBeUndefined();
  });
});
