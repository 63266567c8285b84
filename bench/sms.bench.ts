/**
 * SMS to subscribers at scale: a billing day's 10,000 issued invoices (rows written straight into the database,
 * as the billing run leaves them) found by the SMS scan, queued and sent to the fake Semaphore on loopback, on
 * SQLite. Each "issued" text names its own invoice, so each is its own call: 10,000 calls. The 120-calls-a-minute
 * limit is not waited for: the fake clock is moved on by what the limiter asks, so the figure is our work alone;
 * the wall time that limit implies is printed beside it. Then the same 10,000 numbers with one text (a shop-wide
 * notice), which go 1,000 numbers to a call.
 */
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { enqueue } from '../src/services/subscriptions/sms/outbox';
import { createHarness, type Harness } from '../test/helpers/harness';
import { PROFILES } from '../test/helpers/subscriber-plans';
import { forkBenchChild } from './child';

const N = 10_000;
const KEY = 'bench-semaphore-key-0123456789';

async function seed(h: Harness): Promise<void> {
  const db = h.core!.db;
  const now = h.clock.now();
  const profile = (await db('profiles').where({ name: 'HOME10' }).first('id')) as { id: number };
  const subs = Array.from({ length: N }, (_, i) => ({
    seq: i + 1,
    site_id: 1,
    profile_id: profile.id,
    name: `Subscriber ${i + 1}`,
    mobile: `+63917${String(i).padStart(7, '0')}`,
    username: `sub${i + 1}`,
    username_key: `sub${i + 1}`,
    password_enc: 'sealed',
    billing_day: 1,
    billing_anchor: '2026-11-01',
    status: 'active',
    starts_on: '2026-11-01',
    language: i % 3 === 0 ? 'fil' : 'en',
    created_at: now,
    updated_at: now,
  }));
  for (let i = 0; i < N; i += 500) await db('subscribers').insert(subs.slice(i, i + 500));
  const ids = (await db('subscribers').orderBy('id').select('id')) as Array<{ id: number }>;
  const invoices = ids.map((s, i) => ({
    seq: i + 1,
    number: `INV-${String(i + 1).padStart(6, '0')}`,
    subscriber_id: s.id,
    issue_key: 'cycle:2026-12-01',
    kind: 'cycle',
    period_start: '2026-12-01',
    period_end: '2026-12-31',
    issued_on: '2026-12-01',
    due_on: '2026-12-08',
    amount: 99_900,
    created_at: now,
  }));
  for (let i = 0; i < N; i += 500) await db('invoices').insert(invoices.slice(i, i + 500));
}

/** The fake Semaphore in a child process: its url, its counters, its clock moved with ours. */
async function startFake(): Promise<{ url: string; child: ChildProcess; calls(): Promise<number> }> {
  const file = path.join(__dirname, `sms-fake${path.extname(__filename)}`);
  const child = forkBenchChild(file, KEY);
  const url = await new Promise<string>((resolve) =>
    child.once('message', (m: { url: string }) => resolve(m.url)),
  );
  return {
    url,
    child,
    calls: () =>
      new Promise((resolve) => {
        child.once('message', (m: { calls: number }) => resolve(m.calls));
        child.send({ calls: true });
      }),
  };
}

/** Rounds until nothing is due; the limiter's waits are skipped on the fake clock (and the fake's). */
async function drain(
  h: Harness,
  fake: ChildProcess,
): Promise<{ ms: number; cpuMs: number; rounds: number; firstMs: number }> {
  let ms = 0;
  const cpu0 = process.cpuUsage();
  let rounds = 0;
  let firstMs = 0;
  for (;;) {
    const t0 = process.hrtime.bigint();
    const r = await h.core!.services.sms.run();
    const took = Number(process.hrtime.bigint() - t0) / 1e6;
    ms += took;
    if (rounds === 0) firstMs = took;
    rounds++;
    if (r.calls === 0 && r.waitMs === 0) {
      const cpu = process.cpuUsage(cpu0);
      return { ms, cpuMs: (cpu.user + cpu.system) / 1000, rounds, firstMs };
    }
    if (r.waitMs > 0) {
      h.clock.advance(r.waitMs);
      fake.send({ advance: r.waitMs });
    }
  }
}

export async function run(): Promise<void> {
  const fake = await startFake();
  const url = fake.url;
  const h = await createHarness({
    sqlite: true,
    profiles: PROFILES,
    env: {
      TZ: 'Asia/Manila',
      PORTAL_URL: 'http://10.5.50.1',
      SEMAPHORE_API_KEY: KEY,
      SEMAPHORE_API_URL: url,
    },
  });
  try {
    h.clock.set(Date.parse('2026-12-01T00:00:00+08:00'));
    await h.core!.services.sms.run(); // SMS on from here
    h.clock.advance(1000);
    await seed(h);
    const a = await drain(h, fake.child);
    const calls = await fake.calls();
    const sent = await h.core!.db('sms_outbox').where({ state: 'sent' }).count({ n: '*' }).first();
    console.log(`10,000 "issued" SMS (each its own text), SQLite, fake Semaphore on loopback:`);
    console.log(
      `  our work ${a.ms.toFixed(0)} ms (CPU ${a.cpuMs.toFixed(0)} ms; the fake Semaphore runs in its own process) in ${a.rounds} rounds (first round: scan of 10,000 invoices, queue, 120 calls: ${a.firstMs.toFixed(0)} ms)`,
    );
    console.log(
      `  calls ${calls}, sent ${Number(sent?.n)}; the 120 calls a minute make it ${Math.ceil(calls / 120)} min of wall time`,
    );

    const idle: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = process.hrtime.bigint();
      await h.core!.services.sms.run();
      idle.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    idle.sort((x, y) => x - y);
    console.log(
      `  a round with nothing left to send (the scan finds all 10,000 told): median ${idle[2].toFixed(0)} ms`,
    );
    const before = calls;
    const s = (await h.core!.db('subscribers').orderBy('id').select('id', 'mobile')) as Array<{
      id: number;
      mobile: string;
    }>;
    h.clock.advance(60_000);
    fake.child.send({ advance: 60_000 });
    const t0 = process.hrtime.bigint();
    await enqueue(
      h.core!.db,
      s.map((x, i) => ({
        subject: `payment:${900_000 + i}`,
        kind: 'payment' as const,
        subscriberId: x.id,
        number: x.mobile,
        language: 'en',
        text: 'PisoNet: the shop is closed on Monday.',
      })),
      h.clock.now(),
    );
    const b = await drain(h, fake.child);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(
      `10,000 SMS of one text: queue + send ${ms.toFixed(0)} ms (${b.rounds} rounds), calls ${(await fake.calls()) - before}`,
    );
  } finally {
    await h.close();
    fake.child.send({ stop: true });
  }
}
