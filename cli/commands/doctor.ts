/**
 * `pisonet doctor`: Node's version, the database, the router reachable, its setup items, the clock and time
 * zone, free disk, the last backup and a restore cut short, each with its fix (src/domain/doctor.ts). Exit 1 when
 * a check fails.
 */
import fs from 'node:fs';
import type { Core } from '../../src/core';
import { doctorChecks, type DoctorFacts } from '../../src/domain/doctor';
import { interruptedRestore } from '../../src/services/business/backup/restore-sqlite';
import { out } from '../lib/ansi';
import { parseCommand } from '../lib/args';
import { CommandDef, print, printJson, withCore } from './shared';

const USAGE = `Usage: pisonet doctor [--json]

Checks what a shop's first hour needs: Node's version, the database, the router reachable, the router setup
items, the clock and time zone, free disk, the last backup, and a restore that was cut short (only then). Each
check is ok, warn or fail, with its fix.
Exit 0 when nothing fails, 1 when something does.`;

const COLOUR = { ok: out.green, warn: out.yellow, fail: out.red };

/** The router reachable, and its setup items not ok (null when they could not be read). */
async function routerFacts(core: Core): Promise<{ connected: boolean; setupNotOk: string[] | null }> {
  const connected = await core.router.waitConnected(core.config.router.timeoutSeconds * 1000);
  if (!connected) return { connected, setupNotOk: null };
  try {
    const { service, wantsFor } = core.services.routerSetup;
    const report = await service.check(core.router, await wantsFor(1));
    return { connected, setupNotOk: report.items.filter((i) => i.state !== 'ok').map((i) => i.id) };
  } catch {
    return { connected, setupNotOk: null };
  }
}

/** Free bytes where the data folder is, or null when they cannot be read. */
function freeBytesIn(dir: string): number | null {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/** What doctor decides from, read from the core. */
async function doctorFacts(core: Core): Promise<DoctorFacts> {
  let database: DoctorFacts['database'] = { ok: true };
  try {
    await core.db.raw('select 1');
  } catch (err) {
    database = { ok: false, error: (err as Error).message };
  }
  const { connected, setupNotOk } = await routerFacts(core);
  // The zone in effect now, and where it was set (Settings, else .env).
  const zone = await core.services.shopSettings.view();
  let timeZoneValid = true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone.effective.tz });
  } catch {
    timeZoneValid = false;
  }
  const backup = await core.services.backups.status();
  const c = core.config.database;
  return {
    nodeVersion: process.versions.node,
    database,
    router: { connected, identity: core.router.status.identity, error: core.router.status.lastError },
    setupNotOk,
    now: core.clock.now(),
    timeZone: zone.effective.tz,
    timeZoneInSettings: zone.overridden.includes('tz'),
    timeZoneValid,
    freeBytes: freeBytesIn(core.config.dataDir),
    dataDir: core.config.dataDir,
    backups: {
      everySeconds: backup.everySeconds,
      newestAt: backup.files[0]?.madeAt,
      lastError: backup.lastError?.message,
    },
    interruptedRestore: c.engine === 'sqlite' ? interruptedRestore(c.file) : undefined,
  };
}

const doctor: CommandDef = {
  name: 'doctor',
  summary: 'check Node, database, router, setup, clock, disk and backups; each with its fix',
  usage: USAGE,
  async run(args) {
    const { values } = parseCommand(args, { json: { type: 'boolean' } }, USAGE);
    return withCore(async (core) => {
      const checks = doctorChecks(await doctorFacts(core));
      const failed = checks.some((c) => c.state === 'fail');
      if (values.json) printJson({ ok: !failed, checks });
      else
        for (const c of checks)
          print(
            `${COLOUR[c.state](c.state.padEnd(5))} ${c.id.padEnd(9)} ${c.detail}${c.fix ? `\n                fix: ${out.cyan(c.fix)}` : ''}`,
          );
      return failed ? 1 : 0;
    });
  },
};

export const doctorCommands = [doctor];
