/**
 * The advanced parts of a profile, one optional section each: Fair Usage Policy, data cap, burst,
 * off-peak, time mode and description. Each section starts with "keep / change / remove" (or
 * "none / set" when absent); changing pre-fills the current values.
 */
import { confirm, select } from '@inquirer/prompts';
import { MAX_PAUSE_SECONDS, MAX_PAUSES_PER_DAY, MIN_PAUSE_SECONDS } from '../../src/domain/self-service';
import { formatDurationHuman, formatRate, parseRate } from '../../src/domain/units';
import { askField, isObject, numberish, str, type Json } from './profile-draft';

type Choice = 'keep' | 'set' | 'remove';

const MB_TEXT = 'e.g. 500M, 2G';
const RATE_TEXT = 'e.g. 256K, 1M';

/** "Fair Usage Policy: keep (…) / change / remove", or "none / set" when the profile has none. */
async function sectionChoice(title: string, summary: string | undefined): Promise<Choice> {
  const choices: { name: string; value: Choice }[] = summary
    ? [
        { name: `Keep (${summary})`, value: 'keep' },
        { name: 'Change', value: 'set' },
        { name: 'Remove', value: 'remove' },
      ]
    : [
        { name: 'None', value: 'keep' },
        { name: 'Set', value: 'set' },
      ];
  return select({ message: `${title}:`, choices, default: 'keep' });
}

function group(draft: Json, key: string): Json | undefined {
  return isObject(draft[key]) ? (draft[key] as Json) : undefined;
}

/** A rate derived from the profile's base rate, as a suggestion (undefined when the base is not valid yet). */
function suggestRate(base: unknown, factor: number): string | undefined {
  try {
    return formatRate(Math.round(parseRate(base, 'rate') * factor));
  } catch {
    return undefined;
  }
}

async function fupSection(draft: Json): Promise<void> {
  const fup = group(draft, 'fup');
  const summary = fup && `after ${str(fup.threshold)}: ${str(fup.rate_up)}/${str(fup.rate_down)}`;
  const choice = await sectionChoice('Fair Usage Policy (slower speeds after some data)', summary);
  if (choice === 'remove') delete draft.fup;
  if (choice !== 'set') return;
  const current = { ...(fup ?? {}) };
  draft.fup = { ...current };
  await askField(draft, 'fup.threshold', `Slow down after how much data? (${MB_TEXT}):`, {
    default: str(current.threshold),
  });
  await askField(draft, 'fup.rate_up', `FUP upload speed (${RATE_TEXT}):`, {
    default: str(current.rate_up) ?? suggestRate(draft.rate_up, 0.25),
  });
  await askField(draft, 'fup.rate_down', `FUP download speed (${RATE_TEXT}):`, {
    default: str(current.rate_down) ?? suggestRate(draft.rate_down, 0.25),
  });
}

const CAP_KEYS = ['data_cap', 'cap_policy', 'cap_rate_up', 'cap_rate_down'];

async function capThrottleRates(draft: Json): Promise<void> {
  const own = draft.cap_rate_up !== undefined || draft.cap_rate_down !== undefined;
  const useFup = isObject(draft.fup)
    ? await select({
        message: 'Throttle to which speeds?',
        choices: [
          { name: 'The FUP speeds', value: true },
          { name: 'Other speeds', value: false },
        ],
        default: !own,
      })
    : false;
  if (useFup) {
    delete draft.cap_rate_up;
    delete draft.cap_rate_down;
    return;
  }
  await askField(draft, 'cap_rate_up', `Throttled upload speed (${RATE_TEXT}):`, {
    default: str(draft.cap_rate_up) ?? suggestRate(draft.rate_up, 0.25),
  });
  await askField(draft, 'cap_rate_down', `Throttled download speed (${RATE_TEXT}):`, {
    default: str(draft.cap_rate_down) ?? suggestRate(draft.rate_down, 0.25),
  });
}

async function capSection(draft: Json): Promise<void> {
  const summary =
    draft.data_cap === undefined
      ? undefined
      : `${str(draft.data_cap)}, then ${str(draft.cap_policy) ?? 'block'}`;
  const choice = await sectionChoice('Data cap (a limit on data per voucher)', summary);
  if (choice === 'remove') for (const k of CAP_KEYS) delete draft[k];
  if (choice !== 'set') return;
  await askField(draft, 'data_cap', `Data cap (${MB_TEXT}):`, {
    default: str(draft.data_cap),
    also: ['fup.threshold'],
  });
  draft.cap_policy = await select({
    message: 'When the cap is reached:',
    choices: [
      { name: 'block (log out)', value: 'block' },
      { name: 'throttle (slow down)', value: 'throttle' },
      { name: 'nothing (only count)', value: 'none' },
    ],
    default: str(draft.cap_policy) ?? 'block',
  });
  if (draft.cap_policy === 'throttle') await capThrottleRates(draft);
  else {
    delete draft.cap_rate_up;
    delete draft.cap_rate_down;
  }
  await overageQuestions(draft);
}

