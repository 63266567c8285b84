/**
 * npm's `prepare` (scripts/prepare.js) compiles only when dist/ is missing or older than the sources, and never for
 * `npx pisonet`, whose first call npm makes install this folder into its cache and so run `prepare`: that compile
 * made the first call 8 times slower than the next. Run on a copy of the scripts in a folder of its own, with a
 * stand-in for npm that notes what it was asked.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectPath } from '../../src/lib/paths';

let dir: string;
const noted = () => path.join(dir, 'npm-was-asked');

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-prepare-'));
  fs.mkdirSync(path.join(dir, 'scripts'));
  for (const f of ['prepare.js', 'dist-state.js'])
    fs.copyFileSync(projectPath('scripts', f), path.join(dir, 'scripts', f));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'src', 'main.ts'), 'export {};\n');
  fs.writeFileSync(
    path.join(dir, 'fake-npm.js'),
    `require('fs').appendFileSync(${JSON.stringify(noted())}, process.argv.slice(2).join(' ') + '\\n');\n`,
  );
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** What `npm run build` leaves: tsc's files, then the terminal's bundle (scripts/bundle-cli.js). */
const BUILT = ['dist/.tsbuildinfo', 'dist/src/main.js', 'dist/cli/bundle.js'];

/** dist/ built at `builtAt` (seconds since the epoch), the sources last changed at `changedAt`. */
function built(builtAt: number, changedAt: number, files = BUILT) {
  fs.mkdirSync(path.join(dir, 'dist', 'src'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'dist', 'cli'), { recursive: true });
  for (const f of files) {
    fs.writeFileSync(path.join(dir, f), '');
    fs.utimesSync(path.join(dir, f), builtAt, builtAt);
  }
  fs.utimesSync(path.join(dir, 'src', 'main.ts'), changedAt, changedAt);
}

function prepare(npmCommand: string): Promise<{ code: number; stderr: string; npm: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(dir, 'scripts', 'prepare.js')],
      {
        env: { PATH: process.env.PATH, npm_command: npmCommand, npm_execpath: path.join(dir, 'fake-npm.js') },
      },
      (err, _stdout, stderr) =>
        resolve({
          code: err ? Number(err.code ?? 1) : 0,
          stderr,
          npm: fs.existsSync(noted()) ? fs.readFileSync(noted(), 'utf8') : '',
        }),
    );
  });
}

describe('npm prepare', () => {
  it('is the script, not an unconditional build', () => {
    const pkg = JSON.parse(fs.readFileSync(projectPath('package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.prepare).toBe('node scripts/prepare.js');
  });

  it('npm install or ci without dist/, or with sources newer than dist/: compiles', async () => {
    await expect(prepare('install')).resolves.toEqual({ code: 0, stderr: '', npm: 'run build\n' });
    fs.rmSync(noted());
    built(1_700_000_000, 1_700_000_500);
    await expect(prepare('ci')).resolves.toMatchObject({ code: 0, npm: 'run build\n' });
  });

  it('a build stopped before its bundle: compiles again', async () => {
    built(1_700_000_500, 1_700_000_000, BUILT.slice(0, 2));
    await expect(prepare('install')).resolves.toEqual({ code: 0, stderr: '', npm: 'run build\n' });
  });

  it('dist/ current: nothing compiled, whoever asks', async () => {
    built(1_700_000_500, 1_700_000_000);
    for (const command of ['install', 'ci', 'exec'])
      await expect(prepare(command)).resolves.toEqual({ code: 0, stderr: '', npm: '' });
  });

  it('npx (npm exec) installing this folder: nothing compiled, even with dist/ missing or stale', async () => {
    const missing = await prepare('exec');
    expect(missing).toMatchObject({ code: 0, npm: '' });
    expect(missing.stderr).toContain('dist/ is missing: not compiled for npx');
    built(1_700_000_000, 1_700_000_500);
    await expect(prepare('exec')).resolves.toMatchObject({ code: 0, npm: '' });
  });
});
