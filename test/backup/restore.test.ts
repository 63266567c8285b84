/**
 * A shop backed up while it polls and restored into a fresh database: the reports agree to the centavo and the
 * byte; a damaged file, a running server and a database holding a shop are refused with the target unchanged.
 * On SQLite: SQLite's own copy and the export; on PostgreSQL (`npm run test:pg`): pg_dump and the export.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/env';
import { openDatabase } from '../../src/db/knex';
import { payloadStream, verifyBackup } from '../../src/services/business/backup/file-format';
import { rowCounts } from '../../src/services/business/backup/inspect';
import { restoreIntoSqlite } from '../../src/services/business/backup/restore-sqlite';
import type { BackupFormat } from '../../src/services/business/backup/types';
import { postgresLeases } from '../../src/db/site-leases';
import { createLogger } from '../../src/lib/logger';
import { describePostgresOnly, describeSqliteOnly } from '../helpers/engine-describe';
import { onPostgres } from '../helpers/test-db';
import { advance, usageHarness, type Harness } from '../usage/helpers';
import { buildShop, freshPlace, mac, openRestored, reportsOf, restoreCli, type Place } from './helpers';

const FORMATS: BackupFormat[] = onPostgres ? ['pgdump', 'export'] : ['sqlite', 'export'];

let h: Harness;
let vendoSecret: string;
const files: Partial<Record<BackupFormat, string>> = {};
const places: Place[] = [];

beforeAll(async () => {
  h = await usageHarness({ http: true });
  ({ vendoSecret } = await buildShop(h));
}, 240_000);

afterAll(async () => {
  await h?.close();
  for (const p of places) await p.close();
});

async function place(): Promise<Place> {
  const p = await freshPlace();
  places.push(p);
  return p;
}

/** Rows per table of a database (by URL). */
async function rowsOf(url: string): Promise<Record<string, number>> {
  const db = openDatabase(loadConfig({ DATABASE_URL: url }).database);
  try {
    return await rowCounts(db);
  } finally {
    await db.destroy();
  }
}

test.each(FORMATS)(
  'the %s backup made while polls run is consistent and verifies',
  async (format) => {
    const { services } = h.core!;
    let polls = 0;
    let stop = false;
    // Customers keep browsing and the poll keeps writing while the backup reads.
    const polling = (async () => {
      while (!stop || polls < 3) {
        for (let i = 0; i < 3; i++) h.sim.addTraffic(mac(3, i), { up: 10_007, down: 90_011 }, 5);
        advance(h, 5);
        await services.usage.runCycle();
        polls++;
      }
    })();
    const made = await services.backups.backupNow({ format }).finally(() => (stop = true));
    await polling;
    expect(polls).toBeGreaterThanOrEqual(3);
    expect(made.manifest.format).toBe(format);
    expect(path.dirname(made.file)).toBe(h.config.backup.dir);
    expect(path.basename(made.file)).toMatch(
      new RegExp(`^pisonet-\\d{8}-\\d{6}\\+0800(-\\d+)?\\.${format}\\.backup$`),
    );
    expect(made.bytes).toBe(fs.statSync(made.file).size);
    const manifest = await verifyBackup(made.file);
    expect(manifest.engine).toBe(onPostgres ? 'postgres' : 'sqlite');
    expect(manifest.tables.vouchers).toBe(16);
    expect(manifest.sealed.vendo_secrets).toBe(1);
    files[format] = made.file;
  },
  60_000,
);

test.each(FORMATS)(
  'the %s backup restored into a fresh database gives the same reports',
  async (format) => {
    // The shop as it is now; no poll runs until the comparison is done.
    const before = await reportsOf(h.core!, h.clock.now());
    const made = await h.core!.services.backups.backupNow({ format });
    expect(before.usage.bytesDown).toBeGreaterThan(100_000_000);
    expect(before.byProfile.reduce((s, r) => s + r.amount, 0)).toBeGreaterThan(0);
    expect(before.byProfile.some((r) => (r.charges ?? 0) > 0)).toBe(true);

    const p = await place();
    fs.copyFileSync(path.join(h.dir, 'vendo-secrets.key'), path.join(p.dir, 'vendo-secrets.key'));
    const r = await restoreCli(h, p, made.file, ['--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      warnings: string[];
      tables: Array<{ table: string; rows: number }>;
    };
    expect(out.warnings).toEqual([]);
    expect(out.tables.find((t) => t.table === 'vouchers')?.rows).toBe(16);

    const restored = await openRestored(h, p);
    try {
      expect(await reportsOf(restored, h.clock.now())).toEqual(before);
      // The same router: the restored database knows it and manages it.
      expect((await restored.services.routerBinding.check()).mode).toBe('bound');
    } finally {
      await restored.close();
    }
  },
  120_000,
);

test('a damaged or cut-short file is refused in one line, and the database is left as it was', async () => {
  const good = files[FORMATS[0]]!;
  const p = await place();
  expect((await restoreCli(h, p, good)).code).toBe(0);
  const before = await rowsOf(p.db.url);
  const bytes = fs.readFileSync(good);
  const cut = path.join(p.dir, 'cut.backup');
  fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 3));
  const flipped = path.join(p.dir, 'flipped.backup');
  const copy = Buffer.from(bytes);
  copy[copy.length - 100] ^= 0x01;
  fs.writeFileSync(flipped, copy);
  const header = path.join(p.dir, 'header.backup');
  const copy2 = Buffer.from(bytes);
  copy2[60] ^= 0x04;
  fs.writeFileSync(header, copy2);

  for (const [file, why] of [
    [cut, /cut short \(\d+ of \d+ bytes/],
    [flipped, /content does not match its checksum/],
    [header, /header does not match its checksum/],
  ] as const) {
    const r = await restoreCli(h, p, file, ['--yes']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(why);
    expect(r.stderr).toMatch(/nothing was changed \(BACKUP_DAMAGED\)/);
    expect(await rowsOf(p.db.url)).toEqual(before);
  }
}, 120_000);

test('a database that holds a shop is replaced only with --yes, and says what it holds', async () => {
  const p = await place();
  const file = files[FORMATS[0]]!;
  expect((await restoreCli(h, p, file)).code).toBe(0);
  const before = await rowsOf(p.db.url);
  const refused = await restoreCli(h, p, file);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/already holds a shop: 16 vouchers, 13 sales \(₱[\d,.]+\)/);
  expect(refused.stderr).toMatch(/Add --yes to replace all of it .*\(RESTORE_NOT_EMPTY\)/);
  expect(await rowsOf(p.db.url)).toEqual(before);

  const yes = await restoreCli(h, p, files[FORMATS[1]]!, ['--yes']);
  expect(yes.code).toBe(0);
  expect(yes.stdout).toMatch(/It replaced a shop of 16 vouchers and 13 sales/);
  if (!onPostgres) {
    const aside = /kept as (\S+)\.\n/.exec(yes.stdout)?.[1];
    expect(aside && fs.existsSync(aside)).toBe(true);
  }
}, 120_000);

