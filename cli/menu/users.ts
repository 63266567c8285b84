import { select } from '@inquirer/prompts';
import type { Core } from '../../src/core';
import {
  formatDurationHuman,
  formatRate,
  formatRateHuman,
  normaliseMac,
  parseDuration,
  parseRate,
} from '../../src/domain/units';
import { ValidationError } from '../../src/domain/errors';
import { out } from '../lib/ansi';
import { cliActor, requireRouter } from '../lib/context';
import { limitText, queuesTable, trafficTable, usersTable } from '../lib/render';
import { ask, confirmAction, menuLoop, pickMac, pickUser, say } from './prompts';

async function users(core: Core) {
  await requireRouter(core);
  return core.services.bandwidth.users();
}

async function kick(core: Core): Promise<void> {
  const u = await pickUser(await users(core), 'Log out which user?');
  if (!u) return;
  if (!(await confirmAction(`Log out ${u.mac} (${u.user})? The voucher stays usable.`))) return;
  await core.services.bandwidth.kick(u.mac, cliActor());
  say(out.green(`Logged out ${u.mac}.`));
}

function positiveDuration(v: string): number {
  const s = parseDuration(v, 'time');
  if (s <= 0) throw new ValidationError('time', 'must be more than zero; use a duration like 30m or 1h');
  return s;
}

async function extend(core: Core): Promise<void> {
  const u = await pickUser(await users(core), 'Extend which user?');
  if (!u) return;
  const seconds = await ask('Add how much time? (e.g. 30m, 1h)', positiveDuration);
  const v = await core.services.vouchers.extend(u.user, seconds, cliActor());
  say(
    out.green(
      `Added ${formatDurationHuman(seconds)} to ${v.code}${v.remainingSeconds !== null ? `; ${formatDurationHuman(v.remainingSeconds)} left` : ''}.`,
    ),
  );
}

async function move(core: Core): Promise<void> {
  const u = await pickUser(await users(core), 'Move which user?');
  if (!u) return;
  const profiles = (await core.services.profiles.list()).filter((p) => p.name !== u.profile);
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
  if (!(await confirmAction(`Move ${u.user} from ${u.profile} to ${name}? Usage so far is kept.`))) return;
  await core.services.vouchers.changeProfile(u.user, name, cliActor());
  say(out.green(`${u.user} is now on ${name}; the new speed applies within one poll cycle.`));
}

export function activeUsersMenu(core: Core): Promise<void> {
  return menuLoop('Active users', [
    { key: '1', name: 'List with traffic', run: async () => say(usersTable(await users(core))) },
    { key: '2', name: 'Kick (log out)', run: () => kick(core) },
    { key: '3', name: 'Extend time', run: () => extend(core) },
    { key: '4', name: 'Move to another profile', run: () => move(core) },
  ]);
}

/** Speeds from a profile, or typed by hand (same parser and messages as the web). */
async function pickSpeeds(core: Core): Promise<{ up: number; down: number }> {
  const profiles = await core.services.profiles.list();
  const custom = '__custom__';
  const choice = await select<string>({
    message: 'Speed:',
    choices: [
      ...profiles.map((p) => ({
        name: `${p.name} preset  ${formatRateHuman(p.profile.rateUp)} up / ${formatRateHuman(p.profile.rateDown)} down`,
        value: p.name,
      })),
      { name: 'Custom speeds…', value: custom },
    ],
  });
  const preset = profiles.find((p) => p.name === choice);
  if (preset) return { up: preset.profile.rateUp, down: preset.profile.rateDown };
  const up = await ask('Upload limit (e.g. 512K, 1M):', (v) => parseRate(v, 'up'));
  const down = await ask('Download limit (e.g. 1M, 2M):', (v) => parseRate(v, 'down'));
  return { up, down };
}

async function setLimit(core: Core): Promise<void> {
  const mac = await pickMac(await users(core), 'Limit which device?');
  const { up, down } = await pickSpeeds(core);
  if (!(await confirmAction(`Limit ${mac} to ${formatRateHuman(up)} up / ${formatRateHuman(down)} down?`)))
    return;
  await core.services.bandwidth.setLimit(mac, up, down, cliActor());
  say(out.green(`Limit set for ${mac}: ${formatRateHuman(up)} up / ${formatRateHuman(down)} down.`));
}

async function removeLimit(core: Core): Promise<void> {
  const list = await users(core);
  const overridden = list.filter((u) => u.limitSource === 'override');
  const mac = await pickMac(overridden.length ? overridden : list, 'Remove the limit of which device?');
  const u = list.find((x) => x.mac === normaliseMac(mac));
  if (!(await confirmAction(`Remove the limit on ${mac}${u ? ` (now ${limitText(u.maxLimit)})` : ''}?`)))
    return;
  await core.services.bandwidth.removeLimit(mac, cliActor());
  say(out.green(`Limit removed for ${mac}; back to the profile speed.`));
}

export function bandwidthMenu(core: Core): Promise<void> {
  return menuLoop('Bandwidth Control', [
    {
      key: '1',
      name: 'View users with traffic stats',
      run: async () => say(trafficTable(await users(core))),
    },
    { key: '2', name: 'Set a bandwidth limit', run: () => setLimit(core) },
    { key: '3', name: 'Remove a bandwidth limit', run: () => removeLimit(core) },
    {
      key: '4',
      name: 'View all queues on the router',
      run: async () => {
        await requireRouter(core);
        say(queuesTable(await core.services.bandwidth.queues()));
      },
    },
  ]);
}
