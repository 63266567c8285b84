/**
 * What a site's router should look like, from the shop's configuration: the portal's address (PORTAL_URL, else
 * this computer's address as the router sees it and PORT), the login page made for the site, the controller's
 * address and MAC, the RADIUS settings of a RADIUS site, and the extra host names passed in by the composition
 * (payment pages customers open before they are online).
 */
import dgram from 'node:dgram';
import dns from 'node:dns/promises';
import os from 'node:os';
import { AppError } from '../../../domain/errors';
import type { SetupWants } from '../../../router/setup-plan';
import { siteLoginPage } from '../../business/sites/login-page';

/** The public path the router fetches its login page from (src/web/portal/router-login.ts). */
export const ROUTER_LOGIN_PATH = '/hotspot/login.html';

export interface WantsInput {
  site: string;
  routerHost: string;
  routerTls: boolean;
  portalUrl: string;
  port: number;
  hotspotServer: string;
  hotspotUserProfile: string;
  /** The largest number of devices one voucher of the shop's plans may use at once. */
  sharedUsers: number;
  extraHosts: string[];
  radius?: { secret: string; coaPort: number };
  /** The site's monthly plans, when it sells any. */
  ppp?: SetupWants['ppp'];
}

/** Overridable lookups (tests pin them). */
export interface WantsLookups {
  resolve(host: string): Promise<string>;
  localAddressFor(routerHost: string): Promise<string>;
  localMacFor(address: string): string | undefined;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** This computer's address on the route to the router (a UDP socket's local end; nothing is sent). */
function localAddressFor(routerHost: string): Promise<string> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve('127.0.0.1');
    });
    s.connect(8728, routerHost || '127.0.0.1', () => {
      const a = s.address().address;
      s.close();
      resolve(a);
    });
  });
}

/** This computer's own MAC on the interface that holds `address` (not a MAC read from the router). */
function localMacFor(address: string): string | undefined {
  for (const list of Object.values(os.networkInterfaces()))
    for (const i of list ?? [])
      if (i.address === address && i.mac && i.mac !== '00:00:00:00:00:00') return i.mac.toUpperCase();
  return undefined;
}

export const systemLookups: WantsLookups = {
  resolve: async (host) => (await dns.lookup(host, { family: 4 })).address,
  localAddressFor,
  localMacFor,
};

/** ASCII only: non-ASCII characters become HTML character references, so the page survives any transfer. */
export function asciiHtml(page: string): string {
  return page.replace(/[^\u0020-\u007e\t\n\r]/gu, (c) => `&#${c.codePointAt(0)};`);
}

export async function setupWants(
  input: WantsInput,
  lookups: WantsLookups = systemLookups,
): Promise<SetupWants> {
  const controller = await lookups.localAddressFor(input.routerHost);
  let portal: SetupWants['portal'];
  let base: string;
  if (input.portalUrl) {
    let url: URL;
    try {
      url = new URL(input.portalUrl);
    } catch {
      throw new AppError(
        'SETUP_NO_PORTAL',
        `PORTAL_URL ${JSON.stringify(input.portalUrl)} is not a web address, e.g. http://10.5.50.2:5000`,
        400,
        'portal',
      );
    }
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const name = url.hostname;
    let address = name;
    if (!IPV4.test(name)) {
      try {
        address = await lookups.resolve(name);
      } catch {
        throw new AppError(
          'SETUP_NO_PORTAL',
          `The portal's name ${name} (PORTAL_URL) does not resolve from this computer; fix the name or use its address`,
          400,
          'portal',
        );
      }
    }
    portal = IPV4.test(name) ? { address, port } : { address, port, host: name };
    base = `${url.protocol}//${address}:${port}`;
  } else {
    portal = { address: controller, port: input.port };
    base = `http://${controller}:${input.port}`;
  }
  const portalBase = input.portalUrl ? input.portalUrl.replace(/\/+$/, '') : base;
  return {
    hotspotServer: input.hotspotServer,
    userProfile: input.hotspotUserProfile,
    sharedUsers: input.sharedUsers,
    portal,
    extraHosts: input.extraHosts,
    loginPage: {
      contents: asciiHtml(siteLoginPage(portalBase, input.site)),
      url: `${base}${ROUTER_LOGIN_PATH}?site=${encodeURIComponent(input.site)}`,
    },
    controller: { address: controller, mac: lookups.localMacFor(controller) },
    apiService: input.routerTls ? 'api-ssl' : 'api',
    radius: input.radius ? { address: controller, ...input.radius } : undefined,
    ppp: input.ppp,
  };
}
