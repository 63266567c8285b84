import type { Db } from '../../../db/knex';
import type { Clock } from '../../../lib/clock';
import type { Actor, AuditEntry, AuditService } from '../../types';

type AuditRow = Omit<AuditEntry, 'ts' | 'details'> & { ts: number | string; details: string | null };

/** Every admin change (batch, revoke, bandwidth, profile edit, password) with who, when and what. */
export function createAuditService(db: Db, clock: Clock): AuditService {
  return {
    async record(actor: Actor, action: string, target: string | null, details?: Record<string, unknown>) {
      await db('audit_log').insert({
        ts: clock.now(),
        actor: `${actor.name} (${actor.via})`,
        action,
        target,
        details: details ? JSON.stringify(details) : null,
      });
    },
    async list(opts = {}) {
      const limit = Math.min(Math.max(opts.limit ?? 50, 1), 500);
      const base = db('audit_log').modify((q) => {
        if (opts.action) q.where({ action: opts.action });
        if (opts.target) q.where({ target: opts.target });
      });
      const [{ n }] = await base.clone().count<{ n: number }[]>({ n: '*' });
      const rows: AuditRow[] = await base
        .clone()
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(opts.offset ?? 0);
      const entries: AuditEntry[] = rows.map((r) => ({
        id: r.id,
        ts: Number(r.ts),
        actor: r.actor,
        action: r.action,
        target: r.target,
        details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
      }));
      return { total: Number(n), entries };
    },
  };
}
