/**
 * A voucher batch made in the terminal reaches its routers at once: the batch is saved first (the
 * core's voucher service, which pushes a default-site batch onto the .env router), then the terminal connects
 * to a branch's router with the site's stored password and pushes the batch there (the site's hotspot users
 * room's pushBatch, through its logins, pipelined as the admin's generate pushes); a roaming batch goes to every
 * site it can reach. A
 * router that is down, unreachable or in safe mode loses nothing: the codes are saved and the server adds them
 * (its next poll of that site pushes a branch's codes; a roaming batch's are added by each site's users check,
 * which runs as soon as the server reconnects to a router that was away). A code the terminal pushed has its
 * router id recorded, so the server's sync does not push it again; a push racing the server's finds the user
 * already there and records the same id.
 */
import type { Core } from '../../src/core';
import type { CardDesign } from '../../src/domain/cards';
import { AppError } from '../../src/domain/errors';
import type { SiteRef } from '../../src/services/deps';
import { findSiteRow } from '../../src/services/business/sites/lookup';
import type { Actor, GenerateInput, VoucherView } from '../../src/services/types';
import { preferRouter } from './context';
import { openSiteRouter } from './site-router';

/** Where a batch's codes are after the terminal's push, for one site. */
export interface BatchPlace {
  site: SiteRef;
  /**
   * `on`: every code is on its router; `partial`: some are not (refused or dropped mid-way); `away`: the router
   * cannot be reached; `safe`: the router is in safe mode (never written until adopted).
   */
  state: 'on' | 'partial' | 'away' | 'safe';
  /** Codes not on that router yet. */
  pending: number;
  /** Why (away, safe mode): the connection's or the guard's words. */
  why?: string;
}

export interface TerminalBatch {
  batchId: number;
  vouchers: VoucherView[];
  design: CardDesign;
  /** Codes not on their router yet (for roaming: on at least one of the routers). */
  routerPending: number;
  /** Roaming: valid on every site until first used. */
  roaming: boolean;
  /** The batch's site (roaming: undefined). */
  site?: SiteRef;
  /** Each site the batch was pushed to (or could not be), default first. */
  places: BatchPlace[];
}

/** The branch a batch names (undefined for the default site, roaming, or a site the service will refuse). */
async function branchOf(core: Core, input: GenerateInput): Promise<SiteRef | undefined> {
  if (input.roaming || input.site === undefined || input.site === '') return undefined;
  const row = await findSiteRow(core.db, input.site).catch(() => undefined);
  return row && Number(row.id) !== 1 ? { id: Number(row.id), name: row.name } : undefined;
}

/** Pushes the saved batch onto one branch's router; never throws for a router that is away. */
async function pushToBranch(core: Core, site: SiteRef, batchId: number, count: number): Promise<BatchPlace> {
  let s;
  try {
    s = await openSiteRouter(core, String(site.id));
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'SITE_UNREACHABLE') throw err;
    core.log.warn({ site: site.name, batchId, err: err.message }, 'batch saved; site router not reachable');
    return { site, state: 'away', pending: count, why: err.message };
  }
  try {
    if (!(await s.binding.ready())) {
      const why = s.binding.state().reason?.message ?? 'the router is not this site’s known router';
      return { site, state: 'safe', pending: count, why };
    }
    // Its logins: hotspot users pushed to its router (a RADIUS site's are FreeRADIUS rows, written already).
    const pending = await s.logins.added(batchId, count);
    return { site, state: pending ? 'partial' : 'on', pending };
  } finally {
    await s.close();
  }
}

/**
 * Saves a batch (all the service's checks, as the admin's) and puts it on its router(s) from the terminal:
 * the .env router for the default site, a branch's router for a branch's batch, every router for a roaming
 * one. Refusals (bad input, a profile not sold there) are thrown before any router is connected.
 */
