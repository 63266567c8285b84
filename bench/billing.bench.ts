/**
 * A billing day for 10,000 subscribers: every one bills on the 5th (the worst day a shop can have), each already
 * invoiced for the cycle before, and the clock at 00:00 on 2027-01-05 in Manila. Times `invoices.run()` (the
 * midnight run, the catch-up and `pisonet billing run` are the same call) issuing all 10,000 invoices, then checks
 * the numbers run on from the last one with no gap and no repeat, and that a second run issues nothing. On SQLite
 * (a file in a temporary folder) and on PostgreSQL (bench/pg-cluster.ts: a scratch database on DATABASE_URL's
 * server, or a throwaway cluster; without either the PostgreSQL half says why and is skipped). Budget: 10 s each.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppConfig } from '../src/config/env';
import { parseDatabaseUrl } from '../src/config/database-url';
import { migrateLatest, openDatabase } from '../src/db/knex';
import { FakeClock } from '../src/lib/clock';
import { createAuditService } from '../src/services/business/audit';
import { createInvoiceService } from '../src/services/subscriptions/billing/invoices';
import { seedBillingDay } from '../test/helpers/billing-seed';
import { NoPostgres, openBenchPostgres } from './pg-cluster';

const SUBSCRIBERS = Number(process.env.BENCH_BILLING_SUBSCRIBERS || 10_000);
const BUDGET_MS = 10_000;

async function measure(engine: string, url: string, dir: string): Promise<void> {
  const db = openDatabase(parseDatabaseUrl(url, dir));
  try {
    await migrateLatest(db);
    const clock = new FakeClock(Date.parse('2026-12-20T10:00:00+08:00'));
    await seedBillingDay(db, { count: SUBSCRIBERS, now: clock.now(), invoiced: true });
    clock.set(Date.parse('2027-01-05T00:00:00+08:00'));
    const config = {
      tz: 'Asia/Manila',
      billing: { dueDays: 7, graceDays: 0, remindDays: 3, invoicePrefix: 'INV-' },
    } as unknown as AppConfig;
    const invoices = createInvoiceService({ db, clock, config, audit: createAuditService(db, clock) });
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const { issued } = await invoices.run();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const again = await invoices.run();
    const seqs = (await db('invoices').orderBy('seq').select('seq', 'subscriber_id', 'issue_key')) as Array<{
      seq: number;
      subscriber_id: number;
      issue_key: string;
    }>;
    const problems: string[] = [];
    if (issued.length !== SUBSCRIBERS) problems.push(`${issued.length} issued, not ${SUBSCRIBERS}`);
    if (again.issued.length !== 0) problems.push(`a second run issued ${again.issued.length}`);
    if (seqs.length !== 2 * SUBSCRIBERS) problems.push(`${seqs.length} invoices in all`);
    seqs.forEach((r, i) => {
      if (Number(r.seq) !== i + 1 && problems.length < 5)
        problems.push(`number ${i + 1} missing (found ${r.seq})`);
    });
    const fresh = seqs.filter((r) => r.issue_key === 'cycle:2027-01-05');
    if (new Set(fresh.map((r) => Number(r.subscriber_id))).size !== SUBSCRIBERS)
      problems.push('not one new invoice per subscriber');
    if (issued[0] !== `INV-${String(SUBSCRIBERS + 1).padStart(6, '0')}`)
      problems.push(`first issued ${issued[0]}`);
    if (problems.length) throw new Error(`${engine}: ${problems.join('; ')}`);
    const verdict = ms <= BUDGET_MS ? 'within' : 'OVER';
    console.log(
      `  ${engine}: ${SUBSCRIBERS} invoices issued in ${(ms / 1000).toFixed(2)} s wall (${((ms * 1000) / SUBSCRIBERS).toFixed(0)} µs each; ${verdict} the ${BUDGET_MS / 1000} s budget), ${(cpuMs / 1000).toFixed(2)} s CPU in this process; numbers ${issued[0]}…${issued[issued.length - 1]} gap-free; a second run issued 0`,
    );
  } finally {
    await db.destroy();
  }
}

export async function run(): Promise<void> {
  console.log(
    `  (load average ${os
      .loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')} on ${os.cpus().length} CPUs)`,
  );
  console.log(
    `billing day: ${SUBSCRIBERS} subscribers all billing on the 5th (1 in 10 suspended), each invoiced for the cycle before; invoices.run() at 00:00 on 2027-01-05, Asia/Manila`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-bench-billing-'));
  try {
    await measure('SQLite', `sqlite:${path.join(dir, 'bench.sqlite')}`, dir);
    let pg;
    try {
      pg = await openBenchPostgres();
    } catch (err) {
      if (!(err instanceof NoPostgres)) throw err;
      console.log(`  PostgreSQL: skipped (${err.message})`);
      return;
    }
    try {
      await measure(`PostgreSQL (${pg.shown})`, pg.url, dir);
    } finally {
      await pg.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
