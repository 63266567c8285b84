/**
 * `sudo npx pisonet service install|uninstall`: the server as a systemd service on a Debian or Raspberry Pi OS
 * box. Install: a system user, the data folder, a first `.env` with random secrets (the admin password shown
 * once; an existing .env is kept), backups on, the unit (src/config/service-unit.ts), enabled and started.
 * Uninstall: stops and removes the unit only; the data folder, .env and user stay.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src/domain/errors';
import { firstEnv, serviceUnit } from '../../src/config/service-unit';
import { PROJECT_ROOT } from '../../src/lib/paths';
import { out } from '../lib/ansi';
import { parseCommand, usageError } from '../lib/args';
import { CommandDef, print } from './shared';

const UNIT_FILE = '/etc/systemd/system/pisonet.service';
const USAGE = `Usage: sudo npx pisonet service install [--user NAME]
       sudo npx pisonet service uninstall

install: runs PisoNet Manager as a systemd service from this folder: a system user (default "pisonet"), the
data folder, a first .env with random secrets (the admin password is printed once; an existing .env is kept),
daily backups, and ${UNIT_FILE} (Restart=on-failure), enabled and started. Run \`npm ci\` first (it compiles).
uninstall: stops the service and removes the unit; the data, .env and the user stay.`;

const run = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' });

function requireRoot(): void {
  if (process.getuid?.() !== 0) throw usageError('run it with sudo: sudo npx pisonet service …', USAGE);
}

function install(user: string): number {
  requireRoot();
  const dir = PROJECT_ROOT;
  if (!fs.existsSync(path.join(dir, 'dist', 'src', 'main.js')))
    throw usageError('the compiled program is missing: run `npm ci` in this folder first', USAGE);
  try {
    run('id', ['-u', user]);
  } catch {
    run('useradd', ['--system', '--home-dir', dir, '--shell', '/usr/sbin/nologin', user]);
    print(`user ${user} created`);
  }
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  const envFile = path.join(dir, '.env');
  let password: string | undefined;
  if (!fs.existsSync(envFile)) {
    password = randomBytes(12).toString('base64url');
    fs.writeFileSync(
      envFile,
      firstEnv({
        adminPassword: password,
        sessionSecret: randomBytes(32).toString('hex'),
        apiToken: randomBytes(24).toString('hex'),
        credentialsKey: randomBytes(32).toString('base64'),
        dataDir,
      }),
      { mode: 0o600 },
    );
  }
  run('chown', ['-R', `${user}:${user}`, dataDir]);
  run('chown', [`${user}:${user}`, envFile]);
  fs.chmodSync(envFile, 0o600);
  // The password is shown before systemd is asked anything: a step that fails below must not lose it.
  if (password)
    print(
      `Admin login: admin / ${out.bold(password)}  (shown this once; it is in ${envFile} until you change it)`,
    );
  else print(`${envFile} was kept as it was.`);
  fs.writeFileSync(UNIT_FILE, serviceUnit({ dir, user, node: process.execPath }));
  verifyUnit();
  const left =
    'once systemd runs this box, start it with: sudo systemctl daemon-reload && sudo systemctl enable --now pisonet';
  const written = `${UNIT_FILE} is written, with the user, ${dataDir} and ${envFile}`;
  if (!systemdRuns())
    throw new AppError(
      'SERVICE_NOT_STARTED',
      `systemd is not this box's init (no /run/systemd/system). ${written}; ${left}`,
      500,
    );
  systemctl(['daemon-reload'], `${written}; ${left}`);
  systemctl(
    ['enable', '--now', 'pisonet'],
    `${UNIT_FILE} is written and loaded; see: sudo systemctl status pisonet`,
  );
  print(
    out.green(
      `PisoNet Manager runs as the service "pisonet" (${UNIT_FILE}), data in ${dataDir}, backups daily.`,
    ),
  );
  print(`Next: fill in the router in ${envFile}, sudo systemctl restart pisonet, then npx pisonet doctor.`);
  return 0;
}

/** Whether systemd is this box's init (what sd_booted() checks): a container or another init has no such folder. */
const systemdRuns = (): boolean => fs.existsSync('/run/systemd/system');

/** `systemd-analyze verify` on our unit; only what it says of ours is shown (it also checks the units installed). */
function verifyUnit(): void {
  const ours = (text: string) =>
    text
      .split('\n')
      .filter((l) => l.includes(path.basename(UNIT_FILE)))
      .join('\n');
  try {
    const said = execFileSync('systemd-analyze', ['verify', UNIT_FILE], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (ours(said)) print(ours(said));
  } catch (err) {
    const said = ours(String((err as { stderr?: string }).stderr ?? '')) || (err as Error).message;
    throw new AppError('SERVICE_NOT_STARTED', `systemd-analyze verify refused ${UNIT_FILE}: ${said}`, 500);
  }
}

/**
 * systemctl, or a clear error naming what is already in place and what is left: a box (or container) whose init
 * is not systemd cannot take the service, and the operator must know the rest of the install stands.
 */
function systemctl(args: string[], done: string): void {
  try {
    execFileSync('systemctl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const said = String((err as { stderr?: string }).stderr ?? (err as Error).message)
      .split('\n')
      .find((l) => l.trim() !== '');
    throw new AppError(
      'SERVICE_NOT_STARTED',
      `systemctl ${args.join(' ')} failed: ${said?.trim().replace(/\.$/, '') ?? 'no reason given'}. ${done}`,
      500,
    );
  }
}

function uninstall(): number {
  requireRoot();
  if (fs.existsSync(UNIT_FILE)) {
    // Without systemd as init nothing can be running from the unit: removing the file is all there is to do.
    if (systemdRuns()) systemctl(['disable', '--now', 'pisonet'], 'nothing was removed');
    fs.rmSync(UNIT_FILE);
    if (systemdRuns()) systemctl(['daemon-reload'], `${UNIT_FILE} is removed`);
  }
  print(out.green('The service is removed. The data folder, .env and the user are kept.'));
  return 0;
}

const installCommand: CommandDef = {
  name: 'service install',
  summary: 'run the server as a systemd service: user, data folder, .env with random secrets, backups (sudo)',
  usage: USAGE,
  async run(args) {
    const { values } = parseCommand(args, { user: { type: 'string' } }, USAGE, { min: 0, max: 0 });
    const user = typeof values.user === 'string' ? values.user : 'pisonet';
    if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) throw usageError(`not a user name: ${user}`, USAGE);
    return install(user);
  },
};

const uninstallCommand: CommandDef = {
  name: 'service uninstall',
  summary: 'stop and remove the systemd service; the data, .env and user stay (sudo)',
  usage: USAGE,
  async run(args) {
    parseCommand(args, {}, USAGE, { min: 0, max: 0 });
    return uninstall();
  },
};

export const serviceCommands = [installCommand, uninstallCommand];
