/**
 * Which site's router serves a customer. The portal's login page names its site; when a request does
 * not, the site is the one whose router sees the device: every connected router is asked for that MAC in its
 * hotspot's host table, at once. One router that sees it (with that IP) decides; two that both see the same
 * MAC and IP make the portal ask instead of guessing (SITE_AMBIGUOUS); none leaves it to the voucher's own site.
 * A router that does not answer within LOOKUP_MS is left out of the answer, so a hung router delays another
 * site's customers by at most that much.
 */
import type { Knex } from 'knex';
import { isPlausibleCode, normaliseCode } from '../../../domain/codes';
import { normaliseMac } from '../../../domain/units';
import { AppError } from '../../../domain/errors';
import type { ManagedHotspot } from '../../../router/hotspot';
import type { RouterClient } from '../../../router/types';
import type { SiteRef } from '../../deps';
import { findSite } from './lookup';
import type { RedemptionService } from '../../types';

/** The most a lookup waits for a router's host table. */
const LOOKUP_MS = 400;

/** What the dispatch needs of a site: its router and its redemptions. */
export interface SiteDriver {
  site: SiteRef;
  router: RouterClient;
  hotspot: ManagedHotspot;
  redemption: RedemptionService;
  /**
   * Whether its codes work while this controller cannot reach its router (the router checks them itself, on its
   * own login page: a RADIUS site).
   */
  redeemsWithoutRouter?: boolean;
}

export interface SiteDrivers {
  /** The `default` site (the .env router). */
  main: SiteDriver;
  /** Every site this process drives, `default` included, in id order. */
  all(): SiteDriver[];
  get(id: number): SiteDriver | undefined;
}

const ambiguous = (names: string[]) =>
  new AppError(
    'SITE_AMBIGUOUS',
    `More than one of the shop's hotspots sees this device (${names.join(', ')}). Open the login page of the WiFi you are connected to and try again.`,
    409,
    'site',
  );

const siteAway = (name: string) =>
  new AppError(
    'SITE_UNREACHABLE',
    `The ${name} hotspot cannot be reached right now. Your code was not used; please try again in a minute.`,
    503,
  );

/** Each connected router's answer to `ask`; none when they have not all answered within LOOKUP_MS. */
async function askConnected<T>(drivers: SiteDriver[], ask: (d: SiteDriver) => Promise<T>): Promise<T[]> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T[]>((resolve) => {
    timer = setTimeout(() => resolve([]), LOOKUP_MS);
  });
  const asks = drivers.filter((d) => d.router.status.connected).map(ask);
  const answers = await Promise.race([Promise.all(asks), deadline]);
  clearTimeout(timer);
  return answers;
}

/** The sites whose router sees `mac` at `ip`, among those that answer within LOOKUP_MS. */
export async function sitesSeeing(drivers: SiteDriver[], mac: string, ip: string): Promise<SiteDriver[]> {
  const seen: SiteDriver[] = [];
  await askConnected(drivers, (d) =>
    d.hotspot.hostAddresses(mac).then(
      (addresses) => {
        if (addresses.includes(ip)) seen.push(d);
      },
      () => undefined, // a router that errors sees nothing
    ),
  );
  return seen.sort((a, b) => a.site.id - b.site.id);
}

/**
 * How many devices the shop's routers see behind an address (the portal's guess limits scale with it): 1 when a
 * router has it as one of its hosts' own address, else the most hosts any one router has (a branch seen through
 * its NAT). Routers that do not answer within LOOKUP_MS are left out; none answering is one device.
 */
export async function devicesBehind(drivers: SiteDriver[], address: string): Promise<number> {
  const counts = await askConnected(drivers, (d) => d.hotspot.devicesBehind(address).catch(() => 1));
  return counts.includes(1) ? 1 : Math.max(1, ...counts);
}

/**
 * The addresses the shop's routers give `mac` now (their hotspot host entries), among the routers that answer
 * within LOOKUP_MS, in site order: the status page's links carry the device's address to the login page.
 */
export async function addressesOf(drivers: SiteDriver[], mac: string): Promise<string[]> {
  const found = await askConnected(drivers, (d) => d.hotspot.hostAddresses(mac).catch(() => [] as string[]));
  return [...new Set(found.flat())];
}

/** Whether any of the shop's routers sees `mac` at `ip` now (within LOOKUP_MS). */
export async function seenBySomeSite(drivers: SiteDriver[], mac: string, ip: string): Promise<boolean> {
  return (await sitesSeeing(drivers, mac, ip)).length > 0;
}

/**
 * The site that serves a request: the one it names (`site`, id or name), else the one router that sees the
 * device at that IP, else (nobody sees it) the voucher's own site, `knownSite` (undefined: read from the
 * code). The redemption and the portal's self-service use it alike.
 */
export async function findDriver(
  db: Knex,
  drivers: SiteDrivers,
  input: { code: string; mac: string; ip: string; site?: string | number },
  knownSite: number | null | undefined,
): Promise<SiteDriver> {
  if (input.site !== undefined && input.site !== '') {
    const site = await findSite(db, input.site);
    const d = drivers.get(site.id);
    if (!d || (!d.redeemsWithoutRouter && !d.router.status.connected)) throw siteAway(site.name);
    return d;
  }
  const all = drivers.all();
  if (all.length <= 1) return drivers.main;
  let mac: string;
  try {
    mac = normaliseMac(input.mac);
  } catch {
    return drivers.main; // its redemption answers "not connected" for a malformed device
  }
  const seen = await sitesSeeing(all, mac, String(input.ip));
  if (seen.length === 1) return seen[0];
  if (seen.length > 1) throw ambiguous(seen.map((d) => d.site.name));
  // Nobody sees it (or the router that does is away): the voucher's own site answers for it.
  let siteId = knownSite;
  if (siteId === undefined) {
    const code = normaliseCode(String(input.code ?? ''));
    const row = isPlausibleCode(code)
      ? ((await db('vouchers').whereRaw('UPPER(code) = ?', [code]).first('site_id')) as
          { site_id: number | null } | undefined)
      : undefined;
    siteId = row?.site_id;
  }
  return (siteId != null ? drivers.get(Number(siteId)) : undefined) ?? drivers.main;
}

/** The redemption service the faces use: each redemption runs on its site's own service. */
export function siteRedemption(db: Knex, drivers: SiteDrivers): RedemptionService {
  return {
    async redeem(input, asker, known, sale) {
      const d = await findDriver(db, drivers, input, known?.row.site_id);
      return d.redemption.redeem(input, asker, known, sale);
    },
    status: (mac, asker, siteId) => drivers.main.redemption.status(mac, asker, siteId),
    async settled() {
      await Promise.all(drivers.all().map((d) => d.redemption.settled()));
    },
  };
}
