/**
 * The router's side of bench/radius.bench.ts, in the bench's own process: FreeRADIUS started in the foreground on
 * the configuration the product writes, a small load generator on the product's codec (`exchange`, a fixed number
 * of requests in flight), the packets a RouterOS hotspot sends (Access-Request by PAP, accounting Start and
 * Interim-Update), and the router's `/radius incoming` (a `listen` responder that ACKs every CoA and Disconnect
 * and notes when each arrived).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { RadiusError, type Attribute, type RadiusPacket } from '../src/radius/packet';
import { exchange, listen } from '../src/radius/udp';

export const FREERADIUS = '/usr/sbin/freeradius';
const SQL_DRIVERS = [
  '/usr/lib/freeradius',
  '/usr/lib64/freeradius',
  '/usr/lib/x86_64-linux-gnu/freeradius',
].map((d) => `${d}/rlm_sql_postgresql.so`);

/** What this machine lacks to run the bench, or undefined. */
export function missingFreeRadius(): string | undefined {
  if (!fs.existsSync(FREERADIUS))
    return `FreeRADIUS not installed (${FREERADIUS}; Debian: apt-get install freeradius freeradius-postgresql)`;
  if (!SQL_DRIVERS.some((f) => fs.existsSync(f)))
    return "FreeRADIUS's PostgreSQL driver not installed (rlm_sql_postgresql.so; Debian: apt-get install freeradius-postgresql)";
  return undefined;
}

