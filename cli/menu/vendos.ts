/**
 * Coin vendos in the terminal menu: list, add, edit, switch on or off, remove, a new secret and a cash
 * collection, on the same service as the admin and `pisonet vendos` (the answers go through the command's
 * vendoInput, the service checks them). A secret is printed only where the commands print it: once, when a
 * vendo is added or given a new one. With more than one site, Add and Edit ask "Which site is it at?".
 */
import { select } from '@inquirer/prompts';
import type { Core } from '../../src/core';
import { ValidationError } from '../../src/domain/errors';
import type { VendoView } from '../../src/services/shop/vendos/types';
import { parseRateLines, rateLines } from '../../src/services/shop/vendos/rate-lines';
import { formatMoney, parsePrice } from '../../src/domain/units';
import { out } from '../lib/ansi';
import { cliActor } from '../lib/context';
import { sitesIfMany } from '../lib/site-router';
import type { SiteRef } from '../../src/services/deps';
import {
  collectionText,
  lastSeen,
  showSecret,
  vendoInput,
  vendoState,
  vendoTable,
  vendoWhere,
  type VendoFlags,
} from '../commands/vendos';
import { ask, askOptional, askSiteOrAll, askUntilSaved, confirmed, menuLoop, say } from './prompts';

/** What the operator answers, as the flags of `pisonet vendos add` (site: a site's id, or null: every site). */
interface Answers {
  name: string;
  site: number | null;
  profile: string;
  rates: string;
  location: string;
  window: string;
}

/** Errors fixed by changing answers: bad fields, a taken name, a site gone meanwhile. */
const FIXABLE = new Set(['INVALID_INPUT', 'VENDO_NAME_TAKEN', 'SITE_NOT_FOUND', 'PROFILE_NOT_FOUND']);

/** A profile coins can buy (it has a time limit) that is sold where the vendo sells. */
async function askProfile(core: Core, siteId: number | null | undefined, current: string): Promise<string> {
  const profiles = (await core.services.profiles.list(siteId === undefined ? {} : { siteId })).filter(
    (p) => p.profile.validitySeconds !== null,
  );
  if (profiles.length === 0)
    throw new Error(
      'no profile with a time limit is sold there: create one under Profiles first (coins buy time)',
    );
  return select({
    message: 'Profile it sells:',
    choices: profiles.map((p) => ({
      name: `${p.name}  ${formatMoney(p.price)}${p.site ? `  (${p.site.name} only)` : ''}`,
      value: p.name,
    })),
    default: current || undefined,
  });
}

async function askAll(core: Core, a: Answers, sites: SiteRef[] | undefined): Promise<Answers> {
  const next = { ...a };
  next.name = await ask('Name (shown to customers):', (v) => v.trim(), { default: a.name || undefined });
  if (sites)
    next.site = await askSiteOrAll(
      'Which site is it at?',
      'All sites (shared: it sells to a phone on any router)',
      sites,
      a.site,
    );
  next.profile = await askProfile(core, sites ? next.site : undefined, a.profile);
  next.rates = await ask(
    'Rates, pesos = time (e.g. 1=10m, 5=1h, 10=3h):',
    (v) => {
      const r = parseRateLines(v);
      if (typeof r === 'string') throw new ValidationError('rates', r);
      return v.trim();
    },
    { default: a.rates || undefined },
  );
  next.location = await askOptional('Location (optional; - for none):', 'Location (optional):', a.location);
  next.window = await ask('Coin window in seconds (20-600):', (v) => v.trim(), {
    default: a.window || '60',
  });
  return next;
}

const siteFlag = (site: number | null) => (site === null ? 'shared' : String(site));

/**
 * Asks, saves through `save`, and on a refusal the operator can fix (the service's message shown) offers to
 * go through the answers again with what was typed as the defaults. Undefined: discarded.
 */
async function askAndSave<T>(
  core: Core,
  first: Answers,
  save: (a: Answers, sites: SiteRef[] | undefined) => Promise<T>,
): Promise<T | undefined> {
  const sites = await sitesIfMany(core);
  return askUntilSaved(
    first,
    FIXABLE,
    (a) => askAll(core, a, sites),
    (a) => save(a, sites),
  );
}

async function add(core: Core): Promise<void> {
  const blank: Answers = { name: '', site: null, profile: '', rates: '', location: '', window: '60' };
  const made = await askAndSave(core, blank, (a, sites) =>
    core.services.vendos.create(
      vendoInput({ ...a, location: a.location || undefined, site: sites ? siteFlag(a.site) : undefined }),
      cliActor(),
    ),
  );
  if (!made) return;
  showSecret(made.vendo, made.secret, false, 'Added');
  say(out.green(`It sells ${made.vendo.profile} on ${vendoWhere(made.vendo)}.`));
}

/** Pick a vendo; undefined when there are none. */
async function pickVendo(core: Core, message: string): Promise<VendoView | undefined> {
  const vendos = await core.services.vendos.list();
  if (vendos.length === 0) {
    say(out.dim('No vendos yet: add one first.'));
    return undefined;
  }
  const several = Boolean(await sitesIfMany(core));
  const id = await select({
    message,
    choices: vendos.map((v) => ({
      name: `${v.name}  ${vendoState(v)}${several || v.site ? `  ${vendoWhere(v)}` : ''}  ${v.profile}`,
      value: v.id,
    })),
    pageSize: 10,
  });
  return vendos.find((v) => v.id === id);
}

