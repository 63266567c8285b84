/**
 * Takeover: two controllers share one PostgreSQL database (CONTROLLER_MODE=shared, a lease per site:
 * src/db/site-leases.ts) and the 20 routers. The victim, a process of its own, polls every site; the survivor
 * (this process) polls too and finds every site leased to the victim. Then traffic moves, the victim starts a round
 * and is killed with SIGKILL half-way through it, and the survivor polls every site over and over, with no pause,
 * until it has polled all 20 itself. Measured: the time from the kill to the end of the round in which the
 * survivor polled the last site, how many rounds that took, and each of those rounds' CPU and wall time (the first
 * holds the takeover: every site's state read again from the database). Then two more traffic rounds, and the check
 * that every site's vouchers hold exactly the bytes its router moved, across the handover: none lost, none twice.
 *
 * A server polls each site every USAGE_POLL_SECONDS, not in a loop: there, a dead server's sites are taken at the
 * survivor's next poll of each, so the takeover is up to one poll interval plus what is measured here.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { PostgresConfig } from '../src/config/database-url';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../src/config/runtime';
import { postgresLeases } from '../src/db/site-leases';
import { FakeClock } from '../src/lib/clock';
import { createLogger } from '../src/lib/logger';
import {
  checkMetering,
  connectAll,
  DEVICES,
  forkChild,
  moveTraffic,
  openServerCore,
  pollShared,
  ROUTERS,
  startFleet,
  tick,
  TRAFFIC,
  type Driver,
  type MeterCheck,
  type RouterInfo,
} from './sites-fleet';

export interface TakeoverFigures extends MeterCheck {
  routers: number;
  devices: number;
  /** The victim's rounds before the kill (wall ms), all 20 sites polled by it. */
  victimRoundsMs: number[];
  /** Milliseconds from the SIGKILL to the end of the survivor's round that polled the last site. */
  killToAllPolledMs: number;
  /** Whether the victim was still in its round when killed (else it had just finished it). */
  killedMidRound: boolean;
  /** The survivor's rounds after the kill: sites it polled in each, CPU and wall ms. */
  attempts: Array<{ polled: number; cpuMs: number; wallMs: number }>;
  pollSeconds: number;
}

const shared = (env: Record<string, string>) => ({ ...env, CONTROLLER_MODE: 'shared' });
const leasesOf = (config: { database: unknown }) =>
  postgresLeases(config.database as PostgresConfig, createLogger('silent'), () => 0);

interface VictimReply {
  ready?: boolean;
  polled?: number;
  skipped?: string[];
  wallMs?: number;
}

/** The victim: a controller that polls every site when told to (its clock set to the survivor's), until killed. */
export async function victim(env: Record<string, string>, routers: RouterInfo[]): Promise<void> {
  process.on('disconnect', () => process.exit(0));
  const clock = new FakeClock();
  const core = await openServerCore(shared(env), clock, leasesOf);
  const drivers = await connectAll(core, routers);
  process.on('message', (m: { now: number }) => {
    void (async () => {
      clock.set(m.now);
      const w0 = process.hrtime.bigint();
      const skipped = await Promise.all(drivers.map((d) => pollShared(d)));
      const wallMs = Number(process.hrtime.bigint() - w0) / 1e6;
      const reply: VictimReply = {
        polled: skipped.filter((s) => !s).length,
        skipped: skipped.filter((s): s is string => Boolean(s)),
        wallMs,
      };
      process.send?.(reply);
    })();
  });
  process.send?.({ ready: true } satisfies VictimReply);
}

async function survivorRound(drivers: Driver[]) {
  const w0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const skipped = await Promise.all(drivers.map((d) => pollShared(d)));
  const c = process.cpuUsage(c0);
  return { skipped, cpuMs: (c.user + c.system) / 1000, wallMs: Number(process.hrtime.bigint() - w0) / 1e6 };
}

