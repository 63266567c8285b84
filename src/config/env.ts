import { readClockStart } from './env-clock';
import { describeBillingConfig, readBillingEnv, type BillingConfig } from './env-billing';
import path from 'node:path';
import { isHttpUrl, parseCidr } from '../domain/network';
import { parseDatabaseUrl, type DatabaseConfig } from './database-url';
import { ConfigError, DatabaseUrlError } from '../domain/errors';
import { PROJECT_ROOT } from '../lib/paths';
import { parseKey } from '../lib/secret-box';
import { describeNotifyConfig, readNotifyEnv, type NotifyConfig } from './env-notify';
import { describePaymentsConfig, fakesPaymongo, readPaymentsEnv, type PaymentsConfig } from './env-payments';
import { backupEverySeconds, describeBackupConfig, type BackupConfig } from './env-backup';
import {
  bool,
  check,
  int,
  knownTimeZone,
  minLengthSecret,
  oneOf,
  optionalSecret,
  str,
  type Reader,
} from './env-readers';

/**
 * Environment configuration. Validated once at start: every problem is reported together and the
 * program refuses to start on bad config (STYLE.md "Errors and logs"). Names are public interface.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const schema = {
  PORT: int('PORT', 5000, 0, 65535),
  BIND: str('0.0.0.0'),
  // Never echoed whole: it may hold the PostgreSQL password (src/config/database-url.ts masks it).
  DATABASE_URL: ((raw, problems) => {
    const v = str('sqlite:./data/pisonet.sqlite')(raw, problems);
    try {
      parseDatabaseUrl(v, '/');
    } catch (err) {
      if (!(err instanceof DatabaseUrlError)) throw err;
      problems.push(`DATABASE_URL ${err.message}`);
    }
    return v;
  }) as Reader<string>,
  DATA_DIR: str('./data'),
  BACKUP_DIR: str(''),
  BACKUP_EVERY: ((raw, problems) => backupEverySeconds(str('1d')(raw, problems), problems)) as Reader<number>,
  BACKUP_KEEP: int('BACKUP_KEEP', 7, 1, 1000),
  BACKUP_FORMAT: oneOf(
    'BACKUP_FORMAT',
    'auto',
    ['auto', 'export'],
    "auto (the engine's own copy: SQLite's file, pg_dump) or export",
  ),
  ROUTER_HOST: str(''),
  ROUTER_PORT: int('ROUTER_PORT', undefined, 1, 65535),
  ROUTER_USER: str('admin'),
  ROUTER_PASSWORD: ((v) => v ?? '') as Reader<string>,
  ROUTER_TLS: bool('ROUTER_TLS', false),
  ROUTER_TIMEOUT_SECONDS: int('ROUTER_TIMEOUT_SECONDS', 10, 1, 300),
  SIMULATOR_PORT: int('SIMULATOR_PORT', 18728, 0, 65535),
  DEMO_DEVICES: int('DEMO_DEVICES', 6, 0, 250),
  HOTSPOT_SERVER: str('all'),
  HOTSPOT_USER_PROFILE: str('default'),
  USAGE_POLL_SECONDS: int('USAGE_POLL_SECONDS', 30, 1, 3600),
  FUP_WATCH: bool('FUP_WATCH', true),
  FUP_WATCH_SECONDS: int('FUP_WATCH_SECONDS', 1, 1, 60),
  CLOCK_START: readClockStart,
  ADMIN_USERNAME: str('admin'),
  ADMIN_PASSWORD: optionalSecret,
  ADMIN_API_TOKEN: minLengthSecret('ADMIN_API_TOKEN'),
  METRICS_TOKEN: minLengthSecret('METRICS_TOKEN'),
  ADMIN_ALLOW: ((raw, problems) => {
    const list: string[] = [];
    for (const entry of str('')(raw, problems)
      .split(/[\s,]+/)
      .filter(Boolean)) {
      try {
        list.push(parseCidr(entry, 'ADMIN_ALLOW').text);
      } catch {
        problems.push(
          `ADMIN_ALLOW: "${entry}" is not an IPv4 address or network like 192.168.88.0/24 (prefix 0–32)`,
        );
      }
    }
    return list;
  }) as Reader<string[]>,
  SESSION_SECRET: minLengthSecret('SESSION_SECRET'),
  // Never echoed: the key that encrypts the routers' passwords (src/services/business/sites/credentials.ts).
  CREDENTIALS_KEY: ((raw, problems) => {
    const v = optionalSecret(raw, problems);
    if (v !== undefined && !parseKey(v))
      problems.push(
        'CREDENTIALS_KEY must be 32 bytes written as base64 (44 characters) or hex (64 characters), e.g. the output of: openssl rand -base64 32',
      );
    return v;
  }) as Reader<string | undefined>,
  COOKIE_SECURE: oneOf('COOKIE_SECURE', 'auto', ['auto', 'true', 'false'], 'auto, true or false'),
  PROFILES_FILE: str('./profiles.json'),
  PORTAL_URL: str(''),
  HOTSPOT_LOGIN_URL: check(
    'HOTSPOT_LOGIN_URL',
    '',
    (v) => v === '' || isHttpUrl(v),
    (v) => `must be an http:// or https:// address like http://wifi.shop/login (got "${v}")`,
  ),
  WIFI_NAME: check(
    'WIFI_NAME',
    '',
    (v) => v.length <= 32 && [...v].every((ch) => ch >= ' '),
    () => 'must be at most 32 characters on one line (a WiFi name, e.g. AlingNena-WiFi)',
  ),
  TZ: check(
    'TZ',
    Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    knownTimeZone,
    (v) => `"${v}" is not a known time zone, e.g. Asia/Manila`,
  ),
  LOG_LEVEL: oneOf('LOG_LEVEL', 'info', LOG_LEVELS, `one of ${LOG_LEVELS.join(', ')}`),
  LOG_FORMAT: oneOf('LOG_FORMAT', 'auto', ['auto', 'json', 'pretty'], 'auto, json or pretty'),
  NODE_ENV: str('production'),
  CONTROLLER_MODE: oneOf('CONTROLLER_MODE', 'exclusive', ['exclusive', 'shared'], 'exclusive or shared'),
};

type Parsed = { [K in keyof typeof schema]: ReturnType<(typeof schema)[K]> };

/** Every variable read; every problem found, in the variables' order. */
function readEnv(env: NodeJS.ProcessEnv): { data: Parsed; problems: string[] } {
  const problems: string[] = [];
  const data: Record<string, unknown> = {};
  for (const [name, read] of Object.entries(schema) as Array<[string, Reader<unknown>]>) {
    const raw: unknown = env[name];
    if (raw !== undefined && typeof raw !== 'string') {
      problems.push(`${name} must be text (got ${typeof raw})`);
      continue;
    }
    data[name] = read(raw, problems);
  }
  return { data: data as Parsed, problems };
}

