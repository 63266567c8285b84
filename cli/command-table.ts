/**
 * Every `pisonet` command by name, with the words `pisonet --help` and `pisonet GROUP` show, and where its code
 * is. A command's module (and what it needs: the core, the router client, the QR drawing, the prompts) is loaded
 * only when that command runs: a start of the terminal costs what the one command needs, on a 1 GB box too.
 * test/cli/command-table.test.ts holds these words to the modules' own `summary` and `usage`.
 */
import type { CommandDef } from './commands/shared';

/** One command: what help says about it, and how to load it. */
interface CommandEntry {
  /** e.g. `vouchers generate` */
  name: string;
  summary: string;
  /** The first line of its `usage` (`pisonet vouchers` lists them). */
  usageLine: string;
  load(): CommandDef;
}

type Module = () => readonly CommandDef[];

/**
 * The modules, each loaded the first time one of its commands runs. require(), not import(): the bin runs the
 * sources through tsx's CommonJS hook when dist/ is not current, and there an import() of a .ts path fails.
 */
const from = {
  vouchers: () => (require('./commands/vouchers') as typeof import('./commands/vouchers')).voucherCommands,
  cards: () => (require('./commands/cards') as typeof import('./commands/cards')).cardCommands,
  more: () =>
    Object.values((require('./commands/more') as typeof import('./commands/more')).moreCommands).flat(),
  network: () => (require('./commands/network') as typeof import('./commands/network')).networkCommands,
  admin: () => (require('./commands/admin') as typeof import('./commands/admin')).adminCommands,
  unlock: () =>
    (require('./commands/admin-unlock') as typeof import('./commands/admin-unlock')).unlockCommands,
  events: () => [(require('./commands/events') as typeof import('./commands/events')).eventsCommand],
  router: () => (require('./commands/router') as typeof import('./commands/router')).routerCommands,
  routerSetup: () =>
    (require('./commands/router-setup') as typeof import('./commands/router-setup')).routerSetupCommands,
  doctor: () => (require('./commands/doctor') as typeof import('./commands/doctor')).doctorCommands,
  service: () => (require('./commands/service') as typeof import('./commands/service')).serviceCommands,
  notify: () => (require('./commands/notify') as typeof import('./commands/notify')).notifyCommands,
  db: () => (require('./commands/db') as typeof import('./commands/db')).dbCommands,
  backup: () => (require('./commands/backup') as typeof import('./commands/backup')).backupCommands,
  vendos: () => (require('./commands/vendos') as typeof import('./commands/vendos')).vendoCommands,
  subscribers: () =>
    (require('./commands/subscribers') as typeof import('./commands/subscribers')).subscriberCommands,
  adopt: () =>
    (require('./commands/subscribers-adopt') as typeof import('./commands/subscribers-adopt')).adoptCommands,
  invoices: () => (require('./commands/invoices') as typeof import('./commands/invoices')).invoiceCommands,
  subscriberPayments: () =>
    (require('./commands/subscriber-payments') as typeof import('./commands/subscriber-payments'))
      .subscriberPaymentCommands,
  sites: () => (require('./commands/sites') as typeof import('./commands/sites')).siteCommands,
  radius: () => (require('./commands/radius') as typeof import('./commands/radius')).radiusCommands,
} satisfies Record<string, Module>;

/** The modules, for the test that holds this table to them. */
export const COMMAND_MODULES: readonly Module[] = Object.values(from);

