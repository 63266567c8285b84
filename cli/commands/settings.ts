/**
 * Shop settings the operator may change from a script: the shop's time zone, WiFi name, card links and admin
 * networks (over .env's); the code style of new vouchers (code-style.ts); customer self-service's moves per day, and how long a code's devices must be
 * offline before another phone may take it.
 */
import {
  DEFAULT_MOVE_OFFLINE_MINUTES,
  MAX_MOVE_OFFLINE_MINUTES,
  MAX_MOVES_PER_DAY,
  parseMoveOfflineMinutes,
  parseMovesPerDay,
} from '../../src/domain/self-service';
import { out } from '../lib/ansi';
import { givenOptions, parseCommand, optionSpec } from '../lib/args';
import { cliActor } from '../lib/context';
import { CommandDef, print, printJson, withCore } from './shared';
import { SHOP_SETTING_FIELDS, type ShopSettingField } from '../../src/services/business/settings/shop';
import { codeStyle } from './code-style';
import { billingSettingsCommand } from './settings-billing';

const MOVES = `Usage: pisonet settings moves-per-day [N] [--json]

How many times one code may move to a new device (a phone that came back with another WiFi address)
in any 24 hours: 0 (moves off: never, not even for the phone that redeemed it) to ${MAX_MOVES_PER_DAY}, default 3.
Without N it shows the current value.`;

const OFFLINE = `Usage: pisonet settings move-offline-minutes [N] [--json]

How long (whole minutes, 1 to ${MAX_MOVE_OFFLINE_MINUTES}, default ${DEFAULT_MOVE_OFFLINE_MINUTES}) every device of a code must have
been offline before another phone may take the code. The phone whose browser redeemed the code may move it
at any time. Without N it shows the current value.`;

/**
 * Customer self-service's two move settings, read, checked and set alike (these commands and the menu); a
 * command's `shown`: the value shown when none is given.
 */
export const MOVE_SETTINGS = {
  movesPerDay: {
    parse: parseMovesPerDay,
    set: 'setMovesPerDay',
    label: 'Moves per day',
    summary: 'show or set how often one code may move to a new device per day',
    usage: MOVES,
    shown: (now: number) => `Moves per day: ${now}${now === 0 ? ' (codes never move)' : ''}`,
  },
  moveOfflineMinutes: {
    parse: parseMoveOfflineMinutes,
    set: 'setMoveOfflineMinutes',
    label: 'Minutes offline',
    summary: 'show or set how long a code must be offline before another phone may take it',
    usage: OFFLINE,
    shown: (now: number) => `Minutes offline before another phone may take a code: ${now}`,
  },
} as const;
export type MoveSetting = keyof typeof MOVE_SETTINGS;

/** `settings moves-per-day|move-offline-minutes [N]`: one of them shown, or set. */
function moveSetting(key: MoveSetting): CommandDef {
  const { parse, set, label, summary, usage, shown } = MOVE_SETTINGS[key];
  return {
    name: `settings ${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    summary,
    usage,
    async run(args) {
      const { values, positionals } = parseCommand(args, { json: { type: 'boolean' } }, usage, [0, 1]);
      return withCore(async (core) => {
        const self = core.services.selfService;
        const before = await self[key]();
        // The bound is the service's (the same parser as the web's Settings page).
        // An unchanged value is not written (nor audited) again.
        const wanted = positionals.length ? parse(positionals[0]) : before;
        const now = wanted === before ? before : await self[set](positionals[0], cliActor());
        if (values.json) printJson({ [key]: now, changed: now !== before });
        else if (!positionals.length) print(shown(now));
        else if (now === before) print(`${label}: ${now} (unchanged)`);
        else print(out.green(`${label}: ${before} → ${now}`));
        return 0;
      });
    },
  };
}

const SHOP = `Usage: pisonet settings shop [--tz ZONE] [--wifi-name NAME] [--portal-url URL]
                             [--hotspot-login-url URL] [--admin-allow LIST] [--contact-name NAME]
                             [--contact-mobile NUMBER] [--json]

The shop's time zone, the WiFi name printed on cards, where the cards' QR codes lead (the portal's address
and the hotspot's login page) and the networks the admin answers from. .env sets them first; a value set here
wins and reaches the running server at its next poll, no restart. An empty value ("") goes back to .env's.
Without options it shows them.

  --tz ZONE                 e.g. Asia/Manila, Asia/Jakarta
  --wifi-name NAME          up to 32 characters, e.g. AlingNena-WiFi
  --portal-url URL          e.g. http://10.5.50.2:5000 (never localhost: phones open it)
  --hotspot-login-url URL   e.g. http://pisonet.wifi/login
  --admin-allow LIST        addresses or networks, comma-separated, e.g. 192.168.88.0/24,10.0.0.5;
                            0.0.0.0/0 for any network. The terminal itself is never locked out: run
                            this with --admin-allow "" to undo a list that keeps you out of the web admin.
  --contact-name NAME       whom customers ask for, on receipts and invoices (not in .env: "" removes it)
  --contact-mobile NUMBER   the shop's mobile for customers, 09XXXXXXXXX: on receipts, invoices, the account
                            and suspension pages (not in .env: "" removes it)`;

const OPTION: Record<ShopSettingField, string> = {
  tz: 'tz',
  wifi_name: 'wifi-name',
  portal_url: 'portal-url',
  hotspot_login_url: 'hotspot-login-url',
  admin_allow: 'admin-allow',
  contact_name: 'contact-name',
  contact_mobile: 'contact-mobile',
};

const shop: CommandDef = {
  name: 'settings shop',
  summary: 'show or set the time zone, WiFi name, card links and admin networks',
  usage: SHOP,
  async run(args) {
    const { values } = parseCommand(args, optionSpec(OPTION, ['json']), SHOP);
    const input = givenOptions(values, OPTION);
    return withCore(async (core) => {
      const shopSettings = core.services.shopSettings;
      const changed = Object.keys(input).length ? await shopSettings.update(input, cliActor()) : [];
      const view = await shopSettings.view();
      if (values.json) {
        // The API's field names, as all the terminal's JSON.
        printJson({ ...view.effective, overridden: view.overridden, changed });
        return 0;
      }
      for (const f of SHOP_SETTING_FIELDS) {
        const v = view.effective[f];
        const shown = (Array.isArray(v) ? v.join(', ') : v) || '(empty)';
        const from = view.overridden.includes(f) ? 'set here' : 'from .env';
        const line = `${OPTION[f].padEnd(18)} ${shown}  (${from})`;
        print(changed.includes(f) ? out.green(line) : line);
      }
      if (changed.length) print('Saved; the running server applies it at its next poll.');
      return 0;
    });
  },
};

export const settingsCommands: CommandDef[] = [
  shop,
  billingSettingsCommand,
  codeStyle,
  moveSetting('movesPerDay'),
  moveSetting('moveOfflineMinutes'),
];
