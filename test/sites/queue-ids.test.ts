/**
 * Queue ids are per router (`*1`, `*2`… on each), so two sites' devices may have queues of the same id. A site's
 * poll must read and write only its own devices' counter baselines (found by `npm run bench -- sites`).
 */
import type { RouterSimulator } from '../../src/simulator';
import { SYSTEM } from '../../src/services/types';
import type { SiteStack } from '../../src/services/network/site-stack';
import { createHarness, type Harness } from '../helpers/harness';
import { redeemApi } from '../portal/helpers';
import { startRouter } from './helpers';

const PASS = 'Branch-pa55word';

test('a queue re-made with the id another router uses: each site keeps its own baseline and bytes', async () => {
  const h: Harness = await createHarness({
    http: true,
    sites: { sitePolls: false, siteReconnect: { minMs: 50, maxMs: 300 } },
  });
  const sims: RouterSimulator[] = [];
  try {
    const stacks: SiteStack[] = [];
    for (const key of ['a', 'b']) {
      const r = await startRouter({ identity: `Branch-${key}`, password: PASS });
      sims.push(r.sim);
      const site = await h.core!.services.sites.add(
        { name: `branch-${key}`, host: '127.0.0.1', port: r.port, user: 'pisonet', password: PASS },
        SYSTEM,
      );
      const s = h.core!.siteStacks.get(site.id)!;
      await s.router.waitConnected(5000);
      expect((await s.binding.check()).mode).toBe('bound');
      stacks.push(s);
    }
    // One customer at branch A, two at branch B.
    const phones = [
      { site: 0, mac: '02:A1:00:00:00:01', ip: '10.66.1.11' },
      { site: 1, mac: '02:B1:00:00:00:01', ip: '10.66.2.11' },
      { site: 1, mac: '02:B1:00:00:00:02', ip: '10.66.2.12' },
    ];
    const codes: string[] = [];
    for (const p of phones) {
      const site = p.site === 0 ? 'branch-a' : 'branch-b';
      const [v] = (await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1, site }, SYSTEM))
        .vouchers;
      codes.push(v.code);
      sims[p.site].addDevice(p);
      expect((await redeemApi(h, { code: v.code, mac: p.mac, ip: p.ip })).status).toBe(200);
    }
    const queueOf = (i: number) =>
      sims[phones[i].site].rows('/queue/simple').find((q) => q.name === `pisonet-${phones[i].mac}`)!;
    const device = (i: number) => h.core!.db('voucher_devices').where({ mac: phones[i].mac }).first();
    const bytesDown = async (i: number) =>
      Number((await h.core!.db('vouchers').where({ code: codes[i] }).first()).bytes_down);
    await stacks[0].pollOnce();
    await stacks[1].pollOnce();

    // Someone deletes A's queue on the router; A's poll makes it again, with the next id: B's second queue's.
    await stacks[0].router.remove('/queue/simple', String(queueOf(0)['.id']));
    await stacks[0].pollOnce();
    expect(queueOf(0)['.id']).toBe(queueOf(2)['.id']);
    const bHolds = (await device(2)).source_counter_id;
    expect(bHolds).toBe(queueOf(2)['.id']);

    const before = [await bytesDown(0), await bytesDown(2)];
    sims[1].addTraffic(phones[2].mac, { up: 500_000, down: 5_000_000 }, 60);
    await stacks[1].pollOnce();
    sims[0].addTraffic(phones[0].mac, { up: 300_000, down: 2_000_000 }, 60);
    await stacks[0].pollOnce(); // A's device takes its new queue's counter, not B's device's
    expect((await device(2)).source_counter_id).toBe(bHolds);
    sims[1].addTraffic(phones[2].mac, { up: 100_000, down: 1_000_000 }, 60);
    await stacks[1].pollOnce();
    expect(await bytesDown(2)).toBe(before[1] + 6_000_000);
    expect(await bytesDown(0)).toBeLessThanOrEqual(before[0] + 2_000_000);
  } finally {
    await h.close();
    for (const s of sims) await s.stop();
  }
});
