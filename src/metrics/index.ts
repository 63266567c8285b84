/**
 * The business metrics for Prometheus (docs/monitoring.md): the one module that holds prom-client. Each server
 * builds its own Registry (never prom-client's global one), so several servers in one process (the tests) never
 * share a counter. The services count through MetricsPort (port.ts); what the process already holds (each
 * site's router connection, its last poll) and the sales in the database are read when Prometheus scrapes:
 * a scrape never asks a router anything.
 *
 * Every counter starts from zero when the server starts. prom-client is loaded only by a server that has a token
 * to be scraped with (createMetrics is called by src/app.ts then), so a shop that does not use it pays nothing.
 */
import type * as Prom from 'prom-client';
import type { Db } from '../db/knex';
import type { Clock } from '../lib/clock';
import type { CoaOutcome, MetricsPort } from './port';
import { eventLoopLag, type EventLoopLag } from './event-loop';
import { SalesTally } from './sales';
import { BillingTally, defineBilling } from './billing';
import { defineSubscribers, showSubscribers } from './subscribers';

/** A site this process drives now, as a scrape reads it. */
export interface SiteView {
  id: number;
  name: string;
  /** Whether its router's API connection is up; null: no connection to judge (a RADIUS site without API). */
  up: boolean | null;
  /** When its last poll ran (ms), as this process knows it (another server's, for a site it polls). */
  lastPollAt?: number;
  /** Its subscribers' PPP sessions online as last seen (no router read); absent or undefined: not known. */
  subscribersOnline?(): Promise<number | undefined>;
}

/** What a scrape reads: the sites (from the composition root), the database's sales since `since`. */
export interface MetricsSources {
  sites(): SiteView[];
  /** The read connection: a scrape never waits behind the customers' writes. */
  db: Db;
  clock: Clock;
  /** When the server started: sales from then on are counted. */
  since: number;
}

export type Metrics = Awaited<ReturnType<typeof createMetrics>>;

/** The fair-use watch aims at 2 s from a crossing to its new speed on the router, 3 s at most. */
const FUP_ENFORCED_BUCKETS = [0.25, 0.5, 1, 1.5, 2, 2.5, 3, 5, 10, 30];

/** From 10 ms (a handful of devices) to 30 s (a router on a slow link with thousands). */
const POLL_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30];

function define(prom: typeof Prom, registers: Prom.Registry[]) {
  const counter = (name: string, help: string, labelNames: string[]) =>
    new prom.Counter({ name, help, labelNames, registers });
  const gauge = (name: string, help: string) =>
    new prom.Gauge({ name, help, labelNames: ['site'], registers });
  return {
    routerUp: gauge(
      'pisonet_router_up',
      "1 while the site's router API connection is up, 0 while it is not.",
    ),
    devicesOnline: gauge('pisonet_devices_online', "Customer devices online at the site's last poll."),
    lastPoll: gauge(
      'pisonet_last_poll_timestamp_seconds',
      "When the site's last usage poll ran (Unix time).",
    ),
    pollDuration: new prom.Histogram({
      name: 'pisonet_poll_duration_seconds',
      help: 'How long each usage poll of the site took (read, book, decide, enforce).',
      labelNames: ['site'],
      buckets: POLL_BUCKETS,
      registers,
    }),
    fupWatched: gauge(
      'pisonet_fup_watch_devices',
      'Devices the fair-use watch reads between polls (near a speed threshold), at its last tick.',
    ),
    fupWatchedSubscribers: gauge(
      'pisonet_fup_watch_subscribers',
      'PPPoE subscribers the fair-use watch reads between polls (near a speed threshold), at its last tick.',
    ),
    fupWatchReads: counter(
      'pisonet_fup_watch_reads_total',
      'Reads of the watched devices between polls (one round of prints each).',
      ['site'],
    ),
    fupWatchRows: counter(
      'pisonet_fup_watch_rows_total',
      'Rows the router sent for the fair-use watch’s reads.',
      ['site'],
    ),
    fupEnforced: new prom.Histogram({
      name: 'pisonet_fup_enforced_seconds',
      help: 'From a speed threshold crossed between polls (estimated between two reads) to its new speed written, by kind (device: a hotspot voucher; subscriber: a PPPoE subscriber).',
      labelNames: ['site', 'kind'],
      buckets: FUP_ENFORCED_BUCKETS,
      registers,
    }),
    usageBytes: counter(
      'pisonet_usage_bytes_total',
      "Bytes booked to customers' vouchers by the usage polls (up: sent by the customer, down: received).",
      ['site', 'direction'],
    ),
    sold: counter(
      'pisonet_vouchers_sold_total',
      'Vouchers sold (first used; staff vouchers left out), by the plan sold, as the sales report counts.',
      ['site', 'profile'],
    ),
    pesos: counter(
      'pisonet_sales_pesos_total',
      'Money in, in pesos: vouchers sold at their price plus charges on running vouchers, as the sales report counts.',
      ['site'],
    ),
    redemptions: counter(
      'pisonet_redemptions_total',
      "Codes redeemed by customers and vendos: result ok, or the refusal's error code.",
      ['site', 'result'],
    ),
    coa: counter(
      'pisonet_radius_coa_total',
      "RADIUS sites' CoA and Disconnect requests (type coa|disconnect) and their outcome (ack|nak|timeout|error).",
      ['site', 'type', 'result'],
    ),
    ...defineSubscribers(prom, registers),
    ...defineBilling(prom, registers),
  };
}

type Defined = ReturnType<typeof define>;

