/**
 * The web admin under load with 2,000 active devices. `/admin/api/user-traffic` (what the bandwidth
 * page polls every 10 s) and the bandwidth page itself, each hammered with autocannon for ~5 s over 10
 * loopback connections with a logged-in session cookie. Target: p95 < 50 ms.
 *
 * The simulated router runs in a child process (bench/fleet.ts), as a real router is another
 * machine, and so does the load generator (`--load-child`): neither is billed to the controller's event loop.
 * Setup goes straight to the database and the router, then one poll cycle creates the 2,000 queues.
 */
import { forkBenchChild } from './child';
import autocannon from 'autocannon';
import { startApp, type RunningApp } from '../src/app';
import { openBenchSite, seedFleet } from './fleet';

const DEVICES = Number(process.env.BENCH_ADMIN_DEVICES ?? 2000);
const DURATION_S = 5;
const CONNECTIONS = 10;
const TARGET_P95_MS = 50;
const PASSWORD = 'bench-admin-password';
const NET = 7;

// ---------------------------------------------------------------- controller side

async function login(url: string): Promise<string> {
  const page = await fetch(`${url}/admin/login`);
  const cookie = page.headers.getSetCookie()[0].split(';')[0];
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
  const res = await fetch(`${url}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, username: 'admin', password: PASSWORD }),
  });
  if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
  return res.headers.getSetCookie()[0].split(';')[0];
}

interface Figures {
  name: string;
  requests: number;
  non2xx: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  kib: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
}

/** autocannon reports p90/p97.5 but not p95, so every response time is kept and the percentiles computed here. */
async function measureLoad(name: string, url: string, cookie: string): Promise<Figures> {
  const times: number[] = [];
  let bytes = 0;
  const instance = autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: { cookie, accept: url.includes('/api/') ? 'application/json' : 'text/html' },
  });
  instance.on('response', (_client: unknown, _status: number, resBytes: number, responseTime: number) => {
    times.push(responseTime);
    bytes += resBytes;
  });
  const result = await instance;
  times.sort((a, b) => a - b);
  return {
    name,
    requests: times.length,
    non2xx: result.non2xx,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    max: times[times.length - 1] ?? NaN,
    kib: bytes / Math.max(times.length, 1) / 1024,
  };
}

type LoadMsg = { name: string; url: string; cookie: string };

/** The load generator runs in its own process, so its HTTP parsing is not billed to the server's event loop. */
function load(name: string, url: string, cookie: string): Promise<Figures> {
  const child = forkBenchChild(__filename, '--load-child');
  return new Promise<Figures>((resolve, reject) => {
    child.once('message', (f: Figures) => {
      child.kill();
      resolve(f);
    });
    child.once('error', reject);
    child.send({ name, url, cookie } satisfies LoadMsg);
  });
}

function runLoadChild(): void {
  process.once('message', (m: LoadMsg) => {
    void measureLoad(m.name, m.url, m.cookie).then((f) => process.send?.(f));
  });
}

/** Lets requests still queued when autocannon stops finish before the database closes. */
const settle = () => new Promise((r) => setTimeout(r, 1500));

export async function run(): Promise<void> {
  const site = await openBenchSite('admin-bench', {
    PORT: '0',
    BIND: '127.0.0.1',
    ADMIN_PASSWORD: PASSWORD,
    COOKIE_SECURE: 'false',
  });
  const { routerProcess: child, config, log, router } = site;
  let app: RunningApp | undefined;
  try {
    // The real clock: the admin's short cache of who is online expires in real time here.
    app = await startApp(config, { router, log });
    await app.usageJob.stop(); // the bench runs the one poll cycle it needs itself
    await router.waitConnected(10_000);
    await child.call({ cmd: 'devices', net: NET, n: DEVICES });
    await seedFleet(app.core, router, NET, DEVICES, 'STANDARD');
    await child.call({ cmd: 'traffic', net: NET, n: DEVICES, up: 10_000, down: 100_000, seconds: 10 });
    const cycle = await app.core.services.usage.runCycle();
    const queues = (await app.core.services.bandwidth.queues()).length;
    const users = (await app.core.services.bandwidth.users()).length;
    console.log(
      `admin under load: ${users} active devices, ${queues} pisonet queues on the router (poll: ${cycle.devices} devices), ${CONNECTIONS} connections, ${DURATION_S} s each`,
    );
    const cookie = await login(app.url);
    const rows = [
      await load('GET /admin/api/user-traffic', `${app.url}/admin/api/user-traffic`, cookie),
      await load('GET /admin/bandwidth (50 rows/page)', `${app.url}/admin/bandwidth`, cookie),
      await load('GET /admin (dashboard)', `${app.url}/admin`, cookie),
    ];
    await settle();
    console.log(
      '  endpoint                               | requests | non-2xx | p50 ms | p95 ms | p99 ms | max ms | KiB/resp',
    );
    for (const f of rows) {
      console.log(
        `  ${f.name.padEnd(38)} | ${String(f.requests).padStart(8)} | ${String(f.non2xx).padStart(7)} | ${f.p50.toFixed(0).padStart(6)} | ${f.p95.toFixed(0).padStart(6)} | ${f.p99.toFixed(0).padStart(6)} | ${f.max.toFixed(0).padStart(6)} | ${f.kib.toFixed(0).padStart(8)}`,
      );
    }
    // The target is for what the bandwidth page costs: its poll of the API and the page itself.
    const judged = rows.filter((f) => !f.name.includes('dashboard'));
    console.log(
      `  target p95 < ${TARGET_P95_MS} ms: ${judged.map((f) => `${f.name.replace(/^GET /, '')} ${f.p95 < TARGET_P95_MS && f.non2xx === 0 ? 'OK' : 'MISSED'}`).join('; ')}`,
    );
  } finally {
    if (app) await app.stop();
    else await router.stop();
    await site.dispose();
  }
}

if (require.main === module && process.argv.includes('--load-child')) runLoadChild();
