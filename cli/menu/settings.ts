import { input, password } from '@inquirer/prompts';
import { describeConfig } from '../../src/config/env';
import type { Core } from '../../src/core';
import { MAX_MOVE_OFFLINE_MINUTES, MAX_MOVES_PER_DAY } from '../../src/domain/self-service';
import { formatBytes } from '../../src/domain/units';
import { out } from '../lib/ansi';
import { cliActor } from '../lib/context';
import { formatDate, startOfDay, startOfMonth, startOfWeek } from '../lib/dates';
import { routerInfoText, salesTable } from '../lib/render';
import { keyValues } from '../lib/table';
import { migrateLatest } from '../../src/db/knex';
import { checkNewPassword } from '../../src/services/business/admins';
import { saveShopCodeStyle, storedCodeStyle } from '../../src/services/shop/vouchers/code-style';
import { MOVE_SETTINGS, type MoveSetting } from '../commands/settings';
import { askCodeStyle, sayStyle } from './code-style';
import { checkedBy, confirmAction, menuLoop, say } from './prompts';

/** When each period of the reports starts. */
const START = { today: startOfDay, 'this week': startOfWeek, 'this month': startOfMonth };
type Period = keyof typeof START;

function range(core: Core, period: Period): { from: number; to: number } {
  const now = core.clock.now();
  return { from: START[period](now, core.config.tz), to: now + 1 };
}

async function sales(core: Core, period: Period): Promise<void> {
  const { from, to } = range(core, period);
  const rows = await core.services.reports.sales({ from, to, by: 'profile' });
  say(out.bold(`Sales ${period} (since ${formatDate(from, core.config.tz)}), by profile`));
  say(salesTable(rows, 'profile'));
}

async function usage(core: Core): Promise<void> {
  const lines: [string, string][] = [];
  for (const period of ['today', 'this week', 'this month'] as const) {
    const t = await core.services.reports.usageTotals(range(core, period));
    lines.push([
      period,
      `${formatBytes(t.bytesDown)} down, ${formatBytes(t.bytesUp)} up, ${t.vouchers} voucher(s)`,
    ]);
  }
  say(out.bold('Data used by customers'));
  say(keyValues(lines, out));
}

export function reportsMenu(core: Core): Promise<void> {
  return menuLoop('Reports', [
    { key: '1', name: 'Sales today', run: () => sales(core, 'today') },
    { key: '2', name: 'Sales this week', run: () => sales(core, 'this week') },
    { key: '3', name: 'Sales this month', run: () => sales(core, 'this month') },
    { key: '4', name: 'Usage totals', run: () => usage(core) },
  ]);
}

async function testRouter(core: Core): Promise<void> {
  say(out.dim('Testing the router connection…'));
  say(routerInfoText(await core.services.routerInfo.test()));
}

async function setPassword(core: Core): Promise<void> {
  const username = core.config.admin.username;
  // The service's rules for a new password, checked as it is typed; the repeat is asked until it matches.
  const first = await password({
    message: `New password for ${username}:`,
    mask: '*',
    validate: checkedBy(checkNewPassword),
  });
  await password({
    message: 'Repeat the password:',
    mask: '*',
    validate: (v) =>
      v === first || 'The two passwords differ: type the same one again (Ctrl-C: change nothing)',
  });
  await core.services.admins.setPassword(username, first, cliActor());
  say(out.green(`Password set for ${username}.`));
}

async function migrate(core: Core): Promise<void> {
  const applied = await migrateLatest(core.db);
  say(
    applied.length
      ? out.green(`Applied ${applied.length} migration(s): ${applied.join(', ')}`)
      : 'Database is up to date.',
  );
}

/** What the menu says of each move setting, and asks. */
const QUESTIONS: Record<MoveSetting, [intro: string, message: string]> = {
  movesPerDay: [
    'A phone back on the WiFi with a new address looks like another device; a code that has all its devices moves to it when the customer types it there.',
    `Moves of one code to a new device per day (0 = moves off, up to ${MAX_MOVES_PER_DAY}):`,
  ],
  moveOfflineMinutes: [
    'The phone whose browser redeemed a code may move it at any time; another phone gets it only once every device using it has been offline this long.',
    `Minutes offline before another phone may take a code (1 to ${MAX_MOVE_OFFLINE_MINUTES}):`,
  ],
};

/**
 * Customer self-service: how often one code may move to a new device, or how long a code's devices must be
 * offline before another phone may take it (checked as the service checks it).
 */
async function moveSetting(core: Core, key: MoveSetting): Promise<void> {
  const { parse, set, label } = MOVE_SETTINGS[key];
  const [intro, message] = QUESTIONS[key];
  const before = await core.services.selfService[key]();
  say(out.dim(intro));
  const typed = await input({ message, default: String(before), validate: checkedBy(parse) });
  if (parse(typed) === before) return say(out.dim(`Unchanged: ${before}.`));
  const now = await core.services.selfService[set](typed, cliActor());
  say(out.green(`${label}: ${before} → ${now}.`));
}

/** The shop's code style for new vouchers, with its figures; a style under the floor is asked again. */
async function codeStyleOfShop(core: Core): Promise<void> {
  const before = await storedCodeStyle(core.services.settings);
  sayStyle(before, "The shop's codes now");
  const style = await askCodeStyle(core, before);
  const changed = await saveShopCodeStyle(core.services.settings, style, cliActor());
  say(changed.length ? out.green('Saved: new vouchers use this style.') : out.dim('Unchanged.'));
}

/** The notifications in effect (secrets only said to be set), and a test message on request. */
async function notifications(core: Core): Promise<void> {
  const v = await core.services.notify.view();
  say(
    keyValues(
      [
        ['Sends to', v.channels.length ? v.channels.join(', ') : 'nothing yet (notifications are off)'],
        ['Telegram bot token', v.telegram_token_set ? 'set (never shown)' : 'not set'],
        ['Telegram chat id', v.telegram_chat_id || 'not set'],
        ['Webhook', v.webhook_url || 'not set'],
        ['Router down after', `${v.router_down_seconds} s`],
        ["Day's sales at", v.daily_at],
        ['Low stock below', v.low_stock === null ? 'off' : String(v.low_stock)],
        ['Language', v.language === 'fil' ? 'Filipino' : 'English'],
      ],
      out,
    ),
  );
  say(out.dim('Change them in the admin (Settings → Notifications) or with: pisonet notify set --help'));
  if (!v.channels.length || !(await confirmAction('Send a test message now?'))) return;
  for (const r of await core.services.notify.test(cliActor()))
    say(r.ok ? out.green(`${r.channel}: sent`) : out.red(`${r.channel}: not sent: ${r.message}`));
}

export function settingsMenu(core: Core): Promise<void> {
  return menuLoop('Settings', [
    { key: '1', name: 'Test router connection', run: () => testRouter(core) },
    {
      key: '2',
      name: 'Show the effective configuration',
      run: async () => say(keyValues(Object.entries(describeConfig(core.config)), out)),
    },
    { key: '3', name: 'Set admin password', run: () => setPassword(core) },
    { key: '4', name: 'Run database migrations', run: () => migrate(core) },
    { key: '5', name: 'Moves per day (customer self-service)', run: () => moveSetting(core, 'movesPerDay') },
    {
      key: '6',
      name: 'Minutes offline before another phone may take a code',
      run: () => moveSetting(core, 'moveOfflineMinutes'),
    },
    { key: '7', name: 'Code style of new vouchers', run: () => codeStyleOfShop(core) },
    { key: '8', name: 'Notifications (Telegram, webhook)', run: () => notifications(core) },
  ]);
}
