/**
 * What the terminal says when something outside it is wrong, run as an operator runs it: the database out of
 * reach is one sentence the owner can act on, with its own exit code; a reader that stops early
 * (`pisonet backup | head -1`) gets its line and no EPIPE stack.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectPath } from '../../src/lib/paths';

jest.setTimeout(120_000);

const BIN = path.join(projectPath(), 'cli', 'pisonet.js');
let dir: string;

function run(
  command: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      '/bin/sh',
      ['-c', command],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 90_000 },
      (err, stdout, stderr) => {
        const code = err ? Number((err as NodeJS.ErrnoException).code ?? 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-owner-messages-'));
  fs.copyFileSync(projectPath('profiles.json'), path.join(dir, 'profiles.json'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const base = () => ({
  DATA_DIR: dir,
  PROFILES_FILE: path.join(dir, 'profiles.json'),
  LOG_LEVEL: 'silent',
  TZ: 'Asia/Manila',
});

test('the database out of reach: one sentence saying what to check, exit code 4, nothing to report', async () => {
  const r = await run(`node ${BIN} vouchers list`, {
    ...base(),
    DATABASE_URL: 'postgres://pisonet:secret@127.0.0.1:1/pisonet',
  });
  expect(r.code).toBe(4);
  expect(r.stderr.trim().split('\n')).toEqual([
    expect.stringMatching(
      /^error: The database is not reachable \(postgres:\/\/pisonet:\*\*\*@127\.0\.0\.1:1\/pisonet: .*\)\. Nothing was changed\. Check that the PostgreSQL server is running and that DATABASE_URL in \.env names it\. \(DATABASE_UNREACHABLE\)$/,
    ),
  ]);
  expect(r.stderr).not.toMatch(/report it|INTERNAL|Acquire connection|secret/);
});

test('pisonet backup | head -1: the first line, the backup made, no EPIPE stack', async () => {
  const env = { ...base(), DATABASE_URL: `sqlite:${path.join(dir, 'shop.sqlite')}` };
  expect((await run(`node ${BIN} vouchers list`, env)).code).toBe(0);
  const r = await run(`node ${BIN} backup | head -1`, env);
  expect(r.stdout).toMatch(/^Backup made: .*\.backup\n$/);
  expect(r.stderr).toBe('');
  expect(fs.readdirSync(path.join(dir, 'backups'))).toHaveLength(1);
});
