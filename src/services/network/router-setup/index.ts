/**
 * Router setup: reads a site's router, says which items the product needs are ok, missing or wrong, and makes
 * them ok on request. Shared by `pisonet router setup`, the admin's Router → Setup page and the terminal menu.
 * The decisions are src/router/setup-plan/; the reads and writes go through src/router/setup.ts.
 */
import { AppError, RouterError } from '../../../domain/errors';
import {
  planSetup,
  SETUP_ITEM_IDS,
  setupOk,
  unknownItemIds,
  type SetupItem,
  type SetupItemId,
  type SetupWants,
  type SetupWrite,
} from '../../../router/setup-plan';
import type { Logger } from '../../../lib/logger';
import { applySetupWrite, readSetupFacts } from '../../../router/setup';
import type { RouterClient } from '../../../router/types';
import type { Actor } from '../../business/audit/actor';
import type { AuditService } from '../../business/audit/types';

export { REPORT_ONLY_ITEMS } from '../../../router/setup-plan';

/** An item as shown to people and scripts: `{id, state, detail, fix}`. */
export type SetupItemView = Pick<SetupItem, 'id' | 'state' | 'detail' | 'fix'>;

export interface SetupReport {
  ok: boolean;
  items: SetupItemView[];
}

/** One change made (or refused) by apply. */
export interface SetupChange {
  item: SetupItemId;
  command: string;
  ok: boolean;
  /** The router's own words when it refused. */
  error?: string;
}

export interface SetupApplyResult extends SetupReport {
  changes: SetupChange[];
  /** The item whose change the router refused (apply stops there), or null. */
  failed: SetupItemId | null;
}

export interface RouterSetupService {
  check(router: RouterClient, wants: SetupWants): Promise<SetupReport>;
  /** Plans and applies; `only` limits the items. Each change is audited. */
  apply(
    router: RouterClient,
    wants: SetupWants,
    opts: { actor: Actor; site: string; only?: string[] },
  ): Promise<SetupApplyResult>;
  /** What apply would change (the commands), without writing. */
  plan(router: RouterClient, wants: SetupWants, only?: string[]): Promise<SetupItem[]>;
}

const view = (i: SetupItem): SetupItemView => ({ id: i.id, state: i.state, detail: i.detail, fix: i.fix });

function checkOnly(only: string[] | undefined): void {
  if (!only) return;
  const bad = unknownItemIds(only);
  if (bad.length)
    throw new AppError(
      'SETUP_UNKNOWN_ITEM',
      `No setup item ${bad.map((b) => `"${b}"`).join(', ')}; the items are ${SETUP_ITEM_IDS.join(', ')}.`,
      400,
      'only',
    );
}

function routerWords(err: unknown): string {
  if (err instanceof RouterError) return err.routerMessage ?? err.message;
  return err instanceof Error ? err.message : String(err);
}

/**
 * How long a fetch's file may take to appear after the router answered (docs/routeros.md "Fetch": RouterOS can
 * answer `/tool/fetch` before the file is written), and how often it is looked for meanwhile.
 */
export const FETCH_FILE_WAIT_MS = 5000;
const FETCH_FILE_POLL_MS = 250;

/** What the service's steps share. */
interface Setup {
  audit: AuditService;
  log: Logger;
  /** Waits between looks for a fetched file; tests may pass their own. */
  sleep: (ms: number) => Promise<void>;
}

/** One apply as it goes: what it writes to, for whom, and what it did. */
interface Applying {
  s: Setup;
  router: RouterClient;
  wants: SetupWants;
  opts: { actor: Actor; site: string };
  changes: SetupChange[];
  failed: SetupItemId | null;
}

export function createRouterSetupService(deps: Omit<Setup, 'sleep'> & Partial<Setup>): RouterSetupService {
  const s: Setup = { ...deps, sleep: deps.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms))) };
  return {
    plan,
    async check(router, wants) {
      const items = await read(router, wants);
      return { ok: setupOk(items), items: items.map(view) };
    },
    async apply(router, wants, opts) {
      const items = await plan(router, wants, opts.only);
      const a: Applying = { s, router, wants, opts, changes: [], failed: null };
      // No hotspot server: nothing at all is written.
      if (!items.some((i) => i.id === 'hotspot' && i.state !== 'ok')) await applyItems(a, items);
      const shown = await plan(router, wants, opts.only);
      return {
        ok: setupOk(shown) && a.failed === null,
        items: shown.map(view),
        changes: a.changes,
        failed: a.failed,
      };
    },
  };
}