/** "FreeRADIUS 3.2.1" (from `freeradius -v`). */
export function freeradiusVersion(): string {
  try {
    const out = execFileSync(FREERADIUS, ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return /FreeRADIUS Version [\d.]+/.exec(out)?.[0].replace(' Version', '') ?? 'FreeRADIUS';
  } catch {
    return 'FreeRADIUS';
  }
}

/** FreeRADIUS's thread pool (max_servers) and its SQL module's connection pool (max), from the written files. */
export function freeradiusPools(dir: string): { threads: number; sql: number } {
  const read = (file: string, re: RegExp) => {
    try {
      return Number(re.exec(fs.readFileSync(path.join(dir, file), 'utf8'))?.[1] ?? NaN);
    } catch {
      return NaN;
    }
  };
  return {
    threads: read('radiusd.conf', /max_servers\s*=\s*(\d+)/),
    sql: read('mods-enabled/sql', /pool\s*\{[^}]*?\bmax\s*=\s*(\d+)/),
  };
}

/** Wall clock in ms with sub-ms precision, comparable between this process and its children. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

/** A UDP port free on 127.0.0.1 now. */
export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface FreeRadiusProcess {
  pid: number;
  /** CPU seconds FreeRADIUS has used so far (user + system, /proc). */
  cpuSeconds(): number;
  /** The last lines it printed (for an error). */
  tail(): string;
  stop(): Promise<void>;
}

/** `freeradius -f -d DIR -l stdout`, ready when it says "Ready to process requests"; killed if this process exits. */
export async function startFreeRadius(dir: string): Promise<FreeRadiusProcess> {
  const child: ChildProcess = spawn(FREERADIUS, ['-f', '-d', dir, '-l', 'stdout'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // Every login is logged ("Login OK"): only the other lines are kept, for an error's report.
  const keep = (b: Buffer) => {
    const lines = b
      .toString()
      .split('\n')
      .filter((l) => l.trim() && !l.includes('Login OK: ['));
    if (lines.length) out = `${out}${lines.join('\n')}\n`.slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  const deadline = Date.now() + 15_000;
  while (!/Ready to process requests/.test(out)) {
    if (child.exitCode !== null) throw new Error(`freeradius exited (${child.exitCode}):\n${out}`);
    if (Date.now() > deadline) {
      kill();
      throw new Error(`freeradius did not start within 15 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const pid = child.pid!;
  const tick = 100; // USER_HZ on Linux
  return {
    pid,
    cpuSeconds() {
      try {
        // Fields after "(comm)": state is 3rd, utime 14th, stime 15th of the whole line.
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return (Number(f[11]) + Number(f[12])) / tick;
      } catch {
        return NaN;
      }
    },
    tail: () => out.slice(-3000),
    async stop() {
      process.removeListener('exit', kill);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
      kill();
    },
  };
}

/** One hotspot device of the bench: a code, the device logging in with it, its accounting session and totals. */
export interface BenchSession {
  code: string;
  password: string;
  mac: string;
  ip: string;
  /** The router's address as FreeRADIUS knows it (the site's nas_address; the packets are sent from it). */
  nas: string;
  acctSessionId: string;
  startedAt: number;
  up: number;
  down: number;
}

export interface Target {
  port: number;
  secret: string;
}

/** Sends `n` requests, at most `concurrency` in flight; each one's latency (ms) and reply code (or the error). */
export async function load(
  n: number,
  concurrency: number,
  send: (i: number) => Promise<RadiusPacket>,
): Promise<{ latencies: Float64Array; codes: Map<string, number>; wallMs: number; cpuMs: number }> {
  const latencies = new Float64Array(n);
  const codes = new Map<string, number>();
  let next = 0;
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const t = performance.now();
      let code: string;
      try {
        code = (await send(i)).code;
      } catch (err) {
        code = err instanceof RadiusError ? err.code : 'error';
      }
      latencies[i] = performance.now() - t;
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  const c = process.cpuUsage(c0);
  return { latencies, codes, wallMs: performance.now() - w0, cpuMs: (c.user + c.system) / 1000 };
}

/** The attributes a RouterOS hotspot puts in every request about a device (src/simulator/radius/nas.ts). */
function deviceAttributes(s: BenchSession): Attribute[] {
  return [
    ['User-Name', s.code],
    ['NAS-IP-Address', s.nas],
    ['NAS-Identifier', 'bench-router'],
    ['NAS-Port', parseInt(s.acctSessionId, 16)],
    ['NAS-Port-Type', 'Wireless-802.11'],
    ['Service-Type', 'Login-User'],
    ['Calling-Station-Id', s.mac],
    ['Called-Station-Id', 'hotspot1'],
    ['Framed-IP-Address', s.ip],
    ['Mikrotik-Host-IP', s.ip],
    ['Acct-Session-Id', s.acctSessionId],
  ];
}

const opts = (s: BenchSession, t: Target) => ({
  host: '127.0.0.1',
  port: t.port,
  secret: t.secret,
  localAddress: s.nas,
  timeoutMs: 5000,
  retries: 0,
});

/** A hotspot login by PAP, signed (Message-Authenticator), answers required to be signed (RouterOS 7.15+). */
export function accessRequest(s: BenchSession, t: Target): Promise<RadiusPacket> {
  return exchange('Access-Request', [...deviceAttributes(s), ['User-Password', s.password]], {
    ...opts(s, t),
    messageAuthenticator: true,
    requireMessageAuthenticator: true,
  });
}

/** An accounting Start or Interim-Update with the session's totals so far (Gigawords past 4 GiB). */
export function accounting(
  s: BenchSession,
  t: Target,
  status: 'Start' | 'Interim-Update',
): Promise<RadiusPacket> {
  const now = Date.now();
  const extra: Attribute[] =
    status === 'Start'
      ? []
      : [
          ['Acct-Session-Time', Math.max(0, Math.floor((now - s.startedAt) / 1000))],
          ['Acct-Input-Octets', s.up % 2 ** 32],
          ['Acct-Input-Gigawords', Math.floor(s.up / 2 ** 32)],
          ['Acct-Output-Octets', s.down % 2 ** 32],
          ['Acct-Output-Gigawords', Math.floor(s.down / 2 ** 32)],
        ];
  return exchange(
    'Accounting-Request',
    [
      ...deviceAttributes(s),
      ['Acct-Status-Type', status],
      ['Acct-Delay-Time', 0],
      ['Event-Timestamp', Math.floor(now / 1000)],
      ...extra,
    ],
    opts(s, t),
  );
}

export interface CoaResponder {
  port: number;
  /** Every request that arrived: its code, User-Name, Mikrotik-Rate-Limit and when (wallNow). */
  got: Array<{ code: string; user: string; rate: string | undefined; at: number }>;
  close(): Promise<void>;
}

/** The router's `/radius incoming` on `address`: ACKs every CoA and Disconnect (the site's secret from anyone). */
export async function coaResponder(address: string, secret: string): Promise<CoaResponder> {
  const got: CoaResponder['got'] = [];
  const srv = await listen({
    port: 0,
    address,
    secretOf: () => secret,
    handle: async (req) => {
      const at = wallNow();
      const user = req.attributes.find(([n]) => n === 'User-Name')?.[1];
      const rate = req.attributes.find(([n]) => n === 'Mikrotik-Rate-Limit')?.[1];
      got.push({
        code: req.code,
        user: String(user),
        rate: rate === undefined ? undefined : String(rate),
        at,
      });
      return { code: req.code === 'CoA-Request' ? 'CoA-ACK' : 'Disconnect-ACK', attributes: [] };
    },
  });
  return { port: srv.port, got, close: () => srv.close() };
}

/** The q-quantile (0..1) of `xs` (nearest rank). */
export function quantile(xs: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
