/** The pure parts of metering: snapshot parsing, connected time, reboot detection, queue ownership. */
import {
  connectedSeconds,
  deviceIndex,
  indexDevices,
  keptBoot,
  meter,
  rebootedSince,
} from '../../src/services/network/usage/meter';
import { bootTimeOf, bootWindow, type UsageReading } from '../../src/services/network/usage/source';
import { alertEventKind } from '../../src/domain/usage-summary';
import { parseSnapshot, type RouterSnapshot } from '../../src/router/hotspot';
import { parseRouterDuration } from '../../src/domain/units';
import type { DeviceRow, LoadedState, LoadedVoucher } from '../../src/services/network/usage/load';
import { parseProfile } from '../../src/domain/profiles';
import { activeVoucherRow, onlineDeviceRow } from './rows';

const T0 = Date.UTC(2026, 10, 21, 4, 0, 0);

/** What the router's counter source reads from a snapshot (no login in flight). */
const asReading = (s: RouterSnapshot): UsageReading => ({
  counters: s.ours,
  sessions: s.sessions,
  countersStartedAt: undefined,
  loginsMissed: () => new Set(),
});

describe('parseSnapshot', () => {
  test('keeps only our static queues, reads upload/download counters, and maps MACs to their current IP', () => {
    const s = parseSnapshot(
      [
        { '.id': '*1', name: '<hotspot-x>', bytes: '1/1', dynamic: 'true' },
        {
          '.id': '*2',
          name: 'pisonet-02:00:00:00:00:01',
          bytes: '100/2000',
          rate: '8/16',
          comment: 'ABCD1234',
          dynamic: 'false',
        },
        { '.id': '*3', name: 'pisonet-aa-bb-cc-dd-ee-ff', bytes: '5/6', dynamic: 'false' },
        { '.id': '*4', name: 'pisonet-nonsense', bytes: '5/6', dynamic: 'false' },
        { '.id': '*5', name: 'shop', bytes: '5/6', dynamic: 'false' },
      ],
      [
        {
          '.id': '*A',
          user: 'ABCD1234',
          'mac-address': '02:00:00:00:00:01',
          address: '10.5.50.11',
          uptime: '1h2m3s',
        },
      ],
      [{ 'mac-address': '02:00:00:00:00:01', address: '10.5.50.99' }],
      [{ uptime: '2d3h' }],
    );
    expect(s.ours).toEqual([
      { id: '*2', mac: '02:00:00:00:00:01', code: 'ABCD1234', up: 100, down: 2000, rateUp: 8, rateDown: 16 },
      { id: '*3', mac: 'AA:BB:CC:DD:EE:FF', code: '', up: 5, down: 6, rateUp: 0, rateDown: 0 },
    ]);
    expect(s.queues).toHaveLength(5);
    expect(s.sessions).toEqual([
      {
        id: '*A',
        user: 'ABCD1234',
        mac: '02:00:00:00:00:01',
        ip: '10.5.50.11',
        hostIp: '10.5.50.99', // the host table's address for the MAC
        uptimeSeconds: 3723,
        limitBytes: undefined, // the row does not say: unknown, not "no limit"
      },
    ]);
    expect(s.routerUptimeSeconds).toBe(2 * 86400 + 3 * 3600);
  });

  test('reads every uptime form RouterOS prints as parseRouterDuration does (0 when unreadable)', () => {
    const forms = [
      '1h2m3s',
      '3m30s',
      '0s',
      '59s',
      '1w4d1h16m55s',
      '6w6d18:33:07',
      '1d 00:00:00',
      '300ms',
      '1m300ms',
      '2s1m',
      '1h1h',
      '10',
      '0.5s',
      '',
      'none',
      'immediately',
      ' 5m',
      '5m ',
      'm',
      '5',
      '5x',
      '1ms',
      '99999999999999s',
    ];
    const expected = (text: string): number => {
      try {
        return parseRouterDuration(text, 'uptime') ?? 0;
      } catch {
        return 0;
      }
    };
    const sessions = forms.map((uptime, i) => ({
      '.id': `*${i}`,
      user: 'ABCD1234',
      'mac-address': '02:00:00:00:00:01',
      uptime,
    }));
    const s = parseSnapshot([], sessions, [], [{ uptime: '1w2d3h4m5s' }]);
    expect(s.sessions.map((x) => x.uptimeSeconds)).toEqual(forms.map(expected));
    expect(s.routerUptimeSeconds).toBe(604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
  });
});

describe('connectedSeconds', () => {
  test('no session: nothing', () => {
    expect(connectedSeconds(T0, T0 - 30_000, T0 - 600_000, [])).toBe(0);
  });
  test('a long session: the time since the last poll', () => {
    expect(connectedSeconds(T0, T0 - 30_000, T0 - 600_000, [500])).toBe(30);
  });
  test('a session younger than the poll interval: its own uptime', () => {
    expect(connectedSeconds(T0, T0 - 30_000, T0 - 600_000, [12])).toBe(12);
  });
  test('after a long outage: never more than the longest session', () => {
    expect(connectedSeconds(T0, T0 - 3_600_000, T0 - 7_200_000, [40, 95])).toBe(95);
  });
  test('never before the voucher was activated, and whole seconds that add up over polls', () => {
    expect(connectedSeconds(T0, undefined, T0 - 7_000, [600])).toBe(7);
    expect(
      connectedSeconds(T0 + 1_500, T0 + 400, T0 - 60_000, [600]) +
        connectedSeconds(T0 + 2_600, T0 + 1_500, T0 - 60_000, [600]),
    ).toBe(2);
  });
});

describe('reboots from the boot time', () => {
  it('tells a reboot from jitter, however soon after it or however late the poll', () => {
    const boot = bootTimeOf(3_600, T0) as number;
    expect(boot).toBe(T0 - 3_600_000);
    // The same boot seen an hour later, a second off for whole seconds and a slow reply.
    expect(rebootedSince(boot, bootTimeOf(7_199, T0 + 3_600_000 + 800))).toBe(false);
    // A reboot one second before the poll, and one whose new uptime already exceeds the poll gap.
    expect(rebootedSince(boot, bootTimeOf(1, T0 + 30_000))).toBe(true);
    expect(rebootedSince(boot, bootTimeOf(3_600, T0 + 3_600_000 * 5))).toBe(true);
    expect(rebootedSince(undefined, bootTimeOf(5, T0))).toBe(false);
    expect(rebootedSince(boot, undefined)).toBe(false);
  });

  it('an answer that arrives long after the question is not a reboot; a reboot is one however slow the answer', () => {
    const boot = T0 - 3_600_000;
    // Asked at T0, uptime measured then (3,600 s), the answer read 40 s later (a slow link, a busy controller).
    expect(rebootedSince(boot, bootWindow(3_600, T0, T0 + 40_000))).toBe(false);
    // Rebooted 10 s before the question: uptime 10 s, however late the answer.
    expect(rebootedSince(boot, bootWindow(10, T0, T0 + 40_000))).toBe(true);
    // Another router in its place, up for longer than the one we knew.
    expect(rebootedSince(boot, bootWindow(90_000, T0, T0 + 40_000))).toBe(true);
    // The boot kept: the known one while it is inside the window, the window's after a reboot.
    expect(keptBoot(boot, bootWindow(3_600, T0, T0 + 40_000), false)).toBe(boot);
    expect(keptBoot(boot, bootWindow(10, T0, T0 + 1_000), true)).toBe(T0 - 10_000);
    expect(keptBoot(undefined, bootWindow(10, T0, T0), false)).toBe(T0 - 10_000);
  });
});

describe('meter', () => {
  const profile = parseProfile({
    name: 'CAP',
    price: 5,
    validity: '1d',
    users: 1,
    rate_up: '1M',
    rate_down: '2M',
    data_cap: '1000',
    cap_policy: 'block',
  });
  function state(counted: number, device: Partial<DeviceRow>): LoadedState {
    const row = activeVoucherRow({
      id: 1,
      code: 'CODE0001',
      activated_at: T0 - 60_000,
      bytes_down: counted,
      counted_bytes: counted,
    });
    const d = onlineDeviceRow({
      id: 7,
      voucher_id: 1,
      mac: '02:00:00:00:00:01',
      bytes_down: counted,
      baseline_down: 100,
      ...device,
    });
    const v: LoadedVoucher = { row, profile, profileName: 'CAP', devices: [d] };
    return { byId: new Map([[1, v]]), byCode: new Map([['CODE0001', v]]), pendingUserRemovals: [] };
  }
  const snap = (bytes: string) =>
    parseSnapshot(
      [
        {
          '.id': '*2',
          name: 'pisonet-02:00:00:00:00:01',
          bytes,
          rate: '0/0',
          comment: 'CODE0001',
          dynamic: 'false',
        },
      ],
      [
        {
          '.id': '*A',
          user: 'CODE0001',
          'mac-address': '02:00:00:00:00:01',
          address: '10.5.50.11',
          uptime: '1m',
        },
      ],
      [],
      [],
    );

  /** A poll 30 s after the last one that reads the queue's counter as `bytes`. */
  const input = (s: LoadedState, bytes = '0/400') => ({
    reading: asReading(snap(bytes)),
    state: s,
    handover: new Map(),
    now: T0,
    prevPollAt: T0 - 30_000,
    routerRebooted: false,
    tz: 'Asia/Manila',
  });

  test('a delta from the stored baseline, the new baseline, and cap alerts crossed by it', () => {
    const m = meter(input(state(700, {})));
    expect(m.devices).toEqual([
      expect.objectContaining({
        id: 7,
        dUp: 0,
        dDown: 300,
        baselineDown: 400,
        queueId: '*2',
        presenceChanged: false,
      }),
    ]);
    expect(m.vouchers).toEqual([{ id: 1, dUp: 0, dDown: 300, dCounted: 300, dUptime: 0, moved: 1 }]);
    expect(m.alerts.map((a) => alertEventKind(a.alert))).toEqual(['cap-80', 'cap-90', 'cap-100']);
    expect(m.devices.map((d) => d.voucherId)).toEqual([1]); // the device write carries its voucher, for the samples
  });

  test('nothing moved: nothing to write', () => {
    const m = meter(input(state(700, {}), '0/100'));
    expect([m.devices, m.vouchers, m.alerts]).toEqual([[], [], []]);
  });
});

describe('the device index kept with the state', () => {
  const profile = parseProfile({
    name: 'P',
    price: 5,
    validity: '1d',
    users: 1,
    rate_up: '1M',
    rate_down: '2M',
  });
  function state(): LoadedState {
    const rows = [1, 2].map((id) =>
      activeVoucherRow({ id, code: `CODE000${id}`, activated_at: T0 - 60_000 }),
    );
    const device = (id: number, voucherId: number, queue: string): DeviceRow =>
      onlineDeviceRow({
        id,
        voucher_id: voucherId,
        mac: `02:00:00:00:00:0${voucherId}`,
        ip: `10.5.50.1${voucherId}`,
        source_counter_id: queue,
        baseline_down: 100,
      });
    const v1: LoadedVoucher = { row: rows[0], profile, profileName: 'P', devices: [device(7, 1, '*2')] };
    const v2: LoadedVoucher = { row: rows[1], profile, profileName: 'P', devices: [device(8, 2, '*3')] };
    return {
      byId: new Map([
        [1, v1],
        [2, v2],
      ]),
      byCode: new Map([
        ['CODE0001', v1],
        ['CODE0002', v2],
      ]),
      pendingUserRemovals: [],
    };
  }
  /** Both devices online, device 7's queue now `queue7` (a queue made again on the router gets a new id). */
  const snap = (queue7: string, down7: number) =>
    parseSnapshot(
      [
        {
          '.id': queue7,
          name: 'pisonet-02:00:00:00:00:01',
          bytes: `0/${down7}`,
          rate: '0/0',
          comment: 'CODE0001',
          dynamic: 'false',
        },
        {
          '.id': '*3',
          name: 'pisonet-02:00:00:00:00:02',
          bytes: '0/100',
          rate: '0/0',
          comment: 'CODE0002',
          dynamic: 'false',
        },
      ],
      [1, 2].map((i) => ({
        '.id': `*A${i}`,
        user: `CODE000${i}`,
        'mac-address': `02:00:00:00:00:0${i}`,
        address: `10.5.50.1${i}`,
        uptime: '1m',
      })),
      [],
      [],
    );
  const poll = (s: LoadedState, queue7: string, down7: number, now: number) =>
    meter({
      reading: asReading(snap(queue7, down7)),
      state: s,
      handover: new Map(),
      now,
      prevPollAt: now - 30_000,
      routerRebooted: false,
      tz: 'Asia/Manila',
    });

  test('is built once, follows a counter that moved to a new queue, and equals one built afresh', () => {
    const s = state();
    const first = deviceIndex(s);
    expect(deviceIndex(s)).toBe(first);
    // The queue was made again (new id, counter from zero): its 50 bytes count and the row now holds *9.
    const m = poll(s, '*9', 50, T0);
    expect(m.devices).toEqual([
      expect.objectContaining({ id: 7, dDown: 50, queueId: '*9', presenceChanged: true }),
    ]);
    expect(deviceIndex(s)).toBe(first);
    expect(first.byQueueId.get('*9')?.id).toBe(7);
    expect(first.byQueueId.has('*2')).toBe(false);
    expect(first).toEqual(indexDevices(s));
    // The next poll measures from the new queue's baseline through the kept index: 30 bytes, not 80.
    const next = poll(s, '*9', 80, T0 + 30_000);
    expect(next.devices).toEqual([expect.objectContaining({ id: 7, dDown: 30, baselineDown: 80 })]);
    expect(next.vouchers).toEqual([{ id: 1, dUp: 0, dDown: 30, dCounted: 30, dUptime: 0, moved: 1 }]);
  });

  test('a device gone idle is written as rates zeroed, not as a staged counter row', () => {
    const s = state();
    s.byId.get(1)!.devices[0].rate_down = 4_000;
    const m = poll(s, '*2', 100, T0);
    expect(m.devices).toEqual([expect.objectContaining({ id: 7, dDown: 0, rateDown: 0, ratesZeroed: true })]);
    const moved = poll(s, '*2', 160, T0 + 30_000);
    expect(moved.devices).toEqual([expect.objectContaining({ id: 7, dDown: 60, ratesZeroed: false })]);
  });
});
