/**
 * The producers: one look, every few seconds on its own job, at what the product already knows, turned into
 * messages in the outbox. Nothing here runs on a poll's or a redemption's path.
 * - every site's router: the Sites service's statuses (the main connection for `default`, the site monitor's
 *   for the others), the one place that knows each site's connection;
 * - the vendos' last polls (vendos.last_seen_at);
 * - the wrong-code storms: the `guessing` events the redemption path records (once a minute at most);
 * - each profile's unused vouchers, once a minute, when a low-stock alert is set.
 * What was already said lives in the outbox itself (its latest message per subject), so a restart neither
 * repeats a "down" nor forgets to say "back".
 */
import { routerStep, stockStep, stormStep, vendoStep, type Presence } from '../../../domain/notify';
import type { ShopDeps } from '../../deps';
import type { SiteService } from '../sites/types';
import * as say from './messages';
import { enqueue, latestBySubject } from './outbox';
import { channelsOf, type NotifySettingsStore } from './settings';
import type { NewMessage, NotifySettings } from './types';

const STOCK_EVERY_MS = 60_000;

interface WatchDeps extends Pick<ShopDeps, 'db' | 'clock' | 'log'> {
  sites: Pick<SiteService, 'statuses'>;
  store: NotifySettingsStore;
  voice(settings: NotifySettings): Promise<say.Voice>;
}

const sinceOf = (data: Record<string, unknown>, key: string, fallback: number) => {
  const t = typeof data[key] === 'string' ? Date.parse(data[key]) : NaN;
  return Number.isFinite(t) ? t : fallback;
};

export class NotifyWatch {
  private loaded = false;
  private routers = new Map<number, Presence>();
  private vendos = new Map<string, Presence>();
  private stockTold = new Map<number, boolean>();
  private stockAt = 0;
  private guessCursor = 0;
  private lastGuessAt?: number;

  constructor(private readonly deps: WatchDeps) {}

  /** One look at everything; writes what is to be said. Does nothing while no channel is set. */
  async run(): Promise<void> {
    const { settings } = await this.deps.store.read();
    const channels = channelsOf(settings);
    if (!channels.length) {
      // Off: what was seen is forgotten; the outbox tells the next look what was said.
      this.loaded = false;
      return;
    }
    if (!this.loaded) await this.load();
    const now = this.deps.clock.now();
    const voice = await this.deps.voice(settings);
    const out: NewMessage[] = [
      ...(await this.lookAtRouters(voice, settings.routerDownSeconds * 1000, now)),
      ...(await this.lookAtVendos(voice, now)),
      ...(await this.lookAtGuesses(voice, now)),
    ];
    if (settings.lowStock !== null && now - this.stockAt >= STOCK_EVERY_MS) {
      this.stockAt = now;
      out.push(...(await this.lookAtStock(voice, settings.lowStock)));
    }
    for (const m of out) {
      await enqueue(this.deps.db, now, m, channels);
      this.deps.log.info({ kind: m.kind, site: m.site ?? undefined }, `notification queued: ${m.kind}`);
    }
  }

  /** What the outbox says was last told of each router, vendo and profile. */
  private async load(): Promise<void> {
    const { db } = this.deps;
    const now = this.deps.clock.now();
    this.routers.clear();
    for (const [subject, m] of await latestBySubject(db, 'site:'))
      if (m.kind === 'router_down')
        this.routers.set(Number(subject.slice(5)), { awaySince: sinceOf(m.data, 'since', now), told: true });
    this.vendos.clear();
    for (const [subject, m] of await latestBySubject(db, 'vendo:'))
      if (m.kind === 'vendo_silent')
        this.vendos.set(subject.slice(6), { awaySince: sinceOf(m.data, 'last_seen_at', now), told: true });
    this.stockTold.clear();
    for (const [subject, m] of await latestBySubject(db, 'stock:'))
      this.stockTold.set(Number(subject.slice(6)), m.kind === 'low_stock');
    // Storms before this look were not ours to tell; one still going is not told again.
    const last = (await db('events').where({ kind: 'guessing' }).orderBy('id', 'desc').first('id', 'ts')) as
      { id: number; ts: number | string } | undefined;
    this.guessCursor = last ? Number(last.id) : 0;
    this.lastGuessAt = last ? Number(last.ts) : undefined;
    this.stockAt = 0;
    this.loaded = true;
  }