async function edit(core: Core): Promise<void> {
  const v = await pickVendo(core, 'Edit which vendo?');
  if (!v) return;
  const now: Answers = {
    name: v.name,
    site: v.site?.id ?? null,
    profile: v.profile,
    rates: rateLines(v).replace(/ /g, '').split('\n').join(', '),
    location: v.location ?? '',
    window: String(v.windowSeconds),
  };
  const saved = await askAndSave<VendoView | 'unchanged'>(core, now, async (a, sites) => {
    // Only what changed: the service leaves the rest as it is (an unchanged profile is not checked again).
    const changed: VendoFlags = {};
    for (const k of ['name', 'profile', 'rates', 'location', 'window'] as const)
      if (a[k] !== now[k]) changed[k] = a[k];
    if (sites && a.site !== now.site) changed.site = siteFlag(a.site);
    if (Object.keys(changed).length === 0) return 'unchanged';
    return core.services.vendos.update(v.id, vendoInput(changed, true), cliActor());
  });
  if (saved === 'unchanged') say('Nothing changed.');
  else if (saved)
    say(out.green(`Vendo ${saved.name} saved; it sells ${saved.profile} on ${vendoWhere(saved)}.`));
}

async function switchOnOff(core: Core): Promise<void> {
  const v = await pickVendo(core, 'Switch which vendo on or off?');
  if (!v) return;
  if (
    v.enabled &&
    !(await confirmed(`Switch ${v.name} off? It stops selling at once; its coins and collections stay.`))
  )
    return;
  const saved = await core.services.vendos.update(
    v.id,
    vendoInput({ enabled: v.enabled ? 'false' : 'true' }, true),
    cliActor(),
  );
  say(out.green(`Vendo ${saved.name} is ${saved.enabled ? 'on: it sells again' : 'off'}.`));
}

async function remove(core: Core): Promise<void> {
  const v = await pickVendo(core, 'Remove which vendo?');
  if (!v) return;
  if (
    !(await confirmed(
      `Remove the vendo ${v.name}?${v.online ? ' Its board is polling now and stops working.' : ''} (Only a vendo that never took a coin can be removed; switch off one that did.)`,
    ))
  )
    return;
  const gone = await core.services.vendos.remove(v.id, cliActor());
  say(out.green(`Vendo ${gone.name} removed.`));
}

async function rotate(core: Core): Promise<void> {
  const v = await pickVendo(core, 'A new secret for which vendo?');
  if (!v) return;
  if (
    !(await confirmed(
      `Give ${v.name} a new secret? The old one stops working at once: the board needs the new one.`,
    ))
  )
    return;
  const { vendo, secret } = await core.services.vendos.rotateSecret(v.id, cliActor());
  showSecret(vendo, secret, false, 'New secret for');
}

async function collect(core: Core): Promise<void> {
  const v = await pickVendo(core, 'Record a collection for which vendo?');
  if (!v) return;
  say(
    `${v.name}: the ledger says ${formatMoney(v.cash.expected)} (${v.cash.coins} coins) since the last one.`,
  );
  // The service's bound for a count (a price: ₱0–₱100,000), checked as it is typed.
  const counted = await ask('Counted in the box (₱):', (t) => (parsePrice(t, 'counted'), t.trim()));
  const note = await ask('Note (optional):', (t) => t.trim());
  const c = await core.services.vendos.collect(v.id, { counted, ...(note ? { note } : {}) }, cliActor());
  say(out.green(collectionText(c)));
}

async function list(core: Core): Promise<void> {
  const vendos = await core.services.vendos.list();
  if (vendos.length === 0) {
    say(out.dim('No vendos yet: add one (you get its id and secret for the board).'));
    return;
  }
  const site = Boolean(await sitesIfMany(core));
  say(vendoTable(vendos, { now: core.clock.now(), site, id: false }));
  const away = vendos.filter((v) => v.enabled && !v.online);
  if (away.length)
    say(
      out.dim(
        `Not polling now: ${away
          .map((v) =>
            v.lastSeenAt === null
              ? `${v.name} (never seen: its board needs the id and secret shown when it was added)`
              : `${v.name} (last seen ${lastSeen(v.lastSeenAt, core.clock.now())})`,
          )
          .join(', ')}.`,
      ),
    );
}

export function vendosMenu(core: Core): Promise<void> {
  return menuLoop('Coin vendos', [
    { key: '1', name: 'List', run: () => list(core) },
    { key: '2', name: 'Add a vendo', run: () => add(core) },
    { key: '3', name: 'Edit a vendo', run: () => edit(core) },
    { key: '4', name: 'Switch on or off', run: () => switchOnOff(core) },
    { key: '5', name: 'Remove a vendo (never used)', run: () => remove(core) },
    { key: '6', name: 'New secret for a vendo', run: () => rotate(core) },
    { key: '7', name: 'Record a cash collection', run: () => collect(core) },
  ]);
}
