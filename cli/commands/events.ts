/**
 * `pisonet events`: the shop's activity feed (sales, logins and logouts, expiries, usage alerts, speed changes,
 * revokes, the router away and back), newest first, from the same service as the dashboard's feed and
 * GET /admin/api/events. `--site` narrows it to one site's vouchers, as the dashboard's site picker does.
 */
import { activityGroup, ACTIVITY_LABELS } from '../../src/domain/activity';
import { formatShopTime } from '../../src/domain/clock';
import { normaliseCode } from '../../src/domain/codes';
import { isoInstant } from '../../src/domain/units';
import { parseCommand, optionSpec } from '../lib/args';
import { table } from '../lib/table';
import { CommandDef, parseWhole, print, printJson, siteOption, withCore } from './shared';

const EVENTS = `Usage: pisonet events [--site SITE] [--code CODE] [--limit N] [--json]

The shop's activity, newest first (default the last 20, at most 500): sales, logins and logouts, expiries,
usage alerts, speed changes, revokes and the router away and back.
--site: one site's events (those of its vouchers; events of no voucher, such as the router going away,
are listed only without --site). --code: one voucher's events.`;

export const eventsCommand: CommandDef = {
  name: 'events',
  summary: "the shop's activity feed (one site with --site)",
  usage: EVENTS,
  async run(args) {
    const { values } = parseCommand(args, optionSpec(['site', 'code', 'limit'], ['json']), EVENTS);
    const limit =
      typeof values.limit === 'string' ? parseWhole(values.limit, 'limit', 'a list size', 1, 500) : 20;
    return withCore(async (core) => {
      const siteId = await siteOption(core, values);
      const events = await core.services.events.list({
        limit,
        siteId,
        ...(typeof values.code === 'string' ? { voucherCode: normaliseCode(values.code) } : {}),
      });
      if (values.json) {
        printJson({
          events: events.map((e) => ({
            id: e.id,
            ts: isoInstant(e.ts),
            kind: e.kind,
            level: e.level,
            code: e.voucherCode,
            message: e.message,
          })),
        });
        return 0;
      }
      if (!events.length) {
        print('No activity yet.');
        return 0;
      }
      const now = core.clock.now();
      print(
        table(events, [
          { header: 'TIME', get: (e) => formatShopTime(e.ts, core.config.tz, now) },
          { header: 'WHAT', get: (e) => ACTIVITY_LABELS[activityGroup(e.kind)] },
          { header: 'VOUCHER', get: (e) => e.voucherCode ?? '' },
          { header: 'MESSAGE', get: (e) => e.message, shrink: true, min: 20 },
        ]),
      );
      return 0;
    });
  },
};
