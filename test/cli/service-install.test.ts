/**
 * `pisonet service install` checks before it changes anything, and `service uninstall` removes what install made.
 * The box is a temporary folder (its own /etc and /run) and a recorder of the programs run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installService, uninstallService, type ServiceBox } from '../../cli/lib/service-install';

let root: string;
let calls: string[];
let users: Set<string>;

/** Every file and folder under the box, so a test can say "nothing changed". */
function tree(dir = root): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? [`${p}/`, ...tree(p)] : [p];
  });
}

function box(opts: { uid?: number } = {}): ServiceBox {
  return {
    root,
    dir: path.join(root, 'opt/pisonet'),
    uid: opts.uid ?? 0,
    node: '/usr/bin/node',
    run(cmd, args) {
      calls.push([cmd, ...args].join(' '));
      if (cmd === 'id' && !users.has(args[1]))
        throw Object.assign(new Error('no such user'), { stderr: 'no such user' });
      if (cmd === 'useradd') users.add(args.at(-1)!);
      if (cmd === 'userdel') users.delete(args[0]);
      return '';
    },
    say: () => undefined,
  };
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-box-'));
  fs.mkdirSync(path.join(root, 'opt/pisonet/dist/src'), { recursive: true });
  fs.writeFileSync(path.join(root, 'opt/pisonet/dist/src/main.js'), '');
  fs.mkdirSync(path.join(root, 'etc/systemd/system'), { recursive: true });
  calls = [];
  users = new Set();
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const withSystemd = () => fs.mkdirSync(path.join(root, 'run/systemd/system'), { recursive: true });

test('on a box without systemd: refused, and nothing is changed (no user, no unit, no data, no .env)', () => {
  const before = tree();
  expect(() => installService(box(), 'pisonet')).toThrow(
    /systemd is not this box's init.*Nothing was changed/,
  );
  expect(tree()).toEqual(before);
  expect(calls).toEqual([]);
  expect(users.size).toBe(0);
});

test('without root, or without the compiled program: refused before any change', () => {
  withSystemd();
  const before = tree();
  expect(() => installService(box({ uid: 1000 }), 'pisonet')).toThrow(/sudo.*Nothing was changed/);
  fs.rmSync(path.join(root, 'opt/pisonet/dist'), { recursive: true });
  const without = tree();
  expect(() => installService(box(), 'pisonet')).toThrow(/npm ci.*Nothing was changed/);
  expect(tree()).toEqual(without);
  expect(before.length).toBeGreaterThan(without.length);
  expect(calls).toEqual([]);
});

test('a unit systemd-analyze refuses: nothing is changed', () => {
  withSystemd();
  const b = box();
  const run = b.run;
  b.run = (cmd, args) => {
    if (cmd === 'systemd-analyze')
      throw Object.assign(new Error('bad'), { stderr: 'pisonet.service: bad line' });
    return run(cmd, args);
  };
  const before = tree();
  expect(() => installService(b, 'pisonet')).toThrow(/verify refused the unit: pisonet.service: bad line/);
  expect(tree()).toEqual(before);
  expect(calls).toEqual([]);
});

test('install on a systemd box, then uninstall: what install made is gone, the data and .env stay', () => {
  withSystemd();
  const before = tree();
  installService(box(), 'pisonet');
  const unit = path.join(root, 'etc/systemd/system/pisonet.service');
  expect(fs.readFileSync(unit, 'utf8')).toContain('User=pisonet');
  expect(fs.existsSync(path.join(root, 'opt/pisonet/.env'))).toBe(true);
  expect(users.has('pisonet')).toBe(true);
  expect(calls).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^systemd-analyze verify /),
      expect.stringMatching(/^useradd --system/),
      'systemctl daemon-reload',
      'systemctl enable --now pisonet',
    ]),
  );
  calls = [];
  uninstallService(box());
  expect(users.has('pisonet')).toBe(false);
  expect(calls).toEqual([
    'systemctl disable --now pisonet',
    'systemctl daemon-reload',
    expect.stringMatching(/^chown -R \d+:\d+ .*\/opt\/pisonet\/data$/),
    expect.stringMatching(/^chown \d+:\d+ .*\/opt\/pisonet\/\.env$/),
    'userdel pisonet',
  ]);
  // Left: what was there before, plus the shop's data folder and .env.
  const added = tree().filter((p) => !before.includes(p));
  expect(added.sort()).toEqual(
    [path.join(root, 'opt/pisonet/.env'), path.join(root, 'opt/pisonet/data/')].sort(),
  );
});

test('a user that existed before install is not removed by uninstall', () => {
  withSystemd();
  users.add('pisonet');
  installService(box(), 'pisonet');
  expect(calls.some((c) => c.startsWith('useradd'))).toBe(false);
  uninstallService(box());
  expect(users.has('pisonet')).toBe(true);
  expect(calls.some((c) => c.startsWith('userdel'))).toBe(false);
});

test('uninstall where nothing was installed removes nothing and says so (an empty list)', () => {
  withSystemd();
  expect(uninstallService(box())).toEqual([]);
  expect(calls.filter((c) => c.startsWith('systemctl') || c.startsWith('userdel'))).toEqual([]);
});
