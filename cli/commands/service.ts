/**
 * `sudo npx pisonet service install|uninstall`: the server as a systemd service on a Debian or Raspberry Pi OS
 * box (cli/lib/service-install.ts). Install checks everything before it changes anything; uninstall removes what
 * install made, keeping the data folder and `.env`.
 */
import { execFileSync } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/lib/paths';
import { out } from '../lib/ansi';
import { parseCommand, usageError } from '../lib/args';
import { installService, uninstallService, type ServiceBox } from '../lib/service-install';
import { CommandDef, print } from './shared';

const UNIT_FILE = '/etc/systemd/system/pisonet.service';
const INSTALL_LINE = 'sudo npx pisonet service install [--user NAME]';
const UNINSTALL_LINE = 'sudo npx pisonet service uninstall';
const ABOUT = `install: runs PisoNet Manager as a systemd service from this folder: a system user (default "pisonet"), the
data folder, a first .env with random secrets (the admin password is printed once; an existing .env is kept),
daily backups, and ${UNIT_FILE} (Restart=on-failure), enabled and started. Run \`npm ci\` first (it compiles).
It checks first (root, the compiled program, systemd as this box's init, the unit) and changes nothing when a
check fails.
uninstall: stops the service and removes what install made: the unit, the user it created; the data folder and
.env are kept, given back to their owners before.`;
/** Each command's usage starts with its own line (`pisonet service` lists those first lines). */
const USAGE = `Usage: ${INSTALL_LINE}\n       ${UNINSTALL_LINE}\n\n${ABOUT}`;
const UNINSTALL_USAGE = `Usage: ${UNINSTALL_LINE}\n       ${INSTALL_LINE}\n\n${ABOUT}`;

/** This machine. */
const thisBox = (): ServiceBox => ({
  root: '/',
  dir: PROJECT_ROOT,
  uid: process.getuid?.() ?? -1,
  node: process.execPath,
  run: (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  say: print,
});

const installCommand: CommandDef = {
  name: 'service install',
  summary: 'run the server as a systemd service: user, data folder, .env with random secrets, backups (sudo)',
  usage: USAGE,
  async run(args) {
    const { values } = parseCommand(args, { user: { type: 'string' } }, USAGE);
    const user = typeof values.user === 'string' ? values.user : 'pisonet';
    if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) throw usageError(`not a user name: ${user}`, USAGE);
    installService(thisBox(), user);
    print(
      out.green(
        `PisoNet Manager runs as the service "pisonet" (${UNIT_FILE}), data in ${PROJECT_ROOT}/data, backups daily.`,
      ),
    );
    print(
      `Next: fill in the router in ${PROJECT_ROOT}/.env, sudo systemctl restart pisonet, then npx pisonet doctor.`,
    );
    return 0;
  },
};

const uninstallCommand: CommandDef = {
  name: 'service uninstall',
  summary: 'stop and remove the systemd service and the user install made; the data and .env stay (sudo)',
  usage: UNINSTALL_USAGE,
  async run(args) {
    parseCommand(args, {}, UNINSTALL_USAGE);
    const removed = uninstallService(thisBox());
    if (!removed.length) {
      print('No PisoNet service is installed here; nothing was changed.');
      return 0;
    }
    print(`Removed: ${removed.join(', ')}.`);
    print(out.green('The service is removed. The data folder and .env are kept.'));
    return 0;
  },
};

export const serviceCommands = [installCommand, uninstallCommand];
