/**
 * `pisonet service install|uninstall` on a box (cli/commands/service.ts). Install checks everything first (root,
 * the compiled program in the folder, systemd as the box's init, the unit accepted by `systemd-analyze verify`)
 * and changes nothing when a check fails. Then: a system user, the data folder, a first `.env` with random
 * secrets, both handed to the user, the unit, enabled and started; and a record of what it made
 * (`/etc/pisonet/service-install.json`), so uninstall removes exactly that: the unit, the user it created, the
 * record, and gives the data folder and `.env` back to their owners before. The data and `.env` themselves stay:
 * they are the shop (its sales, and the keys that open the database's sealed secrets).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../src/domain/errors';
import { firstEnv, serviceUnit } from '../../src/config/service-unit';

/** What install and uninstall touch: the real box, or a folder and a recorder in tests. */
export interface ServiceBox {
  /** `/` on the box; every system path (the unit, systemd's marker, the record) is under it. */
  root: string;
  /** The folder the program runs from (the project). */
  dir: string;
  uid: number;
  node: string;
  /** Runs a program; throws (with `stderr`) when it fails. */
  run(cmd: string, args: string[]): string;
  say(line: string): void;
}

interface InstallRecord {
  user: string;
  userCreated: boolean;
  dataDir: string;
  dataDirCreated: boolean;
  envFile: string;
  envWritten: boolean;
  /** `uid:gid` of the data folder and `.env` before install handed them to the user. */
  ownersBefore: { dataDir: string; envFile: string };
}

const paths = (box: ServiceBox) => ({
  unit: path.join(box.root, 'etc/systemd/system/pisonet.service'),
  systemd: path.join(box.root, 'run/systemd/system'),
  record: path.join(box.root, 'etc/pisonet/service-install.json'),
  dataDir: path.join(box.dir, 'data'),
  envFile: path.join(box.dir, '.env'),
});

class ServiceRefused extends AppError {
  constructor(message: string) {
    super('SERVICE_NOT_STARTED', `${message}. Nothing was changed.`, 500);
  }
}

const said = (err: unknown) =>
  String((err as { stderr?: string }).stderr || (err as Error).message)
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim() ?? 'no reason given';

const ownerOf = (file: string, fallback: string) => {
  if (!fs.existsSync(file)) return fallback;
  const s = fs.statSync(file);
  return `${s.uid}:${s.gid}`;
};