/** Extra data sold at the cap (a code or coins at a vendo raise it). */
async function overageQuestions(draft: Json): Promise<void> {
  const o = group(draft, 'overage');
  const sell = await confirm({
    message: 'Sell extra data to customers who reach the cap?',
    default: o !== undefined,
  });
  if (!sell) {
    delete draft.overage;
    return;
  }
  draft.overage = { ...(o ?? {}) };
  await askField(draft, 'overage.bytes', `Extra data per purchase (${MB_TEXT}):`, {
    default: str(o?.bytes) ?? '1G',
  });
  await askField(draft, 'overage.price', 'Its price in pesos (e.g. 10):', {
    default: str(o?.price),
    convert: numberish(/^\d+(\.\d{1,2})?$/),
  });
}

/** Contention ratio (1:N) and queue priority (1 first … 8 last). */
async function sharingSection(draft: Json): Promise<void> {
  const shared = draft.contention_ratio !== undefined && draft.contention_ratio !== '1:1';
  const prio = draft.priority ?? draft.qos_priority;
  const summary =
    shared || prio !== undefined
      ? [
          shared ? `shared ${str(draft.contention_ratio)}` : '',
          prio !== undefined ? `priority ${str(draft.priority) ?? `qos ${str(draft.qos_priority)}`}` : '',
        ]
          .filter(Boolean)
          .join(', ')
      : undefined;
  const choice = await sectionChoice('Shared line and priority (contention ratio, who goes first)', summary);
  if (choice === 'remove') {
    for (const k of ['contention_ratio', 'priority', 'qos_priority']) delete draft[k];
  }
  if (choice !== 'set') return;
  await askField(draft, 'contention_ratio', 'Contention ratio 1:N (e.g. 1:20; 1:1 = not shared):', {
    default: str(draft.contention_ratio) ?? '1:1',
    convert: (t) => (/^\s*1\s*:\s*1\s*$/.test(t) ? undefined : t),
  });
  delete draft.qos_priority;
  const priority = await select({
    message: 'Priority when the line is full:',
    choices: [
      { name: 'none (8, like other traffic)', value: 0 },
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({
        name: n === 1 ? '1 (first)' : n === 8 ? '8 (last)' : String(n),
        value: n,
      })),
    ],
    default: typeof draft.priority === 'number' ? draft.priority : 0,
  });
  if (priority === 0) delete draft.priority;
  else draft.priority = priority;
}

async function burstSection(draft: Json): Promise<void> {
  const burst = group(draft, 'burst');
  const summary = burst && `${str(burst.rate_up)}/${str(burst.rate_down)} for ${str(burst.time)}`;
  const choice = await sectionChoice('Burst (a short speed boost at the start of a download)', summary);
  if (choice === 'remove') delete draft.burst;
  if (choice !== 'set') return;
  const current = { ...(burst ?? {}) };
  draft.burst = { ...current };
  const fields: [string, string, string | undefined][] = [
    ['rate_up', `Burst upload speed, above the normal speed (${RATE_TEXT}):`, suggestRate(draft.rate_up, 2)],
    [
      'rate_down',
      `Burst download speed, above the normal speed (${RATE_TEXT}):`,
      suggestRate(draft.rate_down, 2),
    ],
    ['threshold_up', 'Burst upload threshold, at most the normal speed:', suggestRate(draft.rate_up, 0.75)],
    [
      'threshold_down',
      'Burst download threshold, at most the normal speed:',
      suggestRate(draft.rate_down, 0.75),
    ],
    ['time', 'Burst time (e.g. 10s):', '10s'],
  ];
  for (const [key, message, suggestion] of fields) {
    await askField(draft, `burst.${key}`, message, { default: str(current[key]) ?? suggestion });
  }
}

