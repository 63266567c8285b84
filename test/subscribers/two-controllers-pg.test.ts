/**
 * Two controllers on one PostgreSQL database (two invoice services, each with its own connection pool) running
 * the billing run at once over 200 subscribers: every invoice issued once, numbers 1…200 with no gap and no
 * repeat, and a later run by either issues nothing. The row lock on `invoice_numbers` orders the issuers and the
 * unique (subscriber, issue_key) stands behind the lookup. (Twenty payments at once on one subscriber:
 * payments.test.ts, also under npm run test:pg.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/env';
import { migrateLatest, openDatabase, type Db } from '../../src/db/knex';
import { FakeClock } from '../../src/lib/clock';
import { createAuditService } from '../../src/services/business/audit';
import { createInvoiceService } from '../../src/services/subscriptions/billing/invoices';
import { seedBillingDay } from '../helpers/billing-seed';
import { describePostgresOnly } from '../helpers/engine-describe';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db';

describePostgresOnly('two controllers billing on one PostgreSQL', () => {
  let dir: string;
  let database: TestDatabase;
  const dbs: Db[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-two-'));
    database = await createTestDatabase(dir);
    const config = loadConfig({ DATABASE_URL: database.url, DATA_DIR: dir, TZ: 'Asia/Manila' });
    for (let i = 0; i < 2; i++) dbs.push(openDatabase(config.database));
    await migrateLatest(dbs[0]);
  });
  afterAll(async () => {
    for (const db of dbs) await db.destroy();
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('issues every invoice once, numbered 1…200 with no gap and no repeat', async () => {
    const clock = new FakeClock(Date.parse('2027-01-04T12:00:00+08:00'));
    await seedBillingDay(dbs[0], { count: 200, now: clock.now(), invoiced: false });
    clock.set(Date.parse('2027-01-05T00:00:00+08:00'));
    const config = loadConfig({ DATABASE_URL: database.url, DATA_DIR: dir, TZ: 'Asia/Manila' });
    const services = dbs.map((db) =>
      createInvoiceService({ db, clock, config, audit: createAuditService(db, clock) }),
    );
    const [a, b] = await Promise.all(services.map((s) => s.run()));
    expect(a.issued.length + b.issued.length).toBe(200);
    expect(new Set([...a.issued, ...b.issued]).size).toBe(200);
    const rows = (await dbs[0]('invoices')
      .orderBy('seq')
      .select('seq', 'number', 'subscriber_id', 'issue_key')) as Array<{
      seq: number;
      number: string;
      subscriber_id: number;
      issue_key: string;
    }>;
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(rows.map((r) => r.number)).toEqual(
      Array.from({ length: 200 }, (_, i) => `INV-${String(i + 1).padStart(6, '0')}`),
    );
    expect(new Set(rows.map((r) => Number(r.subscriber_id))).size).toBe(200);
    expect(new Set(rows.map((r) => r.issue_key))).toEqual(new Set(['cycle:2027-01-05']));
    expect(Number((await dbs[0]('invoice_numbers').where({ id: 1 }).first('last')).last)).toBe(200);
    // A later run by either (a restart, the next hour's run) issues nothing.
    const again = await Promise.all(services.map((s) => s.run()));
    expect(again.map((x) => x.issued.length)).toEqual([0, 0]);
  });
});