export async function takeover(file: string, databaseUrl: string): Promise<TakeoverFigures> {
  const fleet = await startFleet('takeover', shared({ DATABASE_URL: databaseUrl }));
  const { site, sims, routers } = fleet;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const inbox: VictimReply[] = [];
  let waiting: { resolve: (m: VictimReply) => void; reject: (e: Error) => void } | undefined;
  /** The victim's next message (they are kept in order until asked for). */
  const next = () =>
    inbox.length
      ? Promise.resolve(inbox.shift()!)
      : new Promise<VictimReply>((resolve, reject) => (waiting = { resolve, reject }));
  try {
    await forkChild(file, ['--seed', JSON.stringify({ env: site.env, routers })], { server: false });
    // The victim runs as the server does (src/config/runtime.ts), in a process of its own.
    child = fork(file, ['--victim', JSON.stringify({ env: site.env, routers })], {
      execArgv: [
        ...process.execArgv,
        ...SERVER_NODE_FLAGS.filter((f) => !process.execArgv.some((x) => x.startsWith(f.split('=')[0]))),
      ],
      env: { ...SERVER_ENV, ...process.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (m: VictimReply) => {
      const w = waiting;
      waiting = undefined;
      if (w) w.resolve(m);
      else inbox.push(m);
    });
    exited = new Promise<void>((resolve) =>
      child!.once('exit', () => {
        waiting?.reject(new Error('the victim controller exited'));
        waiting = undefined;
        resolve();
      }),
    );
    await next(); // ready: connected to every router
    const clock = new FakeClock();
    const core = await openServerCore(site.env, clock, leasesOf);
    try {
      const drivers = await connectAll(core, routers);
      const victimRoundsMs: number[] = [];
      let trafficRounds = 0;
      for (let r = 0; r < 2; r++) {
        await moveTraffic(sims);
        trafficRounds++;
        await tick(clock, sims, TRAFFIC.seconds);
        child.send({ now: clock.now() });
        const v = await next();
        if (v.polled !== ROUTERS)
          throw new Error(`the victim polled ${v.polled} sites (${v.skipped?.join(', ')})`);
        victimRoundsMs.push(v.wallMs ?? 0);
        const s = await survivorRound(drivers);
        const others = s.skipped.filter((x) => x === 'not-leased').length;
        if (others !== ROUTERS)
          throw new Error(`the survivor found ${others} of ${ROUTERS} sites leased to the victim`);
      }
      // The kill: traffic moved, the victim half-way through its round.
      await moveTraffic(sims);
      trafficRounds++;
      await tick(clock, sims, TRAFFIC.seconds);
      child.send({ now: clock.now() });
      const half = [...victimRoundsMs].sort((a, b) => a - b)[0] / 2;
      await new Promise((r) => setTimeout(r, half));
      const k0 = process.hrtime.bigint();
      child.kill('SIGKILL');
      // Its reply already in: the round had ended (its bytes committed) before the kill.
      const killedMidRound = inbox.length === 0;
      const polled = new Set<number>();
      const attempts: TakeoverFigures['attempts'] = [];
      while (polled.size < ROUTERS) {
        if (attempts.length >= 500)
          throw new Error(`after 500 rounds the survivor polls ${polled.size} sites`);
        const s = await survivorRound(drivers);
        s.skipped.forEach((x, i) => (x ? undefined : polled.add(i)));
        const bad = s.skipped.filter((x) => x && x !== 'not-leased');
        if (bad.length) throw new Error(`survivor's poll skipped: ${bad.join(', ')}`);
        attempts.push({ polled: s.skipped.filter((x) => !x).length, cpuMs: s.cpuMs, wallMs: s.wallMs });
      }
      const killToAllPolledMs = Number(process.hrtime.bigint() - k0) / 1e6;
      await exited;
      for (let r = 0; r < 2; r++) {
        await moveTraffic(sims);
        trafficRounds++;
        await tick(clock, sims, TRAFFIC.seconds);
        const s = await survivorRound(drivers);
        if (s.skipped.some(Boolean))
          throw new Error(`after the takeover: ${s.skipped.filter(Boolean).join(', ')}`);
      }
      return {
        routers: ROUTERS,
        devices: DEVICES,
        victimRoundsMs,
        killToAllPolledMs,
        killedMidRound,
        attempts,
        pollSeconds: core.config.usagePollSeconds,
        ...(await checkMetering(core, drivers, trafficRounds)),
      };
    } finally {
      await core.close();
    }
  } finally {
    child?.kill('SIGKILL');
    await exited;
    await fleet.dispose();
  }
}