async function offpeakSection(draft: Json): Promise<void> {
  const o = group(draft, 'offpeak');
  const summary =
    o &&
    `${str(o.start)}–${str(o.end)}${o.unlimited === true ? ', data free' : ''}, speed ×${str(o.speed_multiplier) ?? '1'}`;
  const choice = await sectionChoice('Off-peak hours (free data or faster speeds at quiet times)', summary);
  if (choice === 'remove') delete draft.offpeak;
  if (choice !== 'set') return;
  const current = { ...(o ?? {}) };
  draft.offpeak = { ...current };
  await askField(draft, 'offpeak.start', 'Off-peak starts at (HH:MM, shop time):', {
    default: str(current.start) ?? '00:00',
  });
  await askField(draft, 'offpeak.end', 'Off-peak ends at (HH:MM, shop time):', {
    default: str(current.end) ?? '06:00',
  });
  (draft.offpeak as Json).unlimited = await confirm({
    message: 'Is data free (not counted) during off-peak?',
    default: current.unlimited === true,
  });
  // Last question of the section, so the section-level check ("does nothing") is shown here.
  await askField(draft, 'offpeak.speed_multiplier', 'Speed multiplier during off-peak (1 = same, 1.5, 2…):', {
    default: str(current.speed_multiplier) ?? '1',
    convert: numberish(/^\d+(\.\d+)?$/),
    also: ['offpeak'],
  });
}

/** `key` picked from `choices`, the draft's value first offered; the first choice is left out of the draft. */
async function choose(draft: Json, key: string, message: string, choices: { name: string; value: string }[]) {
  const value = await select({ message, choices, default: str(draft[key]) ?? choices[0].value });
  if (value === choices[0].value) delete draft[key];
  else draft[key] = value;
}

async function timeModeSection(draft: Json): Promise<void> {
  // wallclock is the default and left out, as profileToJson does.
  await choose(draft, 'time_mode', 'Validity counts:', [
    { name: 'wall-clock time from first login (wallclock)', value: 'wallclock' },
    { name: 'only while connected (uptime)', value: 'uptime' },
  ]);
}

/**
 * Customer self-service: what a second code of this profile does on a phone that still has time, and for
 * profiles counting online time, the longest pause and pauses per day (empty = no limit). Clock-time
 * profiles cannot pause, so their pause limits are dropped (the profile parser would refuse them).
 */
async function selfServiceSection(draft: Json): Promise<void> {
  // "add" is the default and left out, as profileToJson does.
  await choose(draft, 'topup', 'A code of this profile typed on a phone that still has time:', [
    { name: 'adds its time and data to the running code (add)', value: 'add' },
    { name: 'waits, then starts when the running code ends (queue)', value: 'queue' },
  ]);
  if (draft.time_mode !== 'uptime') {
    delete draft.pause_max;
    delete draft.pauses_per_day;
    return;
  }
  const optional = (t: string) => (t === '' ? undefined : t);
  await askField(
    draft,
    'pause_max',
    `Longest pause (${formatDurationHuman(MIN_PAUSE_SECONDS)} to ${formatDurationHuman(MAX_PAUSE_SECONDS)}, e.g. 2h; empty = no limit):`,
    {
      default: str(draft.pause_max),
      convert: optional,
    },
  );
  await askField(draft, 'pauses_per_day', `Pauses per day (1 to ${MAX_PAUSES_PER_DAY}; empty = no limit):`, {
    default: str(draft.pauses_per_day),
    convert: (t) => (t === '' ? undefined : numberish(/^\d{1,3}$/)(t)),
  });
}

async function descriptionSection(draft: Json): Promise<void> {
  await askField(draft, 'description', 'Description (optional; Backspace then Enter clears it):', {
    default: str(draft.description),
    convert: (t) => (t === '' ? undefined : t),
  });
}

/** Which advanced sections a profile uses, for the "Advanced settings?" question. */
export function advancedSummary(json: Json): string[] {
  const parts: string[] = [];
  if (isObject(json.fup)) parts.push('FUP');
  if (json.data_cap !== undefined) parts.push('data cap');
  if (isObject(json.burst)) parts.push('burst');
  if (isObject(json.offpeak)) parts.push('off-peak');
  if (json.time_mode === 'uptime') parts.push('uptime');
  if (json.topup === 'queue') parts.push('second codes wait');
  if (json.pause_max !== undefined || json.pauses_per_day !== undefined) parts.push('pause limits');
  if (json.description !== undefined) parts.push('description');
  if (json.contention_ratio !== undefined && json.contention_ratio !== '1:1')
    parts.push(`shared ${str(json.contention_ratio)}`);
  if (json.priority !== undefined || json.qos_priority !== undefined) parts.push('priority');
  if (isObject(json.overage)) parts.push('extra data');
  return parts;
}

export async function askAdvanced(draft: Json): Promise<void> {
  await fupSection(draft);
  await capSection(draft);
  await burstSection(draft);
  await offpeakSection(draft);
  await sharingSection(draft);
  await timeModeSection(draft);
  await selfServiceSection(draft);
  await descriptionSection(draft);
}
