/**
 * `--site NAME|ID` for the commands that talk to a router: the terminal connects to that site's
 * router itself, with the site's stored address and its password opened with CREDENTIALS_KEY, for as long as
 * the command runs, and builds on it the site's stack as the server does (src/services/network/site-stack), without its
 * poll job. The site `default` (id 1) is the .env router of the core's own stack. An unknown site, a
 * password sealed with another key, or a router that does not connect within ROUTER_TIMEOUT_SECONDS is one
 * clear error naming the site; nothing is written to a router the database does not know (safe mode, as on
 * the server).
 */
import type { Core } from '../../src/core';
import { AppError } from '../../src/domain/errors';
import { createRouterClient } from '../../src/router';
import type { SiteRef } from '../../src/services/deps';
import { SITE_SETTING_NAMES } from '../../src/router/errors';
import { createSiteStack, siteSpecOf, type SiteStack } from '../../src/services/network/site-stack';
import { openCredentialsBox } from '../../src/services/business/sites/credentials';
import { findSiteRow } from '../../src/services/business/sites/lookup';
import { siteOfDeviceVoucher } from '../../src/services/business/sites/device-sites';
import { findVoucher } from '../../src/services/shop/vouchers/queries';
import type { BandwidthChange, BandwidthService } from '../../src/services/types';
import { parseCommand } from './args';
import { preferRouter, requireRouter } from './context';

/**
 * What a command uses of a site's stack: its hotspot (writes refused until `binding` has checked the router is
 * the site's, at the first write), its router's info, bandwidth, vouchers (an extension or a move changes their
 * users there), logins, hotspot users, housekeeping and PPP secrets.
 */
const PARTS = [
  'hotspot',
  'binding',
  'info',
  'bandwidth',
  'vouchers',
  'logins',
  'hotspotUsers',
  'housekeeping',
  'pppSubscribers',
] as const;

export type SiteRouter = Pick<SiteStack, 'site' | 'router' | (typeof PARTS)[number]> & {
  /** Whether this is the .env router (the core's own connection). */
  isDefault: boolean;
  close(): Promise<void>;
};

const partsOf = (stack: SiteStack) =>
  Object.fromEntries(PARTS.map((k) => [k, stack[k]])) as Pick<SiteStack, (typeof PARTS)[number]>;

/** The option as the commands declare it. */
export const SITE_OPTION = { site: { type: 'string' } } as const;

/** A command's words when it takes no argument, only --site and --json (`site`: the --site given). */
export function parseSiteRead(args: string[], usage: string): { site: string | undefined; json: boolean } {
  const { values } = parseCommand(args, { json: { type: 'boolean' }, ...SITE_OPTION }, usage);
  return { site: siteValue(values), json: values.json === true };
}

/** The site's router, connected; `ref` undefined or the default site: the core's own. */
export async function openSiteRouter(core: Core, ref: string | undefined): Promise<SiteRouter> {
  const row = ref === undefined ? undefined : await findSiteRow(core.db, ref);
  if (!row || Number(row.id) === 1) {
    await requireRouter(core);
    return {
      site: { id: 1, name: row?.name ?? 'default' },
      isDefault: true,
      router: core.router,
      ...partsOf(core.defaultStack),
      // The core's, with its live users' cache.
      bandwidth: core.services.bandwidth,
      close: async () => undefined,
    };
  }
  const { config } = core;
  const name = row.name;
  const log = core.log.child({ site: name });
  let password = '';
  const box = openCredentialsBox(config, log);
  if (row.password_enc) password = box.open(row.password_enc, name);
  const port = row.port ?? (row.tls ? 8729 : 8728);
  const client = createRouterClient({
    host: row.host ?? '',
    port,
    user: row.username ?? '',
    password,
    tls: Boolean(row.tls),
    timeoutSeconds: config.router.timeoutSeconds,
    logger: log.child({ module: 'router' }),
    settings: SITE_SETTING_NAMES,
  });
  await client.start();
  if (!(await client.waitConnected(config.router.timeoutSeconds * 1000))) {
    const status = client.status;
    await client.stop();
    // The connection's own words (refused, wrong password, TLS…), naming the site's fields (SITE_SETTING_NAMES).
    const why = status.lastError ?? `no answer within ${config.router.timeoutSeconds} s`;
    throw new AppError(
      'SITE_UNREACHABLE',
      `Site "${name}": its router at ${row.host}:${port} cannot be reached. ${why.replace(/[^.?!]$/, '$&.')} Nothing was changed.`,
      503,
      'site',
    );
  }
  // The branch's stack as the server builds it, without a poll job, owning the connection from here on (its
  // stop() closes it). Built once connected, its router binding checks the router at the first write rather
  // than at the connect: a command that only reads never binds a router.
  const stack = createSiteStack(
    core.shop,
    // The box opens its subscribers' passwords for its PPP room's check (secrets adopted from the terminal).
    { profiles: core.services.profiles, leases: core.leases, box },
    siteSpecOf(row, client),
    { ownsClient: true },
  );
  // While it is open the core drives this site as the server does (a fixed address is checked on its router),
  // unless this core already drives it (a server's): that stack stays the site's.
  const registered = !core.siteStacks.has(stack.site.id);
  if (registered) core.siteStacks.set(stack.site.id, stack);
  return {
    site: stack.site,
    isDefault: false,
    router: client,
    ...partsOf(stack),
    close: async () => {
      if (registered && core.siteStacks.get(stack.site.id) === stack) core.siteStacks.delete(stack.site.id);
      await stack.stop();
    },
  };
}

