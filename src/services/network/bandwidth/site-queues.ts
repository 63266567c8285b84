/**
 * The `pisonet-` queues of every site's router, for the bandwidth page's Router queues tab and
 * GET /admin/api/queues. Every router is asked at once; one that is down, hung or not driven by this server shows
 * its error in place of its queues, and with several sites a hung one holds up the list by at most
 * QUEUES_WAIT_MS (sites/dispatch.ts caps its lookups alike). One router (a shop with one site, or the list
 * narrowed to one) is waited for as long as its connection waits: a big router's list may take longer to print.
 */
import type { Knex } from 'knex';
import { AppError } from '../../../domain/errors';
import { toAppError } from '../../../lib/error-reply';
import type { ManagedHotspot, QueueView } from '../../../router/hotspot';
import type { RouterClient } from '../../../router/types';
import type { RouterQueueView, SiteQueues } from '../../types';

/** The most the all-sites queue list waits for one router. */
const QUEUES_WAIT_MS = 500;

interface SiteRouterRef {
  hotspot: ManagedHotspot;
  router?: RouterClient;
}

/** A queue as the admin and the API show it. */
export function routerQueueView(r: QueueView): RouterQueueView {
  return {
    id: r.id,
    name: r.name,
    target: r.target ?? '',
    maxLimit: r.maxLimit ?? '0/0',
    bytes: r.bytes,
    rate: r.rate,
    disabled: Boolean(r.disabled),
    dynamic: Boolean(r.dynamic),
    comment: r.comment ?? '',
    parent: r.parent && r.parent !== 'none' ? r.parent : null,
    priority: r.priority ?? '8/8',
  };
}

/** Each site's queues (`siteId`: that site's only), in site order; never throws for a router. */
export async function queuesBySite(
  db: Knex,
  routerOf: (siteId: number) => SiteRouterRef | undefined,
  siteId?: number,
): Promise<SiteQueues[]> {
  const sites = (await db('sites')
    .modify((q) => {
      if (siteId !== undefined) void q.where({ id: siteId });
    })
    .orderBy('id')
    .select('id', 'name')) as Array<{ id: number; name: string }>;
  const wait = siteId === undefined && sites.length > 1 ? QUEUES_WAIT_MS : undefined;
  return Promise.all(
    sites.map(async (row) => {
      const site = { id: Number(row.id), name: row.name };
      const target = routerOf(site.id);
      if (!target) return { site, queues: [], error: 'This server is not connected to its router.' };
      const status = target.router?.status;
      if (status && !status.connected)
        return {
          site,
          queues: [],
          error: `Its router is not connected${status.lastError ? ` (${status.lastError})` : ''}.`,
        };
      try {
        const rows = await withDeadline(target.hotspot.queues(), wait);
        return { site, queues: rows.map(routerQueueView), error: null };
      } catch (err) {
        return { site, queues: [], error: toAppError(err).message };
      }
    }),
  );
}

/** `work`, or an error once `ms` have passed (no deadline when `ms` is undefined). */
async function withDeadline<T>(work: Promise<T>, ms: number | undefined): Promise<T> {
  if (ms === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AppError(
            'ROUTER_SLOW',
            `Its router did not answer within ${ms / 1000} s (narrowed to this site, the list waits for it).`,
            504,
          ),
        ),
      ms,
    );
  });
  work.catch(() => undefined); // answered after the deadline: nobody is waiting for it
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