async function read(router: RouterClient, wants: SetupWants): Promise<SetupItem[]> {
  return planSetup(await readSetupFacts(router, wants), wants);
}

async function plan(router: RouterClient, wants: SetupWants, only?: string[]): Promise<SetupItem[]> {
  checkOnly(only);
  const items = await read(router, wants);
  return only ? items.filter((i) => i.id === 'hotspot' || only.includes(i.id)) : items;
}

/** Each item's writes in order; the first refusal stops the apply (`failed` names its item). */
async function applyItems(a: Applying, items: SetupItem[]): Promise<void> {
  for (const item of items) {
    if (!(await writeItem(a, item))) return;
    if (item.id === 'login-page' && item.writes.length && !(await checkLoginPage(a, item))) return;
  }
}

/** False when a write was refused (a fetch the router could not make is left to the login page's check). */
async function writeItem(a: Applying, item: SetupItem): Promise<boolean> {
  for (const w of item.writes) {
    const words = await run(a, w, item.id);
    // A fetch the router could not make (the controller out of its reach, a non-2xx answer) is
    // followed by the page written through /file, below.
    if (words === undefined || w.verb === 'fetch') continue;
    await a.s.audit.record(a.opts.actor, 'router.setup-refused', a.opts.site, {
      item: item.id,
      command: w.shown,
      error: words,
    });
    a.failed = item.id;
    return false;
  }
  return true;
}

/**
 * The fetch may be refused by the network rather than the router, or leave no file (a non-2xx answer): look,
 * and write the page through /file where the router has it. False when the page could not be put there.
 */
async function checkLoginPage(a: Applying, item: SetupItem): Promise<boolean> {
  const fetched = a.changes.some((c) => c.item === 'login-page' && c.ok);
  const after = await loginPageAfterFetch(a, fetched);
  if (!after || after.state === 'ok') return true;
  const last = a.changes.at(-1);
  if (last) {
    last.ok = false;
    last.error ??= 'the router did not save the page it fetched';
  }
  const fallback = after.fallback ?? [];
  if (!fallback.length) {
    a.failed = 'login-page';
    return false;
  }
  for (const w of fallback)
    if ((await run(a, w, item.id)) !== undefined) {
      a.failed = 'login-page';
      return false;
    }
  return true;
}

/** The login-page item once the fetched file is there, or as it stands when the wait is over. */
async function loginPageAfterFetch(a: Applying, fetched: boolean) {
  let after = (await read(a.router, a.wants)).find((i) => i.id === 'login-page');
  for (let waited = 0; fetched && after && after.state !== 'ok' && waited < FETCH_FILE_WAIT_MS;) {
    await a.s.sleep(FETCH_FILE_POLL_MS);
    waited += FETCH_FILE_POLL_MS;
    after = (await read(a.router, a.wants)).find((i) => i.id === 'login-page');
  }
  return after;
}

/** One write, audited and kept in the changes; the router's words when it was refused. */
async function run(a: Applying, w: SetupWrite, item: SetupItemId): Promise<string | undefined> {
  try {
    await applySetupWrite(a.router, w);
    await a.s.audit.record(a.opts.actor, 'router.setup', a.opts.site, { item, command: w.shown });
    a.s.log.info({ site: a.opts.site, item, command: w.shown }, 'router setup: changed');
    a.changes.push({ item, command: w.shown, ok: true });
  } catch (err) {
    const error = routerWords(err);
    a.changes.push({ item, command: w.shown, ok: false, error });
    return error;
  }
}

/** The setup service with what the composition knows: each site's wanted setup, and its router where held. */
export interface SiteRouterSetup {
  service: RouterSetupService;
  /** The setup a site's router should have (from its settings, the shop's plans and configuration). */
  wantsFor(siteRef: string | number): Promise<SetupWants>;
  /** The router of a site on a connection this process holds, or undefined. */
  routerFor(siteId: number): RouterClient | undefined;
}
