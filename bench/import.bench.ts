/**
 * A 1,000-customer CSV through `POST /admin/api/subscribers/import`, end to end on a whole controller (the test
 * harness: SQLite in a temporary folder, the simulated router): the dry run, then the import (every row checked,
 * then one transaction writing each subscriber with its first invoice, the audit entries), then the same file
 * again (every row `exists`). Checks that 1,000 subscribers and 1,000 invoices were written. Budget: 10 s.
 */
import { createHarness } from '../test/helpers/harness';
import { PROFILES } from '../test/helpers/subscriber-plans';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS || 1000);
const BUDGET_MS = 10_000;
const TOKEN = 'test-token-0123456789abcdef';

function customers(n: number): string {
  const lines = ['name,mobile,username,password,plan,billing_day,address,language'];
  for (let i = 1; i <= n; i++) {
    const mobile = `0917${String(1_000_000 + i).slice(-7)}`;
    const password = i % 2 ? `Pass-${String(i).padStart(6, '0')}` : '';
    const plan = i % 3 ? 'HOME10' : 'HOME25';
    lines.push(
      `"Customer ${i}, Jr.",${mobile},cust${i},${password},${plan},${(i % 28) + 1},"Purok ${i % 9}",en`,
    );
  }
  return lines.join('\r\n') + '\r\n';
}

export async function run(): Promise<void> {
  const h = await createHarness({ http: true, profiles: PROFILES });
  try {
    const csv = customers(ROWS);
    const post = async (query: string) => {
      const t0 = process.hrtime.bigint();
      const res = await fetch(`${h.app!.url}/admin/api/subscribers/import${query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv' },
        body: csv,
      });
      const json = (await res.json()) as Record<string, unknown>;
      return { status: res.status, json, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
    };
    const dry = await post('?dry_run=1');
    const cpu0 = process.cpuUsage();
    const done = await post('');
    const cpu = process.cpuUsage(cpu0);
    const again = await post('');
    const count = async (t: string) =>
      Number(((await h.core!.db(t).count({ n: '*' })) as { n: number | string }[])[0].n);
    const problems: string[] = [];
    if (dry.status !== 200 || dry.json.ok !== ROWS)
      problems.push(`dry run: ${dry.status} ${JSON.stringify(dry.json).slice(0, 200)}`);
    if (done.status !== 201 || done.json.created !== ROWS)
      problems.push(`import: ${done.status} ${JSON.stringify(done.json).slice(0, 200)}`);
    if (again.json.exists !== ROWS || again.json.created !== 0)
      problems.push('the same file again added some');
    if ((await count('subscribers')) !== ROWS) problems.push(`${await count('subscribers')} subscribers`);
    if ((await count('invoices')) !== ROWS) problems.push(`${await count('invoices')} invoices`);
    const kb = Math.round(Buffer.byteLength(csv) / 1024);
    console.log(`${ROWS} customers (${kb} KB of CSV), SQLite, through the admin API:`);
    console.log(`  dry run           ${dry.ms.toFixed(0)} ms`);
    console.log(
      `  import            ${done.ms.toFixed(0)} ms (CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms), budget ${BUDGET_MS} ms`,
    );
    console.log(`  same file again   ${again.ms.toFixed(0)} ms (all ${ROWS} exist)`);
    if (done.ms > BUDGET_MS) problems.push(`import took ${done.ms.toFixed(0)} ms, over ${BUDGET_MS} ms`);
    if (problems.length) throw new Error(problems.join('; '));
  } finally {
    await h.close();
  }
}