/** In help order: as the menu lists them. Name, module, summary, first line of usage. */
// prettier-ignore
const TABLE: [string, Module, string, string][] = [
  ['vouchers generate', from.vouchers, 'create a batch of vouchers', 'Usage: pisonet vouchers generate --profile NAME --count N [--prefix X] [--staff]'],
  ['vouchers list', from.vouchers, 'list or search vouchers', 'Usage: pisonet vouchers list [--status S] [--profile NAME] [--search TEXT] [--batch ID] [--site SITE]'],
  ['vouchers show', from.vouchers, 'show one voucher (state, usage, device)', 'Usage: pisonet vouchers show CODE [--json]'],
  ['vouchers revoke', from.vouchers, 'disable a voucher and log its devices out', 'Usage: pisonet vouchers revoke CODE [--yes] [--json]'],
  ['vouchers overage', from.vouchers, "sell a voucher's extra data once its data is used up", 'Usage: pisonet vouchers overage CODE [--yes] [--json]'],
  ['vouchers export', from.vouchers, 'export vouchers as CSV', 'Usage: pisonet vouchers export [--status S] [--profile NAME] [--batch ID] [--site SITE] [--out FILE]'],
  ['vouchers print', from.cards, 'make a few vouchers and write their cards for the thermal printer', 'Usage: pisonet vouchers print --profile NAME --out FILE [--count N] [--site SITE] [--paper P] [--json]'],
  ['vouchers sheet', from.more, 'write a printable sheet (HTML) for a batch', 'Usage: pisonet vouchers sheet --batch ID --out FILE [--paper a4|thermal58|thermal80]'],
  ['cards show', from.cards, 'show the design of printed cards', 'Usage: pisonet cards show [--profile NAME | --batch ID] [--json]'],
  ['cards set', from.cards, 'change the design of printed cards', 'Usage: pisonet cards set [--profile NAME | --batch ID] [--headline TEXT] [--footer TEXT]'],
  ['cards reset', from.cards, "remove a profile's or a batch's own card design", 'Usage: pisonet cards reset --profile NAME | --batch ID'],
  ['users list', from.network, 'active users with traffic', 'Usage: pisonet users list [--site SITE] [--json]'],
  ['users kick', from.network, 'log a device out (voucher stays usable)', 'Usage: pisonet users kick MAC [--site SITE]'],
  ['users extend', from.more, "add time to a user's voucher", 'Usage: pisonet users extend CODE --time DURATION [--price PESOS] [--yes] [--json]'],
  ['users move', from.more, 'move a voucher to another profile (the time it gives charged, or credited)', 'Usage: pisonet users move CODE --profile NAME [--free] [--dry-run] [--yes] [--json]'],
  ['profiles list', from.admin, 'list profiles', 'Usage: pisonet profiles list [--all] [--site SITE] [--json]'],
  ['profiles create', from.more, 'create a profile from JSON', 'Usage: pisonet profiles create FILE [--site SITE] [--yes] [--json]'],
  ['profiles update', from.more, 'replace a profile from JSON', 'Usage: pisonet profiles update NAME FILE [--site SITE|shared] [--yes] [--json]'],
  ['profiles import', from.more, 'add or replace profiles from a profiles.json file', 'Usage: pisonet profiles import FILE [--site SITE|shared] [--dry-run] [--json]'],
  ['profiles archive', from.more, 'retire a profile (kept for history)', 'Usage: pisonet profiles archive NAME [--json]'],
  ['profiles restore', from.more, 'bring an archived profile back', 'Usage: pisonet profiles restore NAME [--json]'],
  ['bandwidth users', from.network, 'traffic stats per device', 'Usage: pisonet bandwidth users [--site SITE] [--json]'],
  ['bandwidth set', from.network, 'set a bandwidth limit for a device', 'Usage: pisonet bandwidth set MAC --up RATE --down RATE [--site SITE] [--json]'],
  ['bandwidth remove', from.network, 'remove the speed limit of a device (unlimited)', 'Usage: pisonet bandwidth remove MAC [--site SITE] [--json]'],
  ['bandwidth reset', from.network, "back to the plan's speed (drops the admin limit)", 'Usage: pisonet bandwidth reset MAC [--site SITE] [--json]'],
  ['queues list', from.network, 'queues on the router', 'Usage: pisonet queues list [--site SITE] [--json]'],
  ['router test', from.network, 'test the router connection', 'Usage: pisonet router test [--site SITE] [--json]'],
  ['router adopt', from.network, "make the connected router this database's router (ends safe mode)", 'Usage: pisonet router adopt [--site SITE] [--yes] [--json]'],
  ['router resource', from.router, "the router's CPU, memory, uptime and temperature", 'Usage: pisonet router resource [--site SITE] [--json]'],
  ['router hosts', from.router, "every device the router's hotspot sees", 'Usage: pisonet router hosts [--site SITE] [--json]'],
  ['router active', from.router, 'who is logged in to the hotspot', 'Usage: pisonet router active [--site SITE] [--json]'],
  ['router bindings', from.router, 'IP bindings (bypassed and blocked devices)', 'Usage: pisonet router bindings [--site SITE] [--json]'],
  ['router cookies', from.router, "the hotspot's login cookies", 'Usage: pisonet router cookies [--site SITE] [--json]'],
  ['router leases', from.router, 'DHCP leases', 'Usage: pisonet router leases [--site SITE] [--json]'],
  ['router traffic', from.router, 'the traffic through an interface now', 'Usage: pisonet router traffic [--interface NAME] [--site SITE] [--json]'],
  ['router log', from.router, "the router's log, newest first", 'Usage: pisonet router log [--topic TOPIC] [--grep TEXT] [--limit N] [--site SITE] [--json]'],
  ['router reboot', from.router, 'reboot the router (asks first; audited)', 'Usage: pisonet router reboot [--site SITE] [--yes] [--wait] [--json]'],
  ['router setup', from.routerSetup, 'check the router for what the product needs, and fix it (--check, --apply)', 'Usage: pisonet router setup --check [--site SITE] [--json]'],
  ['router demo-reset', from.routerSetup, "demo mode: reset the simulated router to a factory-like state (to try 'router setup')", 'Usage: pisonet router demo-reset [--yes]'],
  ['doctor', from.doctor, 'check Node, database, router, setup, clock, disk and backups; each with its fix', 'Usage: pisonet doctor [--json]'],
  ['service install', from.service, 'run the server as a systemd service: user, data folder, .env with random secrets, backups (sudo)', 'Usage: sudo npx pisonet service install [--user NAME]'],
  ['service uninstall', from.service, 'stop and remove the systemd service and the user install made; the data and .env stay (sudo)', 'Usage: sudo npx pisonet service uninstall'],
  ['report sales', from.admin, 'sales by day, week, month or profile', 'Usage: pisonet report sales [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--by day|week|month|profile]'],
  ['report usage', from.admin, 'usage totals', 'Usage: pisonet report usage [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--site SITE] [--json]'],
  ['admin set-password', from.admin, 'set the web admin password', 'Usage: pisonet admin set-password [--username U]'],
  ['migrate', from.admin, 'apply database migrations', 'Usage: pisonet migrate'],
  ['admin unlock', from.unlock, "clear the admin login's waits after wrong passwords (one username, or all)", 'Usage: pisonet admin unlock [USERNAME] [--json]'],
  ['events', from.events, "the shop's activity feed (one site with --site)", 'Usage: pisonet events [--site SITE] [--code CODE] [--limit N] [--json]'],
  ['config show', from.more, 'show the effective configuration (secrets masked)', 'Usage: pisonet config show [--json]'],
  ['settings shop', from.more, 'show or set the time zone, WiFi name, card links and admin networks', 'Usage: pisonet settings shop [--tz ZONE] [--wifi-name NAME] [--portal-url URL]'],
  ['settings billing', from.more, 'show or set the days to pay, grace and reminder days, and the invoice prefix', 'Usage: pisonet settings billing [--due-days N] [--grace-days N] [--remind-days N]'],
  ['settings code-style', from.more, "show or set the shop's code style (numbers only, small letters, a separate password)", 'Usage: pisonet settings code-style [--alphabet digits|lowercase|uppercase] [--length N] [--prefix X]'],
  ['settings moves-per-day', from.more, 'show or set how often one code may move to a new device per day', 'Usage: pisonet settings moves-per-day [N] [--json]'],
  ['settings move-offline-minutes', from.more, 'show or set how long a code must be offline before another phone may take it', 'Usage: pisonet settings move-offline-minutes [N] [--json]'],
  ['notify show', from.notify, 'show the notifications to the owner (Telegram, webhook, what is sent)', 'Usage: pisonet notify show [--json]'],
  ['notify set', from.notify, 'set Telegram, the webhook, the alerts and the language of the notifications', 'Usage: pisonet notify set [--telegram-token TOKEN|-] [--telegram-chat-id ID] [--telegram-api-url URL]'],
  ['notify test', from.notify, 'send a test message on every notification channel set', 'Usage: pisonet notify test [--json]'],
  ['db copy', from.db, 'copy the whole database to another one (e.g. SQLite to PostgreSQL), checked', 'Usage: pisonet db copy --from URL --to URL [--force] [--json]'],
  ['backup', from.backup, 'make one backup of the whole database now (while the server runs)', 'Usage: pisonet backup [--out FILE] [--format auto|sqlite|pgdump|export] [--json]'],
  ['restore', from.backup, 'replace the database with a backup (server stopped)', 'Usage: pisonet restore FILE [--yes] [--json]'],
  ['vendos list', from.vendos, 'coin vendos, online or not, cash in each box', 'Usage: pisonet vendos list [--site SITE] [--json]'],
  ['vendos add', from.vendos, 'register a vendo (prints its secret once)', 'Usage: pisonet vendos add --name NAME --profile PROFILE --rates "1=10m,5=1h,10=3h" [--location TEXT] [--window SECONDS]'],
  ['vendos update', from.vendos, 'change a vendo: name, profile, rates, window, site, on or off', 'Usage: pisonet vendos update VENDO_ID [--name NAME] [--profile PROFILE] [--rates "1=10m,5=1h"] [--location TEXT]'],
  ['vendos remove', from.vendos, 'forget a vendo that was never used (one with coins: switch it off)', 'Usage: pisonet vendos remove VENDO_ID [--yes] [--json]'],
  ['vendos rotate-secret', from.vendos, 'a new secret for a vendo (the old one stops working)', 'Usage: pisonet vendos rotate-secret VENDO_ID [--json]'],
  ['vendos collect', from.vendos, 'record a cash-box collection against the coin ledger', 'Usage: pisonet vendos collect VENDO_ID --counted PESOS [--note TEXT] [--json]'],
  ['subscribers list', from.subscribers, 'subscribers on monthly plans, their status and this cycle', 'Usage: pisonet subscribers list [--status scheduled|active|suspended|ended] [--json]'],
  ['subscribers add', from.subscribers, 'add a subscriber on a monthly plan', 'Usage: pisonet subscribers add --name NAME [--mobile 09XXXXXXXXX] --profile PLAN --billing-day 1-28 --username USER'],
  ['subscribers show', from.subscribers, 'one subscriber, with its password and billing cycle', 'Usage: pisonet subscribers show ID|USERNAME [--json]'],
  ['subscribers edit', from.subscribers, "change a subscriber's details, plan or billing day", 'Usage: pisonet subscribers edit ID|USERNAME [--name NAME] [--mobile NUMBER] [--profile PLAN] [--password PASS]'],
  ['subscribers activate', from.subscribers, "start a scheduled subscriber's service now, billed from today", 'Usage: pisonet subscribers activate ID|USERNAME [--json]'],
  ['subscribers suspend', from.subscribers, 'suspend a subscriber, with a reason', 'Usage: pisonet subscribers suspend ID|USERNAME --reason TEXT [--until-paid] [--json]'],
  ['subscribers resume', from.subscribers, 'resume a suspended subscriber', 'Usage: pisonet subscribers resume ID|USERNAME [--json]'],
  ['subscribers remove', from.subscribers, "end a subscriber's service (kept as ended)", 'Usage: pisonet subscribers remove ID|USERNAME [--yes] [--json]'],
  ['subscribers import', from.subscribers, 'add customers from a CSV file (PHPNuxBill export reshaped, a spreadsheet)', 'Usage: pisonet subscribers import FILE [--dry-run] [--site SITE] [--yes] [--json]'],
  ['subscribers adopt', from.adopt, "adopt the router's own PPP secrets as subscribers", 'Usage: pisonet subscribers adopt --site SITE --plan PLAN --billing-day 1-28 [--paid-until YYYY-MM-DD]'],
  ['subscribers unlock', from.unlock, "clear a subscriber's portal sign-in waits after wrong passwords (one, or all)", 'Usage: pisonet subscribers unlock [ID|USERNAME] [--json]'],
  ['subscribers pay', from.invoices, "record a subscriber's payment (cash at the counter, GCash, ...)", 'Usage: pisonet subscribers pay ID|USERNAME AMOUNT [--method cash|gcash|maya|bank|other] [--reference TEXT]'],
  ['subscribers payments', from.subscriberPayments, "a subscriber's payments, voided ones marked, with its credit and what it owes", 'Usage: pisonet subscribers payments ID|USERNAME [--json]'],
  ['subscribers void-payment', from.subscriberPayments, "void a subscriber's payment whose money never came (a reversal entry, with a reason)", 'Usage: pisonet subscribers void-payment ID|USERNAME PAYMENT_ID --reason TEXT [--json]'],
  ['invoices list', from.invoices, "subscribers' invoices, by status or subscriber", 'Usage: pisonet invoices list [--status open|paid|void] [--subscriber ID|USERNAME] [--json]'],
  ['invoices show', from.invoices, 'one invoice: lines, credit, paid, due', 'Usage: pisonet invoices show NUMBER [--json]'],
  ['billing run', from.invoices, 'issue the invoices due by today (idempotent)', 'Usage: pisonet billing run [--json]'],
  ['sites list', from.sites, 'routers (sites), online or not, devices online', 'Usage: pisonet sites list [--json]'],
  ['sites add', from.sites, 'add a router (password from a prompt or --password-stdin)', 'Usage: pisonet sites add --name NAME --host HOST --user USER [--tls] [options] [--json]'],
  ['sites edit', from.sites, 'change a router (what is not given stays)', 'Usage: pisonet sites edit SITE [--name NAME] [options] [--json]'],
  ['sites remove', from.sites, 'remove a router (asks first)', 'Usage: pisonet sites remove SITE [--force] [--yes] [--json]'],
  ['sites login-page', from.sites, "a site's hotspot login.html, to upload to its router", 'Usage: pisonet sites login-page SITE [--portal URL] [--out FILE]'],
  ['sites addresses', from.sites, "the fixed addresses a site's subscribers hold", 'Usage: pisonet sites addresses SITE [--json]'],
  ['radius freeradius-config', from.radius, "write FreeRADIUS's configuration for the RADIUS sites", 'Usage: pisonet radius freeradius-config --dir DIR [--auth-port N] [--acct-port M] [--address IP] [--json]'],
];

export const COMMANDS: readonly CommandEntry[] = TABLE.map(([name, module, summary, usageLine]) => ({
  name,
  summary,
  usageLine,
  load() {
    const def = module().find((c) => c.name === name);
    if (!def) throw new Error(`the command table names "${name}", which its module does not define`);
    return def;
  },
}));
