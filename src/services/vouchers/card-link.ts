/**
 * What a printed voucher's QR code opens. A phone's camera opens a link in its browser with nothing that says
 * which device it is, so the link must go through the hotspot's own login page: the router serves it with the
 * phone's MAC and IP filled in, and our login.html (docs/router-login.html) forwards them with the code to the
 * portal, which redeems at once. In order: HOTSPOT_LOGIN_URL, else `http://<dns-name>/login` from the router's
 * hotspot server profile, else the portal itself (the customer then types the code), with a warning saying
 * what to set.
 */
import type { AppConfig } from '../../config/env';
import { readHotspotLoginName } from '../../router/hotspot-login';
import type { RouterClient } from '../../router/types';

export type CardLinkSource = 'HOTSPOT_LOGIN_URL' | 'dns-name' | 'portal';

export interface CardLinkTarget {
  /** `login`: the hotspot's login page (one tap online); `portal`: the portal, where the code must be typed. */
  kind: 'login' | 'portal';
  /** The login page (`http://wifi.shop/login`) or the portal's origin (`http://10.5.50.2:5000`). */
  base: string;
  source: CardLinkSource;
  /** For the owner when the cards cannot log a phone in from a scan, with what to set; null when they can. */
  warning: string | null;
}

/** How long the print page waits for the router's answer before printing with the portal link. */
const ROUTER_READ_MS = 3000;

const SETUP_HINT =
  'Set HOTSPOT_LOGIN_URL in .env (e.g. http://wifi.shop/login) or a DNS name on the router’s hotspot server ' +
  'profile (/ip hotspot profile set hsprof1 dns-name=wifi.shop), and upload docs/router-login.html as the ' +
  'hotspot’s login.html (docs/router-setup.md, “Printed vouchers”).';

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Where the cards point. `portalBase` is the fallback (PORTAL_URL or the address the request came in on).
 * Never throws: a router that cannot be read gives the portal link and a warning saying why.
 */
export async function cardLinkTarget(
  deps: { config: AppConfig; router: RouterClient },
  portalBase: string,
): Promise<CardLinkTarget> {
  const { config, router } = deps;
  if (config.hotspotLoginUrl)
    return { kind: 'login', base: config.hotspotLoginUrl, source: 'HOTSPOT_LOGIN_URL', warning: null };
  const portal = portalBase.replace(/\/+$/, '');
  let why: string;
  try {
    const found = await withTimeout(readHotspotLoginName(router, config.hotspotServer), ROUTER_READ_MS);
    if (found) {
      return { kind: 'login', base: `http://${found.dnsName}/login`, source: 'dns-name', warning: null };
    }
    why =
      config.hotspotServer === 'all'
        ? 'No hotspot server profile on the router has a DNS name'
        : `The hotspot server ${config.hotspotServer} has no DNS name on its profile (or is not on the router)`;
  } catch (err) {
    why = `The router’s hotspot DNS name could not be read (${(err as Error).message})`;
  }
  return {
    kind: 'portal',
    base: portal,
    source: 'portal',
    warning:
      `${why}, so these QR codes open the portal (${portal}/portal), which cannot tell which phone scanned ` +
      `them: customers must connect and type the code. ${SETUP_HINT}`,
  };
}

/** The link a card's QR code holds: the login page or the portal, with the code in the query. */
export function cardLink(target: CardLinkTarget, code: string): string {
  const c = encodeURIComponent(code);
  if (target.kind === 'portal') return `${target.base}/portal?code=${c}`;
  return `${target.base}${target.base.includes('?') ? '&' : '?'}code=${c}`;
}