function portOf(m: Defined, online: Map<string, number>): MetricsPort {
  return {
    polled(site, seconds, devices) {
      m.pollDuration.observe({ site }, seconds);
      online.set(site, devices);
    },
    booked(site, up, down) {
      m.usageBytes.inc({ site, direction: 'up' }, up);
      m.usageBytes.inc({ site, direction: 'down' }, down);
    },
    redeemed(site, result) {
      m.redemptions.inc({ site, result });
    },
    fupWatched(site, devices) {
      m.fupWatched.set({ site }, devices);
    },
    fupWatchRead(site, rows) {
      m.fupWatchReads.inc({ site });
      m.fupWatchRows.inc({ site }, rows);
    },
    fupWatchedSubscribers(site, subscribers) {
      m.fupWatchedSubscribers.set({ site }, subscribers);
    },
    fupEnforced(site, seconds, kind = 'device') {
      m.fupEnforced.observe({ site, kind }, seconds);
    },
    coa(site, type, result: CoaOutcome) {
      m.coa.inc({ site, type, result });
    },
  };
}

/** The gauges read from what the process holds, and each site's counters shown from zero before its first count. */
function showSites(m: Defined, sites: SiteView[], online: Map<string, number>): void {
  m.routerUp.reset();
  m.devicesOnline.reset();
  m.lastPoll.reset();
  for (const s of sites) {
    const site = s.name;
    if (s.up !== null) m.routerUp.set({ site }, s.up ? 1 : 0);
    const devices = online.get(site);
    if (devices !== undefined) m.devicesOnline.set({ site }, devices);
    if (s.lastPollAt !== undefined) m.lastPoll.set({ site }, s.lastPollAt / 1000);
    m.usageBytes.inc({ site, direction: 'up' }, 0);
    m.usageBytes.inc({ site, direction: 'down' }, 0);
    m.redemptions.inc({ site, result: 'ok' }, 0);
    m.fupWatchReads.inc({ site }, 0);
  }
}

async function showSales(m: Defined, tally: SalesTally, sites: SiteView[], since: number): Promise<void> {
  // A site not polled since the server started may still book first uses from before its first poll.
  const totals = await tally.read(Math.min(...sites.map((s) => s.lastPollAt ?? since)));
  // The name this process knows the site by (its polls' and redemptions' label), else the database's.
  const names = new Map(sites.map((s) => [s.id, s.name]));
  m.sold.reset();
  m.pesos.reset();
  for (const s of sites) {
    m.pesos.inc({ site: s.name }, 0);
    // Every plan a site sells shown from zero, so that rate() and increase() count its first sale too.
    for (const p of totals.onSale)
      if (p.siteId === null || p.siteId === s.id) m.sold.inc({ site: s.name, profile: p.profile }, 0);
  }
  for (const v of totals.vouchers.values())
    m.sold.inc({ site: names.get(v.siteId) ?? v.site, profile: v.profile }, v.count);
  for (const c of totals.centavos.values())
    m.pesos.inc({ site: names.get(c.siteId) ?? c.site }, c.amount / 100);
}

/**
 * prom-client's default process metrics, read at every scrape, less what costs the most and says the least to a
 * shop: V8's per-heap-space breakdown (the heap's total stays), libuv's resources by kind (handles and requests
 * stay), and the event-loop family, which event-loop.ts makes under the same names at a fraction of the cost. They
 * are made in a registry of their own, never scraped, and the rest moved into ours; prom-client's own event-loop
 * sampler is given an interval so long (24 days) that it never runs.
 */
const LEFT_OUT = /^nodejs_(heap_space_size_|active_resources|eventloop_lag)/;
const NEVER_MS = 2 ** 31 - 1;

function processMetrics(prom: typeof Prom, registry: Prom.Registry): EventLoopLag {
  const defaults = new prom.Registry();
  prom.collectDefaultMetrics({ register: defaults, eventLoopMonitoringPrecision: NEVER_MS });
  for (const { name } of defaults.getMetricsAsArray()) {
    const metric = defaults.getSingleMetric(name);
    if (metric && !LEFT_OUT.test(name)) registry.registerMetric(metric);
  }
  return eventLoopLag(prom, [registry]);
}

export async function createMetrics() {
  const prom = await import('prom-client');
  const registry = new prom.Registry();
  const lag = processMetrics(prom, registry);
  const m = define(prom, [registry]);
  /** Devices online at each site's last poll, by site name. */
  const online = new Map<string, number>();
  let sources: MetricsSources | undefined;
  let tally: SalesTally | undefined;
  let billing: BillingTally | undefined;
  return {
    port: portOf(m, online),
    /** Once the core is open: the scrape's sources. Until then a scrape shows the process and the counts. */
    readFrom(s: MetricsSources) {
      sources = s;
      tally = new SalesTally(s.db, s.since, () => s.clock.now());
      billing = new BillingTally(s.db, s.since);
    },
    /** The exposition, in Prometheus' text format (`contentType`). */
    async render() {
      if (sources && tally) {
        const sites = sources.sites();
        showSites(m, sites, online);
        await showSales(m, tally, sites, sources.since);
        await showSubscribers(
          m,
          sources.db,
          sites.map((s) => ({ ...s, online: async () => s.subscribersOnline?.() })),
        );
        await billing?.show(m, sites);
      }
      return registry.metrics();
    },
    contentType: registry.contentType,
    /** Stops what samples between scrapes (the event loop's delay): the server stopping. */
    close: () => lag.close(),
  };
}