export interface AppConfig {
  /**
   * exclusive (default): one server per database (a second one is refused). shared (PostgreSQL only): several
   * servers share the database and its sites, each site polled by one of them at a time (src/db/site-leases.ts).
   */
  controllerMode: 'exclusive' | 'shared';
  port: number;
  bind: string;
  /** The engine and where (DATABASE_URL); `database.shown` is the URL with its password masked. */
  database: DatabaseConfig;
  /** The SQLite file; '' when the database is PostgreSQL. */
  databaseFile: string;
  dataDir: string;
  backup: BackupConfig;
  router: {
    simulated: boolean;
    host: string;
    port: number;
    user: string;
    password: string;
    tls: boolean;
    timeoutSeconds: number;
  };
  simulatorPort: number;
  /** Phones on the demo router's WiFi when it is first set up (02:50:00:00:00:01 at 10.5.50.11, …). */
  demoDevices: number;
  hotspotServer: string;
  hotspotUserProfile: string;
  usagePollSeconds: number;
  /** Between polls, devices near a speed threshold read every `seconds` and slowed at once (FUP_WATCH). */
  fupWatch: { enabled: boolean; seconds: number };
  /** CLOCK_START: the controller's clock starts at this instant (ms) instead of the real time; unset: real time. */
  clockStart?: number;
  admin: {
    username: string;
    password?: string;
    apiToken?: string;
    allow: string[];
    sessionSecret?: string;
    cookieSecure: 'auto' | boolean;
  };
  /** The bearer token of GET /metrics (METRICS_TOKEN); undefined = ADMIN_API_TOKEN's (docs/monitoring.md). */
  metricsToken?: string;
  /**
   * The key (32 bytes) that encrypts the other sites' router passwords (CREDENTIALS_KEY); undefined = the data
   * folder's `credentials.key`, made on first start.
   */
  credentialsKey?: Buffer;
  profilesFile: string;
  portalUrl: string;
  /**
   * The hotspot's own login page as customers' phones open it (HOTSPOT_LOGIN_URL), printed in voucher QR
   * codes; empty = the router's server profile `dns-name`, else the portal (src/services/shop/vouchers/card-link.ts).
   */
  hotspotLoginUrl: string;
  /** The WiFi network name printed on voucher cards (WIFI_NAME); empty = the shop's name. */
  wifiName: string;
  tz: string;
  /** Notifications to the owner as .env sets them; the admin's values override them (src/services/business/notify). */
  notify: NotifyConfig;
  /** Online payments (PayMongo) as .env sets them; the admin's values override them (src/services/shop/payments). */
  payments: PaymentsConfig;
  /** Subscribers' invoices, reminders, suspension and SMS as .env sets them (src/config/env-billing.ts). */
  billing: BillingConfig;
  logLevel: string;
  /** auto: human lines on a terminal, JSON otherwise; json / pretty force one. */
  logFormat: 'auto' | 'json' | 'pretty';
  nodeEnv: string;
}