describeSqliteOnly(
  'the shop a restore replaced, kept aside',
  'PostgreSQL keeps nothing aside: the replaced shop is in the backup made before',
  () => {
    test('two restores in the same second each keep the shop they replaced, under its own name', async () => {
      const dir = fs.mkdtempSync(path.join(h.dir, 'aside-'));
      const target = path.join(dir, 'db.sqlite');
      const file = files.sqlite!;
      const manifest = await verifyBackup(file);
      const o = { keepOld: true, stamp: '20261121-101500' };
      await restoreIntoSqlite(file, manifest, target, o);
      const first = await restoreIntoSqlite(file, manifest, target, o);
      const second = await restoreIntoSqlite(file, manifest, target, o);
      expect([first.keptAside, second.keptAside]).toEqual([
        `${target}.before-restore-20261121-101500`,
        `${target}.before-restore-20261121-101500-2`,
      ]);
      expect(fs.existsSync(second.keptAside!)).toBe(true);
    });
  },
);

test('a running server keeps its database: stop the server first', async () => {
  const vouchers = (await rowsOf(h.databaseUrl)).vouchers;
  const r = await restoreCli(
    h,
    { env: { DATABASE_URL: h.databaseUrl, DATA_DIR: h.dir } },
    files[FORMATS[0]]!,
    ['--yes'],
  );
  expect(r.code).toBe(1);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(
    /a PisoNet Manager server is using this database \(pid \d+.*\): stop the server first/,
  );
  expect((await rowsOf(h.databaseUrl)).vouchers).toBe(vouchers);
}, 60_000);

describePostgresOnly('servers sharing a database', () => {
  test('a server of CONTROLLER_MODE=shared holding a site keeps its database too', async () => {
    const p = await place();
    const c = loadConfig({ DATABASE_URL: p.db.url }).database;
    if (c.engine !== 'postgres') throw new Error('PostgreSQL only');
    // A shared-mode server's lease on the default site, as it holds one while it polls.
    const leases = postgresLeases(c, createLogger('silent'), () => 5000);
    try {
      expect(await leases.hold(1)).toBe('acquired');
      const r = await restoreCli(h, p, files[FORMATS[0]]!);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /sharing this database \(CONTROLLER_MODE=shared\) are using it: stop them all first/,
      );
      expect(await rowsOf(p.db.url)).toEqual({});
    } finally {
      await leases.close();
    }
  }, 60_000);
});

test('the sealed secrets are kept sealed, and a restore without their key says so', async () => {
  const file = files[FORMATS[1]]!;
  const manifest = await verifyBackup(file);
  let text = '';
  for await (const chunk of payloadStream(file, manifest)) text += (chunk as Buffer).toString('utf8');
  const sealed = ((await h.core!.db('vendos').first('secret_enc')) as { secret_enc: string }).secret_enc;
  expect(sealed).toMatch(/^v1\./);
  expect(text).toContain(sealed);
  expect(text).not.toContain(vendoSecret);
  expect(text).not.toContain(fs.readFileSync(path.join(h.dir, 'vendo-secrets.key'), 'utf8').trim());

  const p = await place();
  const r = await restoreCli(h, p, file);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(
    /warning: 1 of the restored vendos' secrets cannot be opened: there is no .*vendo-secrets\.key/,
  );

  // A key that is not the one: said too, in one line.
  fs.writeFileSync(path.join(p.dir, 'vendo-secrets.key'), `${Buffer.alloc(32, 7).toString('base64')}\n`);
  const again = await restoreCli(h, p, file, ['--yes']);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(
    /cannot be opened with .*vendo-secrets\.key: it is not the key they were sealed with/,
  );
}, 120_000);
