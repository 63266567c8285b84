import type { Knex } from 'knex';

/**
 * `subscriber_suspensions`: one row per time a subscriber was suspended, never deleted. `cause` says who
 * suspended it: `unpaid` (billing, the day after its oldest open invoice's due date plus the grace days) or
 * `manual` (the owner or a cashier, with a reason). A billing suspension is lifted by billing when nothing is
 * past due any more; a manual one only by hand. `ended_at`/`ended_by` are set once, when it is lifted or the
 * subscriber is ended. The suspension's `id` is what a "suspended" SMS is sent once for. Subscribers suspended
 * before this table existed get a `manual` row, so they stay suspended until resumed by hand.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('subscriber_suspensions', (t) => {
    t.increments('id').primary();
    t.integer('subscriber_id').notNullable().references('id').inTable('subscribers');
    t.string('cause', 10).notNullable();
    t.string('reason', 200);
    t.bigInteger('started_at').notNullable();
    t.string('started_by', 64).notNullable();
    t.bigInteger('ended_at');
    t.string('ended_by', 64);
    t.index(['subscriber_id', 'ended_at']);
  });
  const suspended = (await knex('subscribers')
    .where({ status: 'suspended' })
    .select('id', 'status_reason', 'updated_at')) as Array<{
    id: number;
    status_reason: string | null;
    updated_at: number;
  }>;
  for (const s of suspended)
    await knex('subscriber_suspensions').insert({
      subscriber_id: s.id,
      cause: 'manual',
      reason: s.status_reason,
      started_at: s.updated_at,
      started_by: 'before billing',
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('subscriber_suspensions');
}