/** Runs `fn` on the site's router and closes a connection opened for it. */
export async function withSiteRouter<T>(
  core: Core,
  ref: string | undefined,
  fn: (s: SiteRouter) => Promise<T>,
): Promise<T> {
  const s = await openSiteRouter(core, ref);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/**
 * The site of the device's running voucher, for a command given a MAC without --site (a branch's device is
 * logged out on the branch's router); undefined for the default site or a device with no running voucher.
 */
export async function siteOfDevice(core: Core, mac: string): Promise<string | undefined> {
  const row = (await core
    .db('voucher_devices as d')
    .join('vouchers as v', 'v.id', 'd.voucher_id')
    .where({ 'd.mac': mac, 'v.status': 'active' })
    .orderBy('v.activated_at', 'desc')
    .first('v.site_id')) as { site_id: number | null } | undefined;
  return row?.site_id != null && Number(row.site_id) !== 1 ? String(row.site_id) : undefined;
}

/** The `--site` value parsed (undefined: not given). */
export const siteValue = (values: Record<string, unknown>): string | undefined =>
  typeof values.site === 'string' ? values.site : undefined;

/** A speed-limit change made for a device, and where. */
export interface SiteChange {
  change: BandwidthChange;
  site: SiteRef;
  isDefault: boolean;
  /** Why the site's router could not take it now (the change is saved; the server's poll of that site applies it). */
  away?: string;
}

/**
 * A speed-limit change (set, remove, reset) for the device `mac`, on the router of its voucher's site: the
 * terminal connects to a branch's router for it, as the admin's change goes to the device's site. `named` is the
 * operator's `--site` (refused when the device is elsewhere: DEVICE_OTHER_SITE). A branch router that cannot be
 * reached, or that is in safe mode, does not lose the change: it is saved (by the core's service, which connects
 * to no other router) and the server's next poll of that site applies it, and `away` says why.
 */
export async function changeOnDeviceSite(
  core: Core,
  mac: string,
  named: string | undefined,
  act: (bandwidth: BandwidthService) => Promise<BandwidthChange>,
): Promise<SiteChange> {
  const site = await siteOfDeviceVoucher(core.db, mac, named);
  if (site.id === 1) {
    await preferRouter(core);
    return { change: await act(core.services.bandwidth), site, isDefault: true };
  }
  const s = await openSiteRouter(core, String(site.id)).catch((err) => {
    if (!(err instanceof AppError) || err.code !== 'SITE_UNREACHABLE') throw err;
    // The connection's own words ("Nothing was changed") would contradict the saved change: they go to the log.
    core.log.warn(
      { site: site.name, err: err.message },
      'site router not reachable: change saved for its poll',
    );
    return undefined;
  });
  try {
    const away = !s
      ? `Site "${site.name}": its router cannot be reached now (details in the log); the server applies the change at its next poll of ${site.name}.`
      : !(await s.binding.ready())
        ? `Site "${site.name}" is in safe mode: ${s.binding.state().reason?.message ?? 'the router is not this site’s known router'}`
        : undefined;
    const change = await act(s && away === undefined ? s.bandwidth : core.services.bandwidth);
    return { change, site, isDefault: false, ...(away === undefined ? {} : { away }) };
  } finally {
    await s?.close();
  }
}

/** Every site when the shop has more than one (the menu asks or shows which), else undefined. */
export async function sitesIfMany(core: Core): Promise<SiteRef[] | undefined> {
  const sites = await core.services.sites.names();
  return sites.length > 1 ? sites : undefined;
}

/** id → name of every site when the shop has more than one (the menu's SITE columns); undefined with one. */
export async function siteLabels(core: Core): Promise<Map<number, string> | undefined> {
  const sites = await sitesIfMany(core);
  return sites && new Map(sites.map((x) => [x.id, x.name]));
}

/**
 * code → where the voucher is (its site's name, "roaming" for an unused code valid on every site) for the
 * menu's SITE column; undefined when the shop has one site (no column).
 */
export async function voucherSiteLabels(
  core: Core,
  codes: readonly string[],
): Promise<Map<string, string> | undefined> {
  const names = await siteLabels(core);
  if (!names || codes.length === 0) return undefined;
  const rows = (await core
    .db('vouchers')
    .whereIn('code', [...codes])
    .select('code', 'site_id', 'roaming')) as { code: string; site_id: number | null; roaming: unknown }[];
  return new Map(
    rows.map((r) => [
      r.code,
      r.site_id != null ? (names.get(Number(r.site_id)) ?? `#${r.site_id}`) : r.roaming ? 'roaming' : '-',
    ]),
  );
}

/**
 * The site whose router holds the voucher's hotspot user, for a change to it from the terminal (extend, move):
 * undefined for the default site, a roaming code not used yet (its users are put right by each site's users
 * check) or an unknown code (the service says it is not found).
 */
export async function siteOfVoucher(core: Core, code: string): Promise<string | undefined> {
  const row = await findVoucher(core.db, code);
  return row?.site_id != null && Number(row.site_id) !== 1 ? String(row.site_id) : undefined;
}