  private async lookAtRouters(voice: say.Voice, thresholdMs: number, now: number): Promise<NewMessage[]> {
    const out: NewMessage[] = [];
    const seen = new Set<number>();
    for (const { id, name, status } of await this.deps.sites.statuses()) {
      seen.add(id);
      const before = this.routers.get(id) ?? { told: false };
      const step = routerStep(before, status.connected, now, thresholdMs);
      this.routers.set(id, step.next);
      const site = { id, name };
      if (step.say === 'gone') {
        const reason = status.error?.message ?? 'no connection';
        out.push(say.routerDown(voice, site, step.next.awaySince ?? now, reason, now));
      } else if (step.say === 'back') out.push(say.routerUp(voice, site, before.awaySince ?? now, now));
    }
    for (const id of [...this.routers.keys()]) if (!seen.has(id)) this.routers.delete(id); // site removed
    return out;
  }

  private async lookAtVendos(voice: say.Voice, now: number): Promise<NewMessage[]> {
    const rows = (await this.deps
      .db('vendos as v')
      .leftJoin('sites as s', 's.id', 'v.site_id')
      .where('v.enabled', true)
      .select('v.id', 'v.name', 'v.last_seen_at', 's.name as site')) as {
      id: string;
      name: string;
      last_seen_at: number | string | null;
      site: string | null;
    }[];
    const out: NewMessage[] = [];
    const seen = new Set<string>();
    for (const r of rows) {
      seen.add(r.id);
      const lastSeenAt = r.last_seen_at === null ? null : Number(r.last_seen_at);
      const before = this.vendos.get(r.id) ?? { told: false };
      const step = vendoStep(before, lastSeenAt, now);
      this.vendos.set(r.id, step.next);
      const facts = { id: r.id, name: r.name, site: r.site, lastSeenAt: lastSeenAt ?? now };
      if (step.say === 'gone') out.push(say.vendoSilent(voice, facts, now));
      else if (step.say === 'back') out.push(say.vendoBack(voice, facts, before.awaySince ?? now, now));
    }
    for (const id of [...this.vendos.keys()]) if (!seen.has(id)) this.vendos.delete(id); // removed or off
    return out;
  }

  private async lookAtGuesses(voice: say.Voice, now: number): Promise<NewMessage[]> {
    const rows = (await this.deps
      .db('events')
      .where({ kind: 'guessing' })
      .where('id', '>', this.guessCursor)
      .orderBy('id')
      .select('id', 'ts')) as { id: number; ts: number | string }[];
    const out: NewMessage[] = [];
    for (const r of rows) {
      this.guessCursor = Number(r.id);
      const step = stormStep(this.lastGuessAt, Number(r.ts));
      this.lastGuessAt = step.last;
      if (step.say) out.push(say.guessing(voice, Number(r.ts), now));
    }
    return out;
  }

  /** Profiles on sale that have had vouchers: their unused ones against the alert. */
  private async lookAtStock(voice: say.Voice, threshold: number): Promise<NewMessage[]> {
    const { db } = this.deps;
    const rows = (await db('profiles as p')
      .join('vouchers as v', 'v.profile_id', 'p.id')
      .where('p.archived', false)
      .where('v.staff', false)
      .groupBy('p.id', 'p.name')
      .orderBy('p.id')
      .select(
        'p.id',
        'p.name',
        // A code a customer queued on their phone (queued_mac) is sold, not stock: as the shop's own counts.
        db.raw("SUM(CASE WHEN v.status = 'unused' AND v.queued_mac IS NULL THEN 1 ELSE 0 END) AS unused"),
      )) as { id: number; name: string; unused: number | string | null }[];
    const out: NewMessage[] = [];
    for (const r of rows) {
      const id = Number(r.id);
      const unused = Number(r.unused ?? 0);
      const step = stockStep(this.stockTold.get(id) ?? false, unused, threshold);
      this.stockTold.set(id, step.told);
      if (step.say) out.push(say.lowStock(voice, { id, name: r.name }, unused, threshold));
    }
    return out;
  }
}
