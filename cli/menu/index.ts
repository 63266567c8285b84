import { databaseLabel } from '../../src/config/database-url';
import { out } from '../lib/ansi';
import { terminalWidth, truncate } from '../lib/table';
import { openCliCore, type CliCore } from '../lib/context';
import { captureConsole, displayPath } from '../lib/log';
import { menuLoop, say, showError } from './prompts';
import { profilesMenu } from './profiles';
import { reportsMenu, settingsMenu } from './settings';
import { activeUsersMenu, bandwidthMenu } from './users';
import { statusText } from '../commands/site-table';
import { sitesMenu } from './sites';
import { vendosMenu } from './vendos';
import { subscribersMenu } from './subscribers';
import { vouchersMenu } from './vouchers';
import { routerMenu } from './router';

function banner(core: CliCore): string {
  const r = core.config.router;
  const router = r.simulated
    ? `simulated router on 127.0.0.1:${core.config.simulatorPort}`
    : `${r.host}:${r.port}`;
  const width = terminalWidth();
  const logs = core.logs.file ? displayPath(core.logs.file) : `off (${core.logs.off})`;
  return [
    out.bold('PisoNet Manager'),
    out.dim(truncate(`router ${router} · database ${databaseLabel(core.config.database)}`, width)),
    out.dim(truncate(`logs ${logs}`, width)),
  ].join('\n');
}

/**
 * The router's state, drawn above the main menu each time it comes back: what a log line would have
 * said, in one line that belongs to the screen. When the router is away it points at the log file,
 * where the details (every failed attempt, with its reason) are; on a line of its own when both do not fit.
 */
function routerStatusLine(core: CliCore, width = terminalWidth()): string {
  const s = core.router.status;
  // Safe mode (src/services/network/router-binding/index.ts): this database does not know the router; nothing is written to it.
  if (s.connected && core.services.routerBinding.state().mode === 'safe')
    return out.yellow(
      truncate(
        `router: ${s.identity ?? core.config.router.host} · SAFE MODE: nothing is written to it; adopt it under Sites (8)`,
        width,
      ),
    );
  if (s.connected)
    return out.green(truncate(`router: connected · ${s.identity ?? core.config.router.host}`, width));
  let state = 'connecting…';
  if (s.lastError) {
    const what = s.lastErrorCode === 'ROUTER_LOGIN_FAILED' ? 'login refused' : 'not reachable';
    // "Router not reachable (connect): Connection refused." would say "not reachable" twice on this line.
    const error = s.lastError.replace(/^Router not reachable(?: \([^)]*\))?:\s*/, '');
    state = `${what} (last error: ${error})`;
  }
  const line = `router: ${state}`;
  const logs = core.logs.file ? `logs: ${displayPath(core.logs.file)}` : '';
  if (!logs) return out.yellow(truncate(line, width));
  const oneLine = `${line} — ${logs}`;
  if ([...oneLine].length <= width) return out.yellow(oneLine);
  return `${out.yellow(truncate(line, width))}\n${out.dim(truncate(`  ${logs}`, width))}`;
}

/**
 * With more than one site, the other routers under the .env router's line: how many sites are online and which
 * are not, as the server last read them (the terminal polls none of them); '' with one site. Like the admin
 * dashboard's Routers tile, so a branch that is down shows where the operator starts.
 */
async function sitesStatusLine(core: CliCore, width = terminalWidth()): Promise<string> {
  const others = await core.services.sites.statuses({ defaultSite: false });
  if (others.length === 0) return '';
  // The .env router as the line above says it (this process's own connection), without waiting for it.
  const away = others
    .map((s) => ({ name: s.name, state: statusText(s.status) }))
    .filter((s) => s.state !== 'online');
  if (!core.router.status.connected) away.unshift({ name: 'default', state: 'offline' });
  const total = others.length + 1;
  const head = `sites: ${total - away.length} of ${total} online`;
  if (away.length === 0) return out.green(truncate(head, width));
  return out.yellow(truncate(`${head} · ${away.map((s) => `${s.name} ${s.state}`).join(', ')}`, width));
}

/** The interactive menu. Ctrl-C in a submenu goes back; at the main menu it exits. */
export async function runMenu(): Promise<number> {
  let core: CliCore;
  try {
    core = await openCliCore();
  } catch (e) {
    showError(e);
    return 1;
  }
  // Ctrl-C while an action (not a prompt) is running: close the database cleanly, then leave.
  const onSigint = () => void core.close().finally(() => process.exit(130));
  process.on('SIGINT', onSigint);
  const restoreConsole = captureConsole(core.log);
  try {
    say(banner(core));
    // A router that answers within a moment shows as connected on the first drawing, not "connecting…".
    await core.router.waitConnected(Math.min(2000, core.config.router.timeoutSeconds * 1000));
    await menuLoop(
      'Main menu',
      [
        { key: '1', name: 'Vouchers', run: () => vouchersMenu(core) },
        { key: '2', name: 'Active users', run: () => activeUsersMenu(core) },
        { key: '3', name: 'Profiles', run: () => profilesMenu(core) },
        { key: '4', name: 'Bandwidth Control', run: () => bandwidthMenu(core) },
        { key: '5', name: 'Reports', run: () => reportsMenu(core) },
        { key: '6', name: 'Settings', run: () => settingsMenu(core) },
        { key: '7', name: 'Coin vendos', run: () => vendosMenu(core) },
        { key: '8', name: 'Sites (routers)', run: () => sitesMenu(core) },
        { key: '9', name: 'Router (hosts, leases, log, resources, reboot)', run: () => routerMenu(core) },
        {
          key: 's',
          name: 'Subscribers and billing (invoices, payments, billing run)',
          run: () => subscribersMenu(core),
        },
      ],
      'Exit',
      {
        beforeDraw: async () => {
          // Whether this database knows the router: one check per connection (then cached), as before a write.
          if (core.router.status.connected) await core.services.routerBinding.ready().catch(() => false);
          say(routerStatusLine(core));
          const sites = await sitesStatusLine(core).catch(() => '');
          if (sites) say(sites);
        },
      },
    );
    say('Bye.');
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    await core.close();
    restoreConsole();
  }
}
