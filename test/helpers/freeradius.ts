/**
 * A throwaway FreeRADIUS for a test: its configuration written by the product's own command
 * (`pisonet radius freeradius-config`, on the harness's database and credentials key), started in the foreground
 * (`freeradius -f -d DIR -l stdout`) on free UDP ports, stopped by the test. Debian's freeradius package
 * (.ci/run installs it); `radiusAvailable` says whether this machine has it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Harness } from './harness';
import { runCli } from '../cli/helpers';

export const FREERADIUS = '/usr/sbin/freeradius';
export const RADCLIENT = '/usr/bin/radclient';
export const radiusAvailable = fs.existsSync(FREERADIUS) && fs.existsSync(RADCLIENT);

/** A UDP port nobody uses now on 127.0.0.1. */
export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface FreeRadius {
  dir: string;
  authPort: number;
  acctPort: number;
  /** What FreeRADIUS printed so far (its log). */
  output(): string;
  /** Writes the configuration again (sites changed) and restarts FreeRADIUS on the same ports. */
  restart(): Promise<void>;
  /** Stops (SIGSTOP) or continues (SIGCONT) the process: a FreeRADIUS slower than the router's timeout. */
  freeze(frozen: boolean): void;
  stop(): Promise<void>;
}

async function waitReady(child: ChildProcess, out: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (/Ready to process requests/.test(out())) return;
    if (child.exitCode !== null) throw new Error(`freeradius exited (${child.exitCode}):\n${out()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`freeradius did not start within 15 s:\n${out()}`);
}

/** Writes the configuration with the product's command, then starts FreeRADIUS on it. */
export async function startFreeRadius(h: Harness): Promise<FreeRadius> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-freeradius-'));
  const authPort = await freeUdpPort();
  let acctPort = await freeUdpPort();
  while (acctPort === authPort) acctPort = await freeUdpPort();
  let child: ChildProcess | undefined;
  let log = '';
  const write = async () => {
    const r = await runCli(h, [
      'radius',
      'freeradius-config',
      '--dir',
      dir,
      '--auth-port',
      String(authPort),
      '--acct-port',
      String(acctPort),
      '--address',
      '127.0.0.1',
    ]);
    if (r.code !== 0) throw new Error(`freeradius-config failed (${r.code}): ${r.stderr}`);
  };
  const start = async () => {
    log = '';
    child = spawn(FREERADIUS, ['-f', '-d', dir, '-l', 'stdout'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (b: Buffer) => (log += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
    await waitReady(child, () => log);
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([gone, new Promise((r) => (timer = setTimeout(r, 3000)))]);
    clearTimeout(timer); // a timer left running keeps jest from exiting
    if (c.exitCode === null) c.kill('SIGKILL');
  };
  await write();
  await start();
  return {
    dir,
    authPort,
    acctPort,
    output: () => log,
    async restart() {
      await stop();
      await write();
      await start();
    },
    freeze: (frozen) => void child?.kill(frozen ? 'SIGSTOP' : 'SIGCONT'),
    async stop() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What radclient got back: the reply's code and its attributes as radclient prints them. */
export interface RadclientReply {
  code: string;
  attributes: Record<string, string>;
  raw: string;
}

/**
 * One request through `radclient` (the reference client): `pairs` as radclient reads them (`User-Name = "x"`), sent
 * with a Message-Authenticator. Resolves with the reply's code and attributes (no reply: code 'none').
 */
export function radclient(
  kind: 'auth' | 'acct',
  port: number,
  secret: string,
  pairs: Record<string, string | number>,
): Promise<RadclientReply> {
  const text = Object.entries(pairs)
    .map(([k, v]) => `${k} = ${typeof v === 'number' ? v : JSON.stringify(v)}`)
    .concat(kind === 'auth' ? ['Message-Authenticator = 0x00'] : [])
    .join(', ');
  return new Promise((resolve, reject) => {
    const c = spawn(RADCLIENT, ['-x', '-r', '1', '-t', '3', `127.0.0.1:${port}`, kind, secret]);
    let out = '';
    c.stdout.on('data', (b: Buffer) => (out += b.toString()));
    c.stderr.on('data', (b: Buffer) => (out += b.toString()));
    c.on('error', reject);
    c.on('exit', () => {
      const m = /Received (\S+) Id \d+ from[^\n]*\n((?:\t[^\n]*\n?)*)/.exec(out);
      if (!m) return resolve({ code: 'none', attributes: {}, raw: out });
      const attributes: Record<string, string> = {};
      for (const line of m[2].split('\n')) {
        const a = /^\t(\S+) = (.*)$/.exec(line);
        if (a) attributes[a[1]] = a[2].replace(/^"(.*)"$/, '$1');
      }
      resolve({ code: m[1], attributes, raw: out });
    });
    c.stdin.end(`${text}\n`);
  });
}
