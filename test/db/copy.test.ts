/**
 * `pisonet db copy`: a shop's SQLite history moved to another database (PostgreSQL under `npm run test:pg`,
 * another SQLite file otherwise) and back, with the reports agreeing to the centavo and the byte.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/env';
import { openCore, type Core } from '../../src/core';
import { copyDatabase, dependencyOrder } from '../../src/db/copy';
import { openDatabase } from '../../src/db/knex';
import { createLogger } from '../../src/lib/logger';
import { SYSTEM } from '../../src/services/types';
import { runCli } from '../cli/helpers';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/test-db';
import { advance, loginOnRouter, usageHarness, type Harness } from '../usage/helpers';

const DAY = 86_400;
const DAYS = 31;
const POLLS_A_DAY = 4;

describe(`db copy: SQLite → ${onPostgres ? 'PostgreSQL' : 'SQLite'} and back`, () => {
  let h: Harness;
  let dir: string;
  let target: TestDatabase;
  let sold: string[];
  let unsold = '';

  beforeAll(async () => {
    h = await usageHarness({ sqlite: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-copy-'));
    target = await createTestDatabase(dir, 'copy.sqlite');
    const { services } = h.core!;
    // A month of a small shop: a batch a day, customers logging in, traffic polled every 6 hours.
    sold = [];
    for (let day = 0; day < DAYS; day++) {
      const batch = await services.vouchers.generate(
        { profile: day === 1 ? 'FUP' : 'BASIC', count: 4 },
        SYSTEM,
      );
      const codes = batch.vouchers.map((v) => v.code);
      unsold = codes[3];
      for (let i = 0; i < 3; i++) {
        const mac = `02:CC:00:00:${String(day).padStart(2, '0')}:0${i}`;
        await loginOnRouter(h, codes[i], mac, `10.5.50.${20 + day * 3 + i}`);
        sold.push(codes[i]);
      }
      await services.usage.runCycle();
      for (let poll = 0; poll < POLLS_A_DAY; poll++) {
        for (let i = 0; i < 3; i++)
          h.sim.addTraffic(
            `02:CC:00:00:${String(day).padStart(2, '0')}:0${i}`,
            {
              up: 1_000_003 * (i + 1) + poll,
              down: 7_000_019 * (i + 1) + day,
            },
            30,
          );
        advance(h, DAY / POLLS_A_DAY - 60);
        await services.usage.runCycle();
      }
      advance(h, POLLS_A_DAY * 60);
      await services.usage.runCycle();
    }
    await services.vouchers.revoke(unsold, SYSTEM); // one unused code revoked: not stock, not a sale
  }, 240_000);
  afterAll(async () => {
    await h?.close();
    await target?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** What the owner reads: sales by day and by profile, stock, traffic and the top users, over the whole range. */
  async function reportsOf(core: Core) {
    const to = h.clock.now() + 1;
    const from = to - (DAYS + 2) * DAY * 1000;
    const r = core.services.reports;
    return {
      byDay: await r.sales({ from, to, by: 'day' }),
      byProfile: await r.sales({ from, to, by: 'profile' }),
      stock: await r.stock(),
      usage: await r.usageTotals({ from, to }),
      top: await r.topUsers({ from, to, limit: 20 }),
    };
  }

  test('every row moves, the checks agree, and the reports on both engines are the same', async () => {
    const source = openDatabase(h.config.database);
    const dst = openDatabase(loadConfig({ DATABASE_URL: target.url }).database);
    let report;
    try {
      report = await copyDatabase(source, dst);
    } finally {
      await dst.destroy();
      await source.destroy();
    }
    expect(report.ok).toBe(true);
    const vouchers = report.tables.find((t) => t.table === 'vouchers')!;
    expect(vouchers.rows.source).toBe(4 * DAYS);
    expect(vouchers.sums.find((s) => s.column === 'bytes_down')!.source).toBeGreaterThan(100_000_000);
    expect(report.tables.find((t) => t.table === 'usage_samples')!.rows.target).toBeGreaterThan(0);

    const before = await reportsOf(h.core!);
    expect(before.byProfile.reduce((s, r) => s + r.amount, 0)).toBeGreaterThan(0);
    expect(before.usage.bytesDown).toBeGreaterThan(100_000_000);
    const copy = await openCore(loadConfig({ ...configEnv(h), DATABASE_URL: target.url }), {
      role: 'cli',
      router: h.router,
      clock: h.clock,
      log: createLogger('silent'),
    });
    try {
      expect(await reportsOf(copy)).toEqual(before);
      // New rows get new ids: the copied ids did not leave the sequences behind.
      const more = await copy.services.vouchers.generate({ profile: 'BASIC', count: 2 }, SYSTEM);
      expect(more.vouchers).toHaveLength(2);
    } finally {
      await copy.db.destroy();
    }
  });

  test('the CLI refuses a target holding data, copies into an empty one with --force, and says so', async () => {
    const again = await runCli(h, ['db', 'copy', '--from', h.databaseUrl, '--to', target.url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /already holds data .*add --force to replace everything in it \(TARGET_NOT_EMPTY\)/,
    );
    expect(again.stderr + again.stdout).not.toContain(new URL(target.url).password || '\u0000');

    const back = path.join(dir, 'back.sqlite');
    const r = await runCli(h, ['db', 'copy', '--from', target.url, '--to', `sqlite:${back}`, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { ok: boolean; tables: Array<{ table: string; ok: boolean }> };
    expect(out.ok).toBe(true);
    expect(out.tables.every((t) => t.ok)).toBe(true);
    const forced = await runCli(h, [
      'db',
      'copy',
      '--from',
      h.databaseUrl,
      '--to',
      `sqlite:${back}`,
      '--force',
    ]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/every count and sum agrees/);
  }, 180_000);

  test('tables come after the tables they reference', () => {
    const parents = new Map([
      ['vouchers', new Set(['profiles', 'batches'])],
      ['batches', new Set(['profiles'])],
      ['profiles', new Set<string>()],
      ['voucher_devices', new Set(['vouchers', 'voucher_devices'])],
    ]);
    expect(dependencyOrder(['voucher_devices', 'vouchers', 'profiles', 'batches'], parents)).toEqual([
      'profiles',
      'batches',
      'vouchers',
      'voucher_devices',
    ]);
  });
});

/** The harness's settings as environment variables, for a second core on the copied database. */
function configEnv(h: Harness): Record<string, string> {
  return {
    PROFILES_FILE: h.config.profilesFile,
    DATA_DIR: h.dir,
    TZ: h.config.tz,
    LOG_LEVEL: 'silent',
    ROUTER_HOST: '127.0.0.1',
    ROUTER_PORT: String(h.sim.port),
  };
}
