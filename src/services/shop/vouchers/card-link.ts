/**
 * What a printed voucher's QR code opens. A phone's camera opens a link in its browser with nothing that says
 * which device it is, so the link must go through the hotspot's own login page: the router serves it with the
 * phone's MAC and IP filled in, and our login.html (docs/router-login.html) forwards them with the code to the
 * portal, which redeems at once. In order: HOTSPOT_LOGIN_URL, else `http://<dns-name>/login` from the hotspot
 * server profile of the router the cards are used on (a branch's batch: the branch's; a roaming batch: every
 * router's, when they all share the name; docs/sites.md "Printed cards at every site"), else the portal itself
 * (the customer then types the code), with a warning saying what to set.
 */
import type { Knex } from 'knex';
import type { AppConfig } from '../../../config/env';
import { DEFAULT_SITE_ID } from '../../business/sites/types';
import { readHotspotLoginName } from '../../../router/hotspot-login';
import type { RouterClient } from '../../../router/types';

export type CardLinkSource = 'HOTSPOT_LOGIN_URL' | 'dns-name' | 'portal';

export interface CardLinkTarget {
  /** `login`: the hotspot's login page (one tap online); `portal`: the portal, where the code must be typed. */
  kind: 'login' | 'portal';
  /** The login page (`http://wifi.shop/login`) or the portal's origin (`http://10.5.50.2:5000`). */
  base: string;
  source: CardLinkSource;
  /** What every card's QR code holds, `…` in place of the code: the owner is told it before printing. */
  sample: string;
  /**
   * One line for the owner when a scan cannot log a phone in (the print page's notice): why, and what customers
   * must do instead; null when it can.
   */
  problem: string | null;
  /** The problem with what to set to fix it (the terminal prints it); null when a scan logs a phone in. */
  warning: string | null;
}

/** How long the print page waits for the router's answer before printing with the portal link. */
const ROUTER_READ_MS = 3000;
/**
 * The same with several routers (a roaming batch, the Vouchers page of every site): a hung branch must not hold up
 * the page by more than this (docs/sites.md); its name is then reported as not read.
 */
const SITES_READ_MS = 500;

const SETUP_HINT =
  'Set HOTSPOT_LOGIN_URL in .env (e.g. http://wifi.shop/login) or a DNS name on the router’s hotspot server ' +
  'profile (/ip hotspot profile set hsprof1 dns-name=pisonet.wifi), and upload docs/router-login.html as the ' +
  'hotspot’s login.html (docs/router-setup.md, “Printed vouchers”).';

const SAME_NAME_HINT =
  'Give every router’s hotspot server profile the same DNS name (each router answers it for its own customers), ' +
  'or set HOTSPOT_LOGIN_URL in .env to such a name (docs/sites.md, “Printed cards at every site”).';

const LOCAL_LOGIN_HINT =
  'Set HOTSPOT_LOGIN_URL in .env to the login page as phones on the WiFi open it (e.g. http://wifi.shop/login), ' +
  'or leave it empty to use the DNS name of the router’s hotspot (docs/router-setup.md, “Printed vouchers”).';

const LOCAL_PORTAL_HINT =
  'Set PORTAL_URL in .env to the address phones reach the controller on (e.g. http://10.5.50.2:5000).';

/**
 * The host of `url` when it names this computer (`localhost`, 127.x, ::1): a phone opening it reaches itself,
 * never the shop. The admin opened on localhost without PORTAL_URL gives such a portal address.
 */
function thisComputer(url: string): string | null {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return null;
  }
  const local =
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    host === '0.0.0.0' ||
    /^127\.\d+\.\d+\.\d+$/.test(host);
  return local ? host : null;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** A router whose hotspot a batch's cards log phones in through, with the hotspot server its vouchers use. */
export interface CardRouter {
  /** The site's name, for the owner's warning; undefined for a shop with one router. */
  site?: string;
  /** Undefined when this process is not connected to that site's router. */
  router: RouterClient | undefined;
  hotspotServer: string;
}

type DnsRead = { site?: string; dnsName: string } | { site?: string; why: string };

async function readDnsName(r: CardRouter, waitMs: number): Promise<DnsRead> {
  const of = r.site === undefined ? 'the router' : `${r.site}’s router`;
  if (!r.router)
    return { site: r.site, why: `${of} is not connected here, so its hotspot DNS name cannot be read` };
  try {
    const found = await withTimeout(readHotspotLoginName(r.router, r.hotspotServer), waitMs);
    if (found) return { site: r.site, dnsName: found.dnsName };
    return {
      site: r.site,
      why:
        r.hotspotServer === 'all'
          ? `No hotspot DNS name on ${of}`
          : `The hotspot server ${r.hotspotServer} has no DNS name on its profile (or is not on ${of})`,
    };
  } catch (err) {
    return {
      site: r.site,
      why: `${of === 'the router' ? 'The router' : of}’s hotspot DNS name could not be read (${(err as Error).message})`,
    };
  }
}

/** The hotspot's login page at `base`: a scan logs a phone in. */
function loginTarget(base: string, source: CardLinkSource): CardLinkTarget {
  return {
    kind: 'login',
    base,
    source,
    sample: sampleLink('login', base),
    problem: null,
    warning: null,
  };
}

/** HOTSPOT_LOGIN_URL, taken as the owner wrote it; an address on this computer is pointed out. */
function configuredLogin(base: string): CardLinkTarget {
  const target = loginTarget(base, 'HOTSPOT_LOGIN_URL');
  const local = thisComputer(base);
  if (!local) return target;
  const problem = `HOTSPOT_LOGIN_URL is on ${local}, which no phone can open`;
  return { ...target, problem, warning: `${problem}. ${LOCAL_LOGIN_HINT}` };
}

