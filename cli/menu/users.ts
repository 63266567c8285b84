import { select } from '@inquirer/prompts';
import type { Core } from '../../src/core';
import {
  formatMoney,
  formatRate,
  formatRateHuman,
  normaliseMac,
  parseRatePair,
  parseSpeedLimit,
} from '../../src/domain/units';
import type { UserTraffic } from '../../src/services/types';
import { signedAmount } from '../../src/domain/plan-change';
import { voucherPlans } from '../../src/services/shop/profiles/billing';
import type { PlanChangePreview } from '../../src/services/shop/vouchers/charge-types';
import { QuoteChangedError } from '../../src/services/shop/vouchers/plan-confirm';
import { out } from '../lib/ansi';
import { chargeDoneText, previewLine } from '../commands/users-move';
import { cliActor, requireRouter } from '../lib/context';
import { limitText, queuesTable, speedText, trafficTable, usersTable } from '../lib/render';
import { changeOnDeviceSite, siteLabels, withSiteRouter } from '../lib/site-router';
import { printChange } from '../commands/network';
import { ask, confirmAction, menuLoop, pickMac, pickUser, say } from './prompts';
import { extendTime, sellExtraData } from './counter';
import { pickSite } from './router';

async function users(core: Core) {
  await requireRouter(core);
  return core.services.bandwidth.users();
}

/** The voucher's site's router for a change to it: none for the default site (the core's own). */
const siteRef = (u: UserTraffic): string | undefined => (u.site === 1 ? undefined : String(u.site));

async function kick(core: Core): Promise<void> {
  const u = await pickUser(await users(core), 'Log out which user?', await siteLabels(core));
  if (!u) return;
  if (!(await confirmAction(`Log out ${u.mac} (${u.user})? The voucher stays usable.`))) return;
  // On the router of the device's site (the terminal connects to a branch's router for it).
  await withSiteRouter(core, siteRef(u), (s) => s.bandwidth.kick(u.mac, cliActor()));
  say(out.green(`Logged out ${u.mac}.`));
}

/** What a voucher may move to: the plans sold as vouchers (not monthly, not archived) at its site, but its own. */
async function moveTargets(core: Core, u: UserTraffic) {
  // Its plan read afresh: the list of users shows the plan as of the last poll.
  const current = (await core.services.vouchers.get(u.user)).profile;
  return voucherPlans(await core.services.profiles.list({ siteId: u.site })).filter(
    (p) => p.name !== current,
  );
}

/** Asks for the move at the quote shown: charged (at that figure), free instead, or neither (null). */
async function askMove(
  code: string,
  p: PlanChangePreview,
): Promise<{ charge: boolean; expected?: number } | null> {
  const q = p.quote;
  const money = q.direction !== 'none';
  const what = !money
    ? ''
    : q.direction === 'charge'
      ? ` ${formatMoney(q.amount)} is charged.`
      : ` ${formatMoney(q.credit)} is credited to the customer.`;
  if (await confirmAction(`Move ${code} from ${p.from.name} to ${p.to.name}?${what} Usage so far is kept.`))
    return { charge: true, expected: signedAmount(q) };
  if (
    money &&
    (await confirmAction(`Move ${code} to ${p.to.name} free instead (nothing charged or credited)?`))
  )
    return { charge: false };
  return null;
}

async function move(core: Core): Promise<void> {
  const u = await pickUser(await users(core), 'Move which user?', await siteLabels(core));
  if (!u) return;
  const profiles = await moveTargets(core, u);
  if (profiles.length === 0) {
    say(out.dim('There is no other profile to move to.'));
    return;
  }
  const name = await select({
    message: 'New profile:',
    choices: profiles.map((p) => ({
      name: `${p.name}  ${formatRate(p.profile.rateUp)}/${formatRate(p.profile.rateDown)}`,
      value: p.name,
    })),
  });
  // What it costs first (its time left before and after), then the question; money can be left out. The
  // figure confirmed is the one kept; one that no longer stands brings the new quote and the question again.
  let preview = await core.services.vouchers.previewProfileChange(u.user, name);
  for (;;) {
    say(previewLine(preview));
    const choice = await askMove(u.user, preview);
    if (!choice) return;
    try {
      const moved = await withSiteRouter(core, siteRef(u), (s) =>
        s.vouchers.changeProfile(u.user, name, cliActor(), choice),
      );
      say(
        out.green(`${u.user} is now on ${name}; the new speed applies within one poll cycle.`) +
          ` ${chargeDoneText(u.user, moved.charge)}`,
      );
      return;
    } catch (err) {
      if (!(err instanceof QuoteChangedError)) throw err;
      say(out.yellow(err.message));
      preview = err.preview;
    }
  }
}

export function activeUsersMenu(core: Core): Promise<void> {
  return menuLoop('Active users', [
    {
      key: '1',
      name: 'List with traffic',
      run: async () => say(usersTable(await users(core), await siteLabels(core))),
    },
    { key: '2', name: 'Kick (log out)', run: () => kick(core) },
    { key: '3', name: 'Extend time', run: () => extendTime(core) },
    { key: '4', name: 'Move to another profile', run: () => move(core) },
    { key: '5', name: 'Sell extra data', run: () => sellExtraData(core) },
  ]);
}

