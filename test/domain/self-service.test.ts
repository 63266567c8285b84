/**
 * Which device a full voucher moves from, and whether it may move at all: only the browser that redeemed
 * it takes it from a device that is online; anyone else only once every device has been gone for the
 * shop's delay. And the delay as the owner types it.
 */
import { moveDecision, parseMoveOfflineMinutes, type MoveCandidate } from '../../src/domain/self-service';

const NOW = 1_800_000_000_000;
const MIN = 60_000;

const device = (mac: string, over: Partial<MoveCandidate> = {}): MoveCandidate => ({
  mac,
  online: false,
  onlineAtLastPoll: false,
  lastSeenAt: NOW - 60 * MIN,
  ...over,
});

const decide = (devices: MoveCandidate[], provenMac: string | null = null, offlineMinutes = 10) =>
  moveDecision({ devices, provenMac, offlineMinutes, now: NOW });

describe('moveDecision', () => {
  it('refuses another phone while the code is online on its device', () => {
    expect(decide([device('A', { online: true, lastSeenAt: NOW - 120 * MIN })])).toEqual({ kind: 'refuse' });
  });

  it('refuses another phone until every device has been offline for the delay', () => {
    expect(decide([device('A', { lastSeenAt: NOW - 9 * MIN })])).toEqual({ kind: 'refuse' });
    expect(decide([device('A', { lastSeenAt: NOW - 10 * MIN })])).toEqual({
      kind: 'move',
      from: 'A',
      confirm: false,
    });
    // Two devices: one gone long ago is not enough while the other was seen a minute ago.
    expect(decide([device('A'), device('B', { lastSeenAt: NOW - MIN })])).toEqual({ kind: 'refuse' });
  });

  it('counts a device the last poll saw online as seen now, however old its last-seen time', () => {
    const left = device('A', { onlineAtLastPoll: true, lastSeenAt: NOW - 120 * MIN });
    expect(decide([left])).toEqual({ kind: 'refuse' });
  });

  it('lets another phone take it from the device gone longest once all are gone', () => {
    const out = decide([
      device('A', { lastSeenAt: NOW - 30 * MIN }),
      device('B', { lastSeenAt: NOW - 90 * MIN }),
    ]);
    expect(out).toEqual({ kind: 'move', from: 'B', confirm: false });
  });

  it('follows the delay the shop set', () => {
    const a = [device('A', { lastSeenAt: NOW - 30 * MIN })];
    expect(decide(a, null, 45)).toEqual({ kind: 'refuse' });
    expect(decide(a, null, 30)).toMatchObject({ kind: 'move', from: 'A' });
  });

  it('moves for the browser that proves one of the devices: from that device, confirming while it is online', () => {
    expect(decide([device('A', { online: true, lastSeenAt: NOW })], 'A')).toEqual({
      kind: 'move',
      from: 'A',
      confirm: true,
    });
    expect(decide([device('A', { lastSeenAt: NOW - MIN })], 'A')).toEqual({
      kind: 'move',
      from: 'A',
      confirm: false,
    });
    // Two devices: the proven one moves, even when the other has long been gone.
    const both = [
      device('A', { online: true, lastSeenAt: NOW }),
      device('B', { lastSeenAt: NOW - 90 * MIN }),
    ];
    expect(decide(both, 'A')).toEqual({ kind: 'move', from: 'A', confirm: true });
  });

  it('gives a browser proving another MAC no more than a stranger', () => {
    expect(decide([device('A', { online: true })], 'Z')).toEqual({ kind: 'refuse' });
  });

  it('has nothing to decide for a voucher without devices', () => {
    expect(decide([], 'A')).toBeNull();
  });
});

describe('parseMoveOfflineMinutes', () => {
  it('takes whole minutes from 1 to 1440, typed or as numbers', () => {
    expect(parseMoveOfflineMinutes(10)).toBe(10);
    expect(parseMoveOfflineMinutes(' 1 ')).toBe(1);
    expect(parseMoveOfflineMinutes('1440')).toBe(1440);
  });

  it.each([0, 1441, 2.5, '10m', '', -3, null, undefined])('refuses %p with the accepted range', (v) => {
    expect(() => parseMoveOfflineMinutes(v, 'move_offline_minutes')).toThrow(
      /move_offline_minutes.*whole number of minutes from 1 to 1440/,
    );
  });
});