/** The portal, where customers type the code: `why` says why the cards cannot open a login page. */
function portalFallback(portal: string, why: string, hint: string): CardLinkTarget {
  const local = thisComputer(portal);
  const problem = local
    ? `${why}, and no phone can open ${local}: customers must type the code`
    : `${why}: a scan cannot log a phone in, customers must type the code`;
  const opens = `${why}, so these QR codes open the portal (${portal}/portal)`;
  return {
    kind: 'portal',
    base: portal,
    source: 'portal',
    sample: sampleLink('portal', portal),
    problem,
    warning: local
      ? `${opens}, and ${local} is this computer’s own address, which no phone can open: customers must ` +
        `connect and type the code. ${hint} ${LOCAL_PORTAL_HINT}`
      : `${opens}, which cannot tell which phone scanned them: customers must connect and type the code. ${hint}`,
  };
}

/**
 * Where the cards point. `portalBase` is the fallback (PORTAL_URL or the address the request came in on).
 * `routers`: the routers the cards are used on (a branch's batch: that site's; a roaming batch: every site's);
 * default: the .env router. A phone opens the login page of the router it is on, so one link serves them all only
 * when they share the DNS name. Never throws: a router that cannot be read gives the portal link and a warning
 * saying why.
 */
export async function cardLinkTarget(
  deps: { config: AppConfig; router: RouterClient },
  portalBase: string,
  routers: readonly CardRouter[] = [{ router: deps.router, hotspotServer: deps.config.hotspotServer }],
): Promise<CardLinkTarget> {
  const { config } = deps;
  if (config.hotspotLoginUrl) return configuredLogin(config.hotspotLoginUrl);
  const waitMs = routers.length > 1 ? SITES_READ_MS : ROUTER_READ_MS;
  const reads = await Promise.all(routers.map((r) => readDnsName(r, waitMs)));
  const names = [...new Set(reads.flatMap((r) => ('dnsName' in r ? [r.dnsName] : [])))];
  const problems = reads.flatMap((r) => ('why' in r ? [r.why] : []));
  if (problems.length === 0 && names.length === 1) return loginTarget(`http://${names[0]}/login`, 'dns-name');
  const why =
    problems.length > 0
      ? problems.join('; ')
      : `The routers these cards are for name their hotspots differently (${reads
          .map((r) => `${r.site}: ${'dnsName' in r ? r.dnsName : ''}`)
          .join(', ')}), and one QR code can open only one of those login pages`;
  return portalFallback(portalBase.replace(/\/+$/, ''), why, names.length > 1 ? SAME_NAME_HINT : SETUP_HINT);
}

/**
 * What the cards are for: a batch's (its site, or every site when roaming), or one voucher's (its site once used;
 * roaming and unused: every site).
 */
export type CardPlace = { batchId: number } | { code: string };

interface SiteLine {
  id: number;
  name: string;
  hotspot_server: string | null;
}

/**
 * The routers whose login pages the cards of `place` open (cardLinkTarget's `routers`); undefined for a shop with
 * one router (the .env one). `siteRouter`: this process's connection to another site's router, if it has one.
 */
export async function cardRoutersFor(
  deps: { db: Knex; config: AppConfig; router: RouterClient },
  place: CardPlace,
  siteRouter: (siteId: number) => RouterClient | undefined | Promise<RouterClient | undefined>,
): Promise<CardRouter[] | undefined> {
  const { db, config } = deps;
  const sites = (await db('sites').orderBy('id').select('id', 'name', 'hotspot_server')) as SiteLine[];
  if (sites.length < 2) return undefined;
  const row = (await (
    'batchId' in place
      ? db('batches').where({ id: place.batchId })
      : db('vouchers').where({ code: place.code })
  ).first('site_id', 'roaming')) as { site_id: number | null; roaming: unknown } | undefined;
  // A roaming code is for every site until used; a site removed since: its cards are read as the .env router's.
  const siteId: number | undefined = // undefined: every site
    row?.site_id != null ? Number(row.site_id) : row && Boolean(row.roaming) ? undefined : DEFAULT_SITE_ID;
  const chosen = siteId === undefined ? sites : sites.filter((x) => Number(x.id) === siteId);
  return Promise.all(
    (chosen.length ? chosen : sites.slice(0, 1)).map(async (x) =>
      Number(x.id) === DEFAULT_SITE_ID
        ? { site: x.name, router: deps.router, hotspotServer: config.hotspotServer }
        : { site: x.name, router: await siteRouter(Number(x.id)), hotspotServer: x.hotspot_server ?? 'all' },
    ),
  );
}

function linkWith(kind: CardLinkTarget['kind'], base: string, code: string, password = ''): string {
  const query = `code=${code}${password ? `&password=${password}` : ''}`;
  if (kind === 'portal') return `${base}/portal?${query}`;
  return `${base}${base.includes('?') ? '&' : '?'}${query}`;
}

/**
 * The link a card's QR code holds: the login page or the portal, with the code in the query, and the voucher's
 * separate password when it has one (the scan logs the phone in; the password is printed beside the QR code
 * anyway, so the card holds nothing more than before). The login page passes both on (docs/router-login.html).
 */
export function cardLink(target: CardLinkTarget, code: string, password?: string | null): string {
  return linkWith(
    target.kind,
    target.base,
    encodeURIComponent(code),
    password ? encodeURIComponent(password) : '',
  );
}

/** The same with `…` where the code goes, as the owner is shown it. */
const sampleLink = (kind: CardLinkTarget['kind'], base: string) => linkWith(kind, base, '…');