/** Speeds from a profile, or typed by hand (same parser and messages as the web); null = unlimited. */
async function pickSpeeds(core: Core): Promise<{ up: number | null; down: number | null }> {
  const profiles = await core.services.profiles.list();
  const custom = '__custom__';
  const choice = await select<string>({
    message: 'Speed:',
    choices: [
      ...profiles.map((p) => ({
        name: `${p.name} preset  ${formatRateHuman(p.profile.rateDown)} down / ${formatRateHuman(p.profile.rateUp)} up`,
        value: p.name,
      })),
      { name: 'Custom speeds…', value: custom },
    ],
  });
  const preset = profiles.find((p) => p.name === choice);
  if (preset) return { up: preset.profile.rateUp, down: preset.profile.rateDown };
  const down = await ask('Download limit (e.g. 1M, 2M, unlimited):', (v) => parseSpeedLimit(v, 'down'));
  const up = await ask('Upload limit (e.g. 512K, 2M, unlimited):', (v) => parseSpeedLimit(v, 'up'));
  return { up, down };
}

async function setLimit(core: Core): Promise<void> {
  const mac = await pickMac(await users(core), 'Limit which device?', await siteLabels(core));
  const { up, down } = await pickSpeeds(core);
  if (!(await confirmAction(`Limit ${mac} to ${speedText({ up: up ?? 0, down: down ?? 0 })}?`))) return;
  const r = await changeOnDeviceSite(core, mac, undefined, (bw) => bw.setLimit(mac, up, down, cliActor()));
  printChange(r, false, (c, at) => `Limit set for ${c.mac}${at}: ${speedText(c)}.`);
}

const isUnlimited = (u: UserTraffic) => u.limitSource === 'override' && u.maxLimit === '0/0';

async function removeLimit(core: Core): Promise<void> {
  const list = await users(core);
  const limited = list.filter((u) => !isUnlimited(u));
  const mac = await pickMac(
    limited.length ? limited : list,
    'Remove the speed limit of which device?',
    await siteLabels(core),
  );
  const u = list.find((x) => x.mac === normaliseMac(mac));
  const now = u ? ` (now ${limitText(u.maxLimit)})` : '';
  const question = `Remove the speed limit on ${mac}${now}? It will be unlimited until you set a limit or put it back to plan.`;
  if (!(await confirmAction(question))) return;
  const r = await changeOnDeviceSite(core, mac, undefined, (bw) => bw.removeLimit(mac, cliActor()));
  printChange(
    r,
    false,
    (c, at) => `Speed limit removed for ${c.mac}${at}: unlimited (its data is still counted).`,
  );
}

/** `BASIC: 1 Mbps down / 512 kbps up`: what "back to plan" gives the device now. */
function planText(u: UserTraffic): string {
  return `${u.profile}: ${speedText(parseRatePair(u.planMaxLimit, 'plan'))}`;
}

async function resetLimit(core: Core): Promise<void> {
  const list = await users(core);
  const overridden = list.filter((u) => u.limitSource === 'override');
  const mac = await pickMac(
    overridden.length ? overridden : list,
    'Back to plan speed for which device?',
    await siteLabels(core),
  );
  const u = list.find((x) => x.mac === normaliseMac(mac));
  const plan = u ? ` ${planText(u)}.` : '';
  if (!(await confirmAction(`Put ${mac} back to its plan speed?${plan}`))) return;
  const r = await changeOnDeviceSite(core, mac, undefined, (bw) => bw.resetLimit(mac, cliActor()));
  printChange(r, false, (c, at) => `${c.mac}${at} is back to its plan: ${c.profile}, ${speedText(c)}.`);
}

/**
 * The queues of one router: with more than one site, the operator picks which (the terminal connects to that
 * site's router for the look, as `pisonet queues list --site` does).
 */
async function siteQueues(core: Core): Promise<void> {
  await withSiteRouter(core, await pickSite(core, 'Which site’s router?'), async (s) => {
    if (!s.isDefault) say(`Site ${s.site.name}:`);
    say(queuesTable(await s.bandwidth.queues(s.site.id)));
  });
}

export function bandwidthMenu(core: Core): Promise<void> {
  return menuLoop('Bandwidth Control', [
    {
      key: '1',
      name: 'View users with traffic stats',
      run: async () => say(trafficTable(await users(core), await siteLabels(core))),
    },
    { key: '2', name: 'Set a bandwidth limit', run: () => setLimit(core) },
    { key: '3', name: 'Remove limit (unlimited)', run: () => removeLimit(core) },
    { key: '4', name: 'Back to plan speed', run: () => resetLimit(core) },
    {
      key: '5',
      name: 'View all queues on the router',
      run: () => siteQueues(core),
    },
  ]);
}