/**
 * Relative paths (the data folder, the database, profiles.json) belong to the project, not to the folder a
 * command happens to be run from: the CLI run from elsewhere must open the shop's database, not a new one.
 */
function fromProject(p: string, baseDir: string): string {
  return path.resolve(baseDir, p);
}

export { parseClockStart } from './env-clock';

/** Parses the environment; throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv, baseDir: string = PROJECT_ROOT): AppConfig {
  const { data: c, problems } = readEnv(env);
  const notify = readNotifyEnv(env, problems);
  const payments = readPaymentsEnv(env, problems);
  const billing = readBillingEnv(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const database = parseDatabaseUrl(c.DATABASE_URL, baseDir);
  if (c.CONTROLLER_MODE === 'shared' && database.engine !== 'postgres')
    throw new ConfigError([
      'CONTROLLER_MODE: shared needs a PostgreSQL DATABASE_URL (several servers cannot share a SQLite file); leave it unset for one server',
    ]);
  return {
    port: c.PORT as number,
    bind: c.BIND,
    database,
    databaseFile: database.engine === 'sqlite' ? database.file : '',
    dataDir: fromProject(c.DATA_DIR, baseDir),
    backup: {
      dir: c.BACKUP_DIR
        ? fromProject(c.BACKUP_DIR, baseDir)
        : path.join(fromProject(c.DATA_DIR, baseDir), 'backups'),
      everySeconds: c.BACKUP_EVERY,
      keep: c.BACKUP_KEEP as number,
      format: c.BACKUP_FORMAT as 'auto' | 'export',
    },
    router: {
      simulated: c.ROUTER_HOST === '',
      host: c.ROUTER_HOST === '' ? '127.0.0.1' : c.ROUTER_HOST,
      // api-ssl listens on 8729; node-routeros would otherwise silently keep 8728
      // (docs/routeros.md "API-SSL port").
      port: c.ROUTER_PORT ?? (c.ROUTER_TLS ? 8729 : 8728),
      user: c.ROUTER_USER,
      password: c.ROUTER_PASSWORD,
      tls: c.ROUTER_TLS,
      timeoutSeconds: c.ROUTER_TIMEOUT_SECONDS as number,
    },
    simulatorPort: c.SIMULATOR_PORT as number,
    demoDevices: c.DEMO_DEVICES as number,
    hotspotServer: c.HOTSPOT_SERVER,
    hotspotUserProfile: c.HOTSPOT_USER_PROFILE,
    usagePollSeconds: c.USAGE_POLL_SECONDS as number,
    fupWatch: { enabled: c.FUP_WATCH as boolean, seconds: c.FUP_WATCH_SECONDS as number },
    clockStart: c.CLOCK_START as number | undefined,
    admin: {
      username: c.ADMIN_USERNAME,
      password: c.ADMIN_PASSWORD,
      apiToken: c.ADMIN_API_TOKEN,
      allow: c.ADMIN_ALLOW,
      sessionSecret: c.SESSION_SECRET,
      cookieSecure: c.COOKIE_SECURE === 'auto' ? 'auto' : c.COOKIE_SECURE === 'true',
    },
    metricsToken: c.METRICS_TOKEN,
    credentialsKey: c.CREDENTIALS_KEY === undefined ? undefined : parseKey(c.CREDENTIALS_KEY),
    profilesFile: fromProject(c.PROFILES_FILE, baseDir),
    portalUrl: c.PORTAL_URL,
    hotspotLoginUrl: c.HOTSPOT_LOGIN_URL,
    wifiName: c.WIFI_NAME,
    tz: c.TZ,
    notify,
    payments,
    billing,
    logLevel: c.LOG_LEVEL,
    logFormat: c.LOG_FORMAT as AppConfig['logFormat'],
    nodeEnv: c.NODE_ENV,
    controllerMode: c.CONTROLLER_MODE as AppConfig['controllerMode'],
  };
}

/** The effective configuration with secrets masked, for logs and the CLI's "show configuration". */
export function describeConfig(c: AppConfig): Record<string, string> {
  const mask = (v?: string) => (v ? '********' : '(not set)');
  return {
    PORT: String(c.port),
    BIND: c.bind,
    DATABASE_URL: c.database.shown,
    ROUTER_HOST: c.router.simulated ? '(empty: built-in simulated router)' : c.router.host,
    ROUTER_PORT: String(c.router.port),
    ROUTER_USER: c.router.user,
    ROUTER_PASSWORD: mask(c.router.password),
    ROUTER_TLS: String(c.router.tls),
    ROUTER_TIMEOUT_SECONDS: String(c.router.timeoutSeconds),
    SIMULATOR_PORT: c.router.simulated
      ? `${c.simulatorPort} (the demo router's API port on 127.0.0.1)`
      : `${c.simulatorPort} (not used: ROUTER_HOST is set)`,
    HOTSPOT_SERVER: c.hotspotServer,
    HOTSPOT_USER_PROFILE: c.hotspotUserProfile,
    USAGE_POLL_SECONDS: String(c.usagePollSeconds),
    FUP_WATCH: c.fupWatch.enabled ? 'on' : 'off',
    FUP_WATCH_SECONDS: String(c.fupWatch.seconds),
    CLOCK_START:
      c.clockStart === undefined ? '(not set: the real time)' : new Date(c.clockStart).toISOString(),
    CONTROLLER_MODE: c.controllerMode,
    ADMIN_USERNAME: c.admin.username,
    ADMIN_PASSWORD: mask(c.admin.password),
    ADMIN_API_TOKEN: mask(c.admin.apiToken),
    METRICS_TOKEN: mask(c.metricsToken),
    ADMIN_ALLOW: c.admin.allow.join(',') || '(empty: allow all)',
    SESSION_SECRET: mask(c.admin.sessionSecret),
    CREDENTIALS_KEY: c.credentialsKey ? '********' : "(not set: the data folder's credentials.key)",
    HOTSPOT_LOGIN_URL: c.hotspotLoginUrl || "(empty: the router's hotspot dns-name)",
    WIFI_NAME: c.wifiName || '(empty: the shop name)',
    PROFILES_FILE: c.profilesFile,
    ...describeBackupConfig(c.backup),
    TZ: c.tz,
    ...describeNotifyConfig(c.notify),
    ...describePaymentsConfig(c.payments, fakesPaymongo(c)),
    ...describeBillingConfig(c.billing),
  };
}
