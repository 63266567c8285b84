/**
 * `pisonet doctor`: Node's version, the database, the router reachable, its setup items, the clock and time
 * zone, free disk and the last backup, each with its fix (src/domain/doctor.ts). Exit 1 when a check fails.
 */
import fs from 'node:fs';
import { doctorChecks, type DoctorFacts } from '../../src/domain/doctor';
import { out } from '../lib/ansi';
import { parseCommand } from '../lib/args';
import { CommandDef, print, printJson, withCore } from './shared';

const USAGE = `Usage: pisonet doctor [--json]

Checks what a shop's first hour needs: Node's version, the database, the router reachable, the router setup
items, the clock and time zone, free disk, the last backup. Each check is ok, warn or fail, with its fix.
Exit 0 when nothing fails, 1 when something does.`;

const COLOUR = { ok: out.green, warn: out.yellow, fail: out.red };

const doctor: CommandDef = {
  name: 'doctor',
  summary: 'check Node, database, router, setup, clock, disk and backups; each with its fix',
  usage: USAGE,
  async run(args) {
    const { values } = parseCommand(args, { json: { type: 'boolean' } }, USAGE, { min: 0, max: 0 });
    return withCore(async (core) => {
      let database: DoctorFacts['database'] = { ok: true };
      try {
        await core.db.raw('select 1');
      } catch (err) {
        database = { ok: false, error: (err as Error).message };
      }
      const connected = await core.router.waitConnected(core.config.router.timeoutSeconds * 1000);
      let setupNotOk: string[] | null = null;
      if (connected)
        try {
          const { service, wantsFor } = core.services.routerSetup;
          const report = await service.check(core.router, await wantsFor(1));
          setupNotOk = report.items.filter((i) => i.state !== 'ok').map((i) => i.id);
        } catch {
          setupNotOk = null;
        }
      // The zone in effect now, and where it was set (Settings, else .env).
      const zone = await core.services.shopSettings.view();
      let timeZoneValid = true;
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone.effective.tz });
      } catch {
        timeZoneValid = false;
      }
      let freeBytes: number | null = null;
      try {
        const s = fs.statfsSync(core.config.dataDir);
        freeBytes = s.bavail * s.bsize;
      } catch {
        freeBytes = null;
      }
      const backup = await core.services.backups.status();
      const checks = doctorChecks({
        nodeVersion: process.versions.node,
        database,
        router: { connected, identity: core.router.status.identity, error: core.router.status.lastError },
        setupNotOk,
        now: core.clock.now(),
        timeZone: zone.effective.tz,
        timeZoneInSettings: zone.overridden.includes('tz'),
        timeZoneValid,
        freeBytes,
        dataDir: core.config.dataDir,
        backups: {
          everySeconds: backup.everySeconds,
          newestAt: backup.files[0]?.madeAt,
          lastError: backup.lastError?.message,
        },
      });
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
