/**
 * A small shop with a history (sales, a plan upgrade, usage polled over days, a coin box with its sealed
 * secret), what its owner reads of it, and a second controller core on a restored database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/env';
import { openCore, type Core } from '../../src/core';
import { createLogger } from '../../src/lib/logger';
import { SYSTEM } from '../../src/services/types';
import { runCli, type RunResult } from '../cli/helpers';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db';
import { advance, loginOnRouter, type Harness } from '../usage/helpers';

const DAY = 86_400;
export const DAYS = 4;

/** Days of a small shop: a batch a day, three customers logging in, traffic polled four times a day. */
export async function buildShop(h: Harness): Promise<{ vendoSecret: string }> {
  const { services } = h.core!;
  for (let day = 0; day < DAYS; day++) {
    const batch = await services.vouchers.generate(
      { profile: day === 1 ? 'FUP' : 'BASIC', count: 4 },
      SYSTEM,
    );
    const codes = batch.vouchers.map((v) => v.code);
    for (let i = 0; i < 3; i++) await loginOnRouter(h, codes[i], mac(day, i), `10.5.50.${20 + day * 3 + i}`);
    await services.usage.runCycle();
    // A plan upgrade on a running voucher: a sale in voucher_charges.
    if (day === 2) await services.vouchers.changeProfile(codes[0], 'FUP', SYSTEM, { charge: true });
    for (let poll = 0; poll < 4; poll++) {
      for (let i = 0; i < 3; i++)
        h.sim.addTraffic(
          mac(day, i),
          { up: 1_000_003 * (i + 1) + poll, down: 7_000_019 * (i + 1) + day },
          30,
        );
      advance(h, DAY / 4 - 60);
      await services.usage.runCycle();
    }
    advance(h, 240);
    await services.usage.runCycle();
  }
  const { secret } = await services.vendos.create(
    { name: 'Front box', profile: 'BASIC', rates: [{ amount: 5, validity: '1h' }] },
    SYSTEM,
  );
  return { vendoSecret: secret };
}

export const mac = (day: number, i: number) => `02:CB:00:00:${String(day).padStart(2, '0')}:0${i}`;

/** What the owner reads: sales by day and profile, credits, stock, traffic and the top users, to the centavo. */
export async function reportsOf(core: Core, now: number) {
  const to = now + 1;
  const from = to - (DAYS + 2) * DAY * 1000;
  const r = core.services.reports;
  return {
    byDay: await r.sales({ from, to, by: 'day' }),
    byProfile: await r.sales({ from, to, by: 'profile' }),
    bySource: await r.bySource({ from, to }),
    credits: await r.credits({ from, to }),
    stock: await r.stock(),
    usage: await r.usageTotals({ from, to }),
    top: await r.topUsers({ from, to, limit: 20 }),
  };
}

/** A fresh place to restore into: an empty database (its engine's) and an empty data folder. */
export interface Place {
  dir: string;
  db: TestDatabase;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function freshPlace(name = 'restored.sqlite', sqlite = false): Promise<Place> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-restore-test-'));
  const db = sqlite
    ? { url: `sqlite:${path.join(dir, name)}`, drop: async () => undefined }
    : await createTestDatabase(dir, name);
  return {
    dir,
    db,
    env: { DATABASE_URL: db.url, DATA_DIR: dir },
    async close() {
      await db.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function restoreCli(
  h: Harness,
  place: Pick<Place, 'env'>,
  file: string,
  more: string[] = [],
): Promise<RunResult> {
  return runCli(h, ['restore', file, ...more], { env: place.env });
}

/** A controller core (as the terminal opens it) on the restored database, against the harness's router. */
export async function openRestored(h: Harness, place: Place): Promise<Core> {
  return openCore(
    loadConfig({
      PROFILES_FILE: h.config.profilesFile,
      DATA_DIR: place.dir,
      TZ: h.config.tz,
      LOG_LEVEL: 'silent',
      ROUTER_HOST: '127.0.0.1',
      ROUTER_PORT: String(h.sim.port),
      DATABASE_URL: place.db.url,
    }),
    { role: 'cli', clock: h.clock, log: createLogger('silent') },
  );
}
