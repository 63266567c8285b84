/**
 * The real FreeRADIUS tools for the interop tests: where they are, a free UDP port, radclient as a child process.
 */
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import fs from 'node:fs';

export const RADCLIENT = '/usr/bin/radclient';
export const FREERADIUS = '/usr/sbin/freeradius';
const MODULE_DIRS = ['/usr/lib/freeradius', '/usr/lib64/freeradius', '/usr/lib/x86_64-linux-gnu/freeradius'];

/** Why the interop tests cannot run here, or undefined when they can. */
export function missingTools(tools: string[]): string | undefined {
  const missing = tools.filter((t) => !fs.existsSync(t));
  if (missing.length === 0) return undefined;
  return `${missing.join(' and ')} not found (Debian: apt-get install freeradius freeradius-utils)`;
}

/** The directory of FreeRADIUS's rlm_*.so modules, if installed. */
export function freeradiusModuleDir(): string | undefined {
  return MODULE_DIRS.find((dir) => fs.existsSync(`${dir}/rlm_pap.so`));
}

/** A UDP port free on 127.0.0.1 right now. */
export async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

export interface ToolRun {
  exitCode: number;
  output: string;
}

/**
 * `echo <pairs> | radclient -x 127.0.0.1:<port> <command> <secret>`, with its own raddb dir (`dictionaryDir`, an
 * empty dictionary file) so it does not depend on /etc/freeradius, one try of `timeoutSeconds`.
 */
export function radclient(opts: {
  port: number;
  command: 'auth' | 'acct' | 'coa' | 'disconnect';
  secret: string;
  pairs: string;
  dictionaryDir: string;
  timeoutSeconds?: number;
}): Promise<ToolRun> {
  const args = ['-x', '-d', opts.dictionaryDir, '-t', String(opts.timeoutSeconds ?? 2), '-r', '1'];
  args.push(`127.0.0.1:${opts.port}`, opts.command, opts.secret);
  return new Promise((resolve, reject) => {
    const child = execFile(RADCLIENT, args, { timeout: 10_000 }, (err, stdout, stderr) => {
      const exitCode = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      if (err && exitCode === -1) return reject(err);
      resolve({ exitCode, output: `${stdout}${stderr}` });
    });
    child.stdin?.end(`${opts.pairs}\n`);
  });
}
