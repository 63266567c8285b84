/**
 * The controller's clock: the real time, or with CLOCK_START set, a clock that starts at that instant when the
 * server starts and runs on at the real pace (a demo of a billing night, a test of the shop's calendar from
 * outside). Every reader of the shop's time (billing, reports, sessions, the polls' schedules) reads this clock;
 * what must be judged on the machine's own time (a webhook signature's freshness) reads the real one.
 *
 * The server writes when its clock started (`clock-start.json` in the data folder), so the terminal, started
 * later in another process, reads the same time as the server instead of starting at CLOCK_START again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startedClock, systemClock, type Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';

const FILE = 'clock-start.json';

interface Anchor {
  start: number;
  realAt: number;
}

function readAnchor(file: string): Anchor | undefined {
  try {
    const a = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Anchor>;
    return Number.isFinite(a.start) && Number.isFinite(a.realAt) ? (a as Anchor) : undefined;
  } catch {
    return undefined;
  }
}

export function controllerClock(
  config: { clockStart?: number; dataDir: string },
  role: 'server' | 'cli',
  log: Logger,
  real: Clock = systemClock,
): Clock {
  if (config.clockStart === undefined) return real;
  const file = path.join(config.dataDir, FILE);
  let realAt = real.now();
  if (role === 'server') {
    try {
      fs.mkdirSync(config.dataDir, { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ start: config.clockStart, realAt }) + '\n');
    } catch (err) {
      log.warn({ module: 'clock', err: (err as Error).message }, `CLOCK_START: could not write ${file}`);
    }
    log.warn(
      { module: 'clock', clockStart: new Date(config.clockStart).toISOString() },
      `CLOCK_START is set: the controller's clock starts at ${new Date(config.clockStart).toISOString()}, not the real time (for demos and tests; unset it in a shop)`,
    );
  } else {
    // The server's start of the same CLOCK_START, when there is one; else this process starts its own.
    const anchor = readAnchor(file);
    if (anchor && anchor.start === config.clockStart && anchor.realAt <= realAt) realAt = anchor.realAt;
  }
  return startedClock(config.clockStart, realAt, real);
}
