/**
 * The demo as an owner runs it from a data folder: `pisonet` commands in a child process beside (or without) the
 * server, on the folder's database and its simulated router (SIMULATOR_PORT, fixed so both find it).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectPath } from '../../src/lib/paths';
import { freePort } from './ports';

const ROOT = projectPath();
const BIN = path.join(ROOT, 'cli', 'pisonet.js');

/** A demo's environment on the folder `dir` (its profiles.json copied there), for the server and the terminal. */
export async function demoEnv(dir: string): Promise<Record<string, string>> {
  fs.copyFileSync(projectPath('profiles.json'), path.join(dir, 'profiles.json'));
  return {
    ROUTER_HOST: '',
    SIMULATOR_PORT: String(await freePort()),
    DATABASE_URL: `sqlite:${path.join(dir, 'demo.sqlite')}`,
    DATA_DIR: dir,
    PROFILES_FILE: path.join(dir, 'profiles.json'),
    PORT: String(await freePort()),
    BIND: '127.0.0.1',
    PORTAL_URL: 'http://10.5.50.2:5000',
    TZ: 'Asia/Manila',
    LOG_LEVEL: 'silent',
    ADMIN_PASSWORD: 'correct horse battery',
    SESSION_SECRET: 'test-session-secret-0123456789',
    COOKIE_SECURE: 'false',
  };
}

/** `pisonet ...args` with only `env` (and PATH, HOME) set; its exit code and output. */
export function demoCli(
  env: Record<string, string>,
  args: string[],
): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
        timeout: 60_000,
      },
      (err, stdout) => {
        const code = err ? Number((err as NodeJS.ErrnoException).code ?? 1) : 0;
        resolve({ code, stdout });
      },
    );
  });
}
