import type { Knex } from 'knex';

/**
 * The poll writes its usage straight into the tables now; the usage journal (one row of packed deltas per
 * poll, folded into the tables a minute later) is gone. A controller that stopped without folding left its last
 * polls' rows: they are added into `voucher_devices`, `vouchers`, the samples and the hourly rollup (which the
 * usage reports read) here, once, before the table is dropped, so no byte is lost and none is counted twice (the
 * rows and the table go in this one migration).
 *
 * A row is either packed numbers in `data` (little-endian float64s: header FORMAT=1, nd, nz, nv, ns; nd device
 * entries [device, voucher, dUp, dDown, rateUp, rateDown, lastSeenAt, baselineUp, baselineDown, queue]; nz ids
 * whose rates fell to zero; nv voucher entries [voucher, dUp, dDown, dCounted, dUptime]; then the JSON array of the
 * ns queue ids not of RouterOS's `*HEX` form) or, older, the same as JSON in `body` ({d, z, v}).
 */

type DeviceEntry = [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number | null,
  number | null,
  string | null,
];
type VoucherEntry = [number, number, number, number, number];
interface Body {
  d: DeviceEntry[];
  z: number[];
  v: VoucherEntry[];
}

const HEADER = 5;
const D_WIDTH = 10;
const V_WIDTH = 5;
const HOUR_MS = 3600_000;

function queueId(q: number, strings: string[]): string | null {
  if (q === -1) return null;
  if (q >= 0) return `*${q.toString(16).toUpperCase()}`;
  return strings[-2 - q] ?? null;
}

function decode(row: { data: Uint8Array | null; body: string | null }): Body {
  if (row.data === null || row.data === undefined)
    return JSON.parse(row.body ?? '{"d":[],"z":[],"v":[]}') as Body;
  const buf = Buffer.from(row.data);
  const at = (i: number) => buf.readDoubleLE(i * 8);
  if (buf.length < HEADER * 8 || at(0) !== 1)
    throw new Error(`usage journal row in an unknown format (${buf.length} bytes)`);
  const [nd, nz, nv, ns] = [at(1), at(2), at(3), at(4)];
  const count = HEADER + nd * D_WIDTH + nz + nv * V_WIDTH;
  const strings = ns > 0 ? (JSON.parse(buf.subarray(count * 8).toString('utf8')) as string[]) : [];
  const num = (v: number) => (Number.isFinite(v) ? v : null);
  const body: Body = { d: [], z: [], v: [] };
  let i = HEADER;
  for (let k = 0; k < nd; k++, i += D_WIDTH)
    body.d.push([
      at(i),
      at(i + 1),
      at(i + 2),
      at(i + 3),
      at(i + 4),
      at(i + 5),
      at(i + 6),
      num(at(i + 7)),
      num(at(i + 8)),
      queueId(at(i + 9), strings),
    ]);
  for (let k = 0; k < nz; k++, i++) body.z.push(at(i));
  for (let k = 0; k < nv; k++, i += V_WIDTH) body.v.push([at(i), at(i + 1), at(i + 2), at(i + 3), at(i + 4)]);
  return body;
}

export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('usage_journal'))) return;
  const rows = (await knex('usage_journal').orderBy('id').select('id', 'ts', 'body', 'data')) as Array<{
    id: number;
    ts: number;
    body: string | null;
    data: Uint8Array | null;
  }>;
  for (const r of rows) {
    const ts = Number(r.ts);
    const b = decode(r);
    for (const [id, voucherId, dUp, dDown, rateUp, rateDown, lastSeen, baseUp, baseDown, queue] of b.d) {
      const dev = (await knex('voucher_devices').where({ id }).first('counter_queue_id')) as
        { counter_queue_id: string | null } | undefined;
      if (!dev) continue; // the device row is gone (an undone claim, a deleted voucher): its voucher's sums below
      const set: Record<string, unknown> = {
        bytes_up: knex.raw('bytes_up + ?', [dUp]),
        bytes_down: knex.raw('bytes_down + ?', [dDown]),
        rate_up: rateUp,
        rate_down: rateDown,
        last_seen_at: lastSeen,
      };
      // A baseline belongs to the queue it was read from: a device given another queue since keeps its new one.
      if (baseUp !== null && baseDown !== null && dev.counter_queue_id === queue) {
        set.baseline_up = baseUp;
        set.baseline_down = baseDown;
      }
      await knex('voucher_devices').where({ id }).update(set);
      if (dUp > 0 || dDown > 0) {
        await knex('usage_samples').insert({
          device_id: id,
          voucher_id: voucherId,
          ts,
          bytes_up: dUp,
          bytes_down: dDown,
          rate_up: rateUp,
          rate_down: rateDown,
        });
        // The device's row of the poll's UTC hour, as a poll writes it: bytes added, peak rates kept.
        const hour = { ts: Math.floor(ts / HOUR_MS) * HOUR_MS, resolution: 3600, device_id: id };
        const had = (await knex('usage_rollup').where(hour).first('rate_up', 'rate_down')) as
          { rate_up: number; rate_down: number } | undefined;
        if (had)
          await knex('usage_rollup')
            .where(hour)
            .update({
              bytes_up: knex.raw('bytes_up + ?', [dUp]),
              bytes_down: knex.raw('bytes_down + ?', [dDown]),
              rate_up: Math.max(Number(had.rate_up), rateUp),
              rate_down: Math.max(Number(had.rate_down), rateDown),
            });
        else
          await knex('usage_rollup').insert({
            ...hour,
            voucher_id: voucherId,
            bytes_up: dUp,
            bytes_down: dDown,
            rate_up: rateUp,
            rate_down: rateDown,
          });
      }
    }
    for (const id of b.z)
      await knex('voucher_devices').where({ id }).update({ rate_up: 0, rate_down: 0, last_seen_at: ts });
    for (const [id, dUp, dDown, dCounted, dUptime] of b.v)
      await knex('vouchers')
        .where({ id })
        .update({
          bytes_up: knex.raw('bytes_up + ?', [dUp]),
          bytes_down: knex.raw('bytes_down + ?', [dDown]),
          counted_bytes: knex.raw('counted_bytes + ?', [dCounted]),
          uptime_seconds: knex.raw('uptime_seconds + ?', [dUptime]),
          updated_at: ts,
        });
  }
  await knex.schema.dropTable('usage_journal');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.createTable('usage_journal', (t) => {
    t.increments('id').primary();
    t.integer('site_id').notNullable();
    t.bigInteger('ts').notNullable();
    t.text('body').notNullable();
    t.binary('data').nullable();
    t.index(['site_id', 'id']);
  });
}