/** Every check install needs, none of which changes the box. */
function checkInstall(box: ServiceBox, user: string): string {
  const p = paths(box);
  if (box.uid !== 0) throw new ServiceRefused('run it with sudo: sudo npx pisonet service install');
  if (!fs.existsSync(path.join(box.dir, 'dist', 'src', 'main.js')))
    throw new ServiceRefused(`the compiled program is missing in ${box.dir}: run \`npm ci\` there first`);
  // What sd_booted() checks: a container or another init has no such folder.
  if (!fs.existsSync(p.systemd))
    throw new ServiceRefused(
      "systemd is not this box's init (no /run/systemd/system), so it cannot run the service",
    );
  const unit = serviceUnit({ dir: box.dir, user, node: box.node });
  // The unit is verified from a scratch folder before it is put in place.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-unit-'));
  try {
    const file = path.join(scratch, 'pisonet.service');
    fs.writeFileSync(file, unit);
    try {
      box.run('systemd-analyze', ['verify', file]);
    } catch (err) {
      throw new ServiceRefused(`systemd-analyze verify refused the unit: ${said(err)}`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return unit;
}

export function installService(box: ServiceBox, user: string): void {
  const unit = checkInstall(box, user);
  const p = paths(box);
  const folderOwner = ownerOf(box.dir, '0:0');
  const record: InstallRecord = {
    user,
    userCreated: false,
    dataDir: p.dataDir,
    dataDirCreated: !fs.existsSync(p.dataDir),
    envFile: p.envFile,
    envWritten: !fs.existsSync(p.envFile),
    ownersBefore: { dataDir: ownerOf(p.dataDir, folderOwner), envFile: ownerOf(p.envFile, folderOwner) },
  };
  try {
    box.run('id', ['-u', user]);
  } catch {
    box.run('useradd', ['--system', '--home-dir', box.dir, '--shell', '/usr/sbin/nologin', user]);
    record.userCreated = true;
    box.say(`user ${user} created`);
  }
  fs.mkdirSync(p.dataDir, { recursive: true });
  let password: string | undefined;
  if (record.envWritten) {
    password = randomBytes(12).toString('base64url');
    fs.writeFileSync(
      p.envFile,
      firstEnv({
        adminPassword: password,
        sessionSecret: randomBytes(32).toString('hex'),
        apiToken: randomBytes(24).toString('hex'),
        credentialsKey: randomBytes(32).toString('base64'),
        dataDir: p.dataDir,
      }),
      { mode: 0o600 },
    );
  }
  box.run('chown', ['-R', `${user}:${user}`, p.dataDir]);
  box.run('chown', [`${user}:${user}`, p.envFile]);
  fs.chmodSync(p.envFile, 0o600);
  fs.mkdirSync(path.dirname(p.record), { recursive: true });
  fs.writeFileSync(p.record, JSON.stringify(record, null, 2), { mode: 0o600 });
  fs.writeFileSync(p.unit, unit);
  // The password is shown before systemd is asked anything: a step that fails below must not lose it.
  if (password)
    box.say(`Admin login: admin / ${password}  (shown this once; it is in ${p.envFile} until you change it)`);
  else box.say(`${p.envFile} was kept as it was.`);
  const undo = 'sudo npx pisonet service uninstall removes what was made';
  systemctl(box, ['daemon-reload'], `${p.unit} is written; ${undo}`);
  systemctl(
    box,
    ['enable', '--now', 'pisonet'],
    `${p.unit} is written and loaded; see: sudo systemctl status pisonet`,
  );
}

/** Removes what install made (its record says what), keeping the data folder and `.env`. */
export function uninstallService(box: ServiceBox): string[] {
  if (box.uid !== 0) throw new ServiceRefused('run it with sudo: sudo npx pisonet service uninstall');
  const p = paths(box);
  const systemd = fs.existsSync(p.systemd);
  const removed: string[] = [];
  if (fs.existsSync(p.unit)) {
    // Without systemd as init nothing can be running from the unit: removing the file is all there is to do.
    if (systemd) systemctl(box, ['disable', '--now', 'pisonet'], 'nothing was removed');
    fs.rmSync(p.unit);
    removed.push(p.unit);
    if (systemd) systemctl(box, ['daemon-reload'], `${p.unit} is removed`);
  }
  if (fs.existsSync(p.record)) {
    const r = JSON.parse(fs.readFileSync(p.record, 'utf8')) as InstallRecord;
    if (fs.existsSync(r.dataDir)) box.run('chown', ['-R', r.ownersBefore.dataDir, r.dataDir]);
    if (fs.existsSync(r.envFile)) box.run('chown', [r.ownersBefore.envFile, r.envFile]);
    if (r.userCreated) {
      box.run('userdel', [r.user]);
      removed.push(`user ${r.user}`);
    }
    fs.rmSync(p.record);
    if (fs.readdirSync(path.dirname(p.record)).length === 0) fs.rmdirSync(path.dirname(p.record));
    removed.push(p.record);
  }
  return removed;
}

/**
 * systemctl, or a clear error naming what is already in place and what is left: the operator must know what
 * stands when systemd refuses a step after the checks passed.
 */
function systemctl(box: ServiceBox, args: string[], done: string): void {
  try {
    box.run('systemctl', args);
  } catch (err) {
    throw new AppError(
      'SERVICE_NOT_STARTED',
      `systemctl ${args.join(' ')} failed: ${said(err).replace(/\.$/, '')}. ${done}`,
      500,
    );
  }
}