export async function generateOnSites(
  core: Core,
  input: GenerateInput,
  actor: Actor,
  opts: {
    /** Called once the batch is saved, before connecting to the branches' routers (the menu says so). */
    connecting?: (sites: SiteRef[]) => void;
  } = {},
): Promise<TerminalBatch> {
  const branch = await branchOf(core, input);
  // The .env router takes a default-site batch (and a roaming one) in the service's own push.
  if (!branch) await preferRouter(core);
  const res = await core.services.vouchers.generate(input, actor);
  const count = res.vouchers.length;
  const base = { batchId: res.batchId, design: res.design, roaming: input.roaming === true };
  const names = await core.services.sites.names();
  const defaultSite = names.find((x) => x.id === 1) ?? { id: 1, name: 'default' };
  const defaultPlace = (pending: number): BatchPlace => ({
    site: defaultSite,
    state: pending ? (core.router.status.connected ? 'partial' : 'away') : 'on',
    pending,
  });
  if (!branch && !input.roaming)
    return {
      ...base,
      vouchers: res.vouchers,
      routerPending: res.routerPending,
      site: defaultSite,
      places: [defaultPlace(res.routerPending)],
    };
  const branches = branch ? [branch] : names.filter((x) => x.id !== 1);
  if (branches.length) opts.connecting?.(branches);
  // Concurrently: a router that is away holds the others up by nothing (each waits its own timeout).
  const pushed = await Promise.all(branches.map((b) => pushToBranch(core, b, res.batchId, count)));
  const places = branch ? pushed : [defaultPlace(res.routerPending ? count : 0), ...pushed];
  // The codes' router state after the push (a branch's codes now have their router id).
  const vouchers = branch ? (await core.services.vouchers.batch(res.batchId)).vouchers : res.vouchers;
  return {
    ...base,
    vouchers,
    routerPending: Math.max(0, ...places.map((p) => p.pending)),
    ...(branch ? { site: branch } : {}),
    places,
  };
}

/** "a", "a and b", "a, b and c". */
const listed = (xs: string[]) =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;

/**
 * What the operator reads about where the codes are: "The codes are on branch-x's router." and, for each site
 * that did not take them, "Saved; branch-x is down (…): the server adds them at its next poll of branch-x."
 * (`warn`). `several`: the shop has more than one site (a default-site batch then names its router too); with
 * one site a default batch is worded as before sites existed (nothing when it is on the router).
 */
export function describePlaces(b: TerminalBatch, several: boolean): { text: string; warn: boolean }[] {
  const lines: { text: string; warn: boolean }[] = [];
  const when = (name: string) =>
    b.roaming
      ? `the server adds them at its next users check of ${name} (at once when it reconnects to it)`
      : `the server adds them at its next poll of ${name}`;
  const on = b.places.filter((p) => p.state === 'on').map((p) => p.site.name);
  if (on.length && (several || b.places.some((p) => p.site.id !== 1)))
    lines.push({
      text:
        on.length === 1
          ? `The codes are on ${on[0]}'s router.`
          : `The codes are on the routers of ${listed(on)}.`,
      warn: false,
    });
  for (const p of b.places) {
    const n = p.site.name;
    const isDefault = p.site.id === 1;
    let text: string;
    if (p.state === 'on') continue;
    if (isDefault && !several && !b.roaming)
      text = `${p.pending} voucher(s) are not on the router yet; they are pushed when it is reachable.`;
    else if (p.state === 'away')
      text = isDefault
        ? `Saved; ${n}'s router is not connected: ${when(n)}.`
        : `Saved; ${n} is down (its router cannot be reached now; details in the log): ${when(n)}.`;
    else if (p.state === 'safe')
      text = `Saved; ${n}'s router is in safe mode (${p.why}): they go on it once it is adopted.`;
    else text = `${p.pending} not on ${n}'s router yet (the router did not take them): ${when(n)}.`;
    lines.push({ text, warn: true });
  }
  return lines;
}
