/** The device count applied to a voucher's router sessions: which stay, which are recorded, which go. */
import { decideDeviceLimit, devicePlaces, type KnownDevice } from '../../src/domain/device-limit';

const A = '02:00:00:00:00:0A';
const B = '02:00:00:00:00:0B';
const C = '02:00:00:00:00:0C';
const D = '02:00:00:00:00:0D';

interface S {
  id: string;
  mac: string;
  uptimeSeconds: number;
}
const s = (id: string, mac: string, uptimeSeconds: number): S => ({ id, mac, uptimeSeconds });
const ids = (list: S[]) => list.map((x) => x.id);
const known = (...macs: string[]): KnownDevice[] => macs.map((mac, i) => ({ mac, firstSeenAt: 1000 + i }));

test('new devices only: the longest-running sessions take the places, whatever the router order', () => {
  const d = decideDeviceLimit({
    limit: 2,
    boundMac: null,
    known: [],
    sessions: [s('*1', A, 10), s('*2', B, 40), s('*3', C, 5), s('*4', D, 30)],
  });
  expect(ids(d.keep)).toEqual(['*2', '*4']);
  expect(ids(d.adopt)).toEqual(['*2', '*4']);
  expect(ids(d.logout)).toEqual(['*1', '*3']);
});

test('equal uptimes (logged in the same second) keep the router order', () => {
  const d = decideDeviceLimit({
    limit: 1,
    boundMac: null,
    known: [],
    sessions: [s('*7', B, 3), s('*8', A, 3)],
  });
  expect(ids(d.keep)).toEqual(['*7']);
  expect(ids(d.logout)).toEqual(['*8']);
});

test('devices on record keep their places even offline, before any new session however long', () => {
  const d = decideDeviceLimit({
    limit: 2,
    boundMac: null,
    known: known(A, B),
    sessions: [s('*1', B, 5), s('*2', C, 999)],
  });
  expect(ids(d.keep)).toEqual(['*1']);
  expect(d.adopt).toEqual([]);
  expect(ids(d.logout)).toEqual(['*2']);
});

test('a free place goes to the longest-running new device; known ones are not adopted again', () => {
  const d = decideDeviceLimit({
    limit: 2,
    boundMac: null,
    known: known(A),
    sessions: [s('*1', A, 100), s('*2', C, 20), s('*3', D, 50)],
  });
  expect(ids(d.keep)).toEqual(['*1', '*3']);
  expect(ids(d.adopt)).toEqual(['*3']);
  expect(ids(d.logout)).toEqual(['*2']);
});

test('known devices are ranked by first_seen_at, not by the order given', () => {
  const places = devicePlaces({
    limit: 2,
    boundMac: null,
    known: [
      { mac: C, firstSeenAt: 3000 },
      { mac: A, firstSeenAt: 1000 },
      { mac: B, firstSeenAt: 2000 },
    ],
    sessions: [],
  });
  expect([...places]).toEqual([A, B]);
});

test('more devices on record than the plan allows (a plan changed, older records): the later ones go', () => {
  const d = decideDeviceLimit({
    limit: 1,
    boundMac: null,
    known: known(A, B),
    sessions: [s('*1', B, 10)],
  });
  expect(ids(d.logout)).toEqual(['*1']);
});

test('a device counts once however many sessions it has', () => {
  const d = decideDeviceLimit({
    limit: 2,
    boundMac: null,
    known: [],
    sessions: [s('*1', A, 50), s('*2', A, 10), s('*3', B, 20), s('*4', C, 5)],
  });
  expect(ids(d.keep)).toEqual(['*1', '*2', '*3']);
  expect(ids(d.adopt)).toEqual(['*1', '*3']);
  expect(ids(d.logout)).toEqual(['*4']);
});

test('a re-login of a known device takes no new place', () => {
  const d = decideDeviceLimit({
    limit: 2,
    boundMac: null,
    known: known(A, B),
    sessions: [s('*9', A, 0), s('*5', B, 60)],
  });
  expect(ids(d.keep)).toEqual(['*9', '*5']);
  expect(d.adopt).toEqual([]);
  expect(d.logout).toEqual([]);
});

describe('one-device voucher bound to a MAC', () => {
  test('the bound MAC keeps the place even with no record and no session', () => {
    const d = decideDeviceLimit({ limit: 1, boundMac: A, known: [], sessions: [s('*1', B, 100)] });
    expect(d.keep).toEqual([]);
    expect(ids(d.logout)).toEqual(['*1']);
  });

  test('its own session stays and is recorded when it has no row', () => {
    const d = decideDeviceLimit({
      limit: 1,
      boundMac: A,
      known: [],
      sessions: [s('*1', B, 100), s('*2', A, 1)],
    });
    expect(ids(d.keep)).toEqual(['*2']);
    expect(ids(d.adopt)).toEqual(['*2']);
    expect(ids(d.logout)).toEqual(['*1']);
  });

  test('the binding is ignored on a plan for several devices (never written for those)', () => {
    const d = decideDeviceLimit({
      limit: 2,
      boundMac: A,
      known: [],
      sessions: [s('*1', B, 100), s('*2', C, 50)],
    });
    expect(ids(d.keep)).toEqual(['*1', '*2']);
  });
});

test('within the count nothing is logged out', () => {
  const d = decideDeviceLimit({
    limit: 3,
    boundMac: null,
    known: known(A),
    sessions: [s('*1', A, 1), s('*2', B, 2)],
  });
  expect(d.logout).toEqual([]);
  expect(ids(d.adopt)).toEqual(['*2']);
});
