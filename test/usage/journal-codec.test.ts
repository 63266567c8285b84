/**
 * The usage journal's packed rows (src/services/usage/journal-codec.ts): what a poll writes reads back as the
 * same entries its JSON form had, every queue id and number exact, and a damaged row is refused, not misread.
 */
import {
  decodeJournal,
  encodeJournal,
  JournalPacker,
  routerIdNumber,
  type DeviceDelta,
  type VoucherDelta,
} from '../../src/services/usage/journal-codec';

const device = (over: Partial<DeviceDelta> = {}): DeviceDelta => ({
  id: 7,
  voucherId: 3,
  dUp: 1_000,
  dDown: 50_000,
  rateUp: 8_000,
  rateDown: 400_000,
  lastSeenAt: 1_795_000_000_123,
  baselineUp: 123_456_789_012,
  baselineDown: 2 ** 53 - 1,
  queueId: '*1A',
  ratesZeroed: false,
  ...over,
});
const voucher = (over: Partial<VoucherDelta> = {}): VoucherDelta => ({
  id: 3,
  dUp: 1_000,
  dDown: 50_000,
  dCounted: 51_000,
  dUptime: 30,
  ...over,
});

/** What the JSON form (rows written before the packed one) held for the same writes. */
function asJson(devices: DeviceDelta[], vouchers: VoucherDelta[]) {
  const body = {
    d: devices
      .filter((d) => !d.ratesZeroed)
      .map((d) => [
        d.id,
        d.voucherId,
        d.dUp,
        d.dDown,
        d.rateUp,
        d.rateDown,
        d.lastSeenAt,
        d.baselineUp,
        d.baselineDown,
        d.queueId,
      ]),
    z: devices.filter((d) => d.ratesZeroed).map((d) => d.id),
    v: vouchers
      .filter((v) => v.dUp || v.dDown || v.dCounted || v.dUptime)
      .map((v) => [v.id, v.dUp, v.dDown, v.dCounted, v.dUptime]),
  };
  return JSON.parse(JSON.stringify(body)) as unknown;
}

test('a packed row reads back exactly as its JSON form, whatever the queue ids look like', () => {
  const devices = [
    device(),
    device({ id: 8, queueId: null }),
    device({ id: 9, queueId: '*0' }),
    device({ id: 10, queueId: '*FFFFFFFFFFFFF' }), // 13 hex digits: still exact
    device({ id: 11, queueId: '*10000000000000' }), // 14: kept as text
    device({ id: 12, queueId: '*01' }), // a leading zero would read back as *1
    device({ id: 13, queueId: '*a' }), // lower case would read back as *A
    device({ id: 14, queueId: 'queue-ü' }),
    device({ id: 15, queueId: '*' }),
    device({ id: 16, ratesZeroed: true }),
    device({ id: 17, baselineUp: null, baselineDown: NaN }),
  ];
  const vouchers = [
    voucher(),
    voucher({ id: 4, dUp: 0, dDown: 0, dCounted: 0, dUptime: 0 }),
    voucher({ id: 5 }),
  ];
  const data = encodeJournal(devices, vouchers);
  expect(data).not.toBeNull();
  expect(decodeJournal({ data, body: '' })).toEqual(asJson(devices, vouchers));
  // A row written as JSON before the packed form (data NULL) is read from its body.
  const json = JSON.stringify(asJson(devices, vouchers));
  expect(decodeJournal({ data: null, body: json })).toEqual(asJson(devices, vouchers));
  // PostgreSQL's driver may hand back a view into a larger buffer.
  const offset = Buffer.concat([Buffer.alloc(3), data!]).subarray(3);
  expect(decodeJournal({ data: new Uint8Array(offset.buffer, offset.byteOffset, offset.length) })).toEqual(
    asJson(devices, vouchers),
  );
});

test('a packer made for fewer devices than the poll writes grows, and packs the same row', () => {
  const devices = Array.from({ length: 300 }, (_, i) =>
    device({
      id: i + 1,
      ratesZeroed: i % 3 === 0,
      queueId: i % 7 === 0 ? `q-${i}` : `*${(i + 1).toString(16).toUpperCase()}`,
    }),
  );
  const vouchers = [voucher(), voucher({ id: 5 })];
  for (const size of [0, 1, 64, 299, 300, 10_000]) {
    const packer = new JournalPacker(size);
    for (const d of devices) packer.device(d);
    expect(decodeJournal({ data: packer.finish(vouchers), body: '' })).toEqual(asJson(devices, vouchers));
  }
});

test('nothing to write is no row; router ids are read as RouterOS prints them', () => {
  expect(encodeJournal([], [voucher({ dUp: 0, dDown: 0, dCounted: 0, dUptime: 0 })])).toBeNull();
  expect(routerIdNumber('*1A')).toBe(26);
  expect(routerIdNumber('*0')).toBe(0);
  for (const id of ['*01', '*a', '*', '1A', '*G', '*10000000000000', '']) expect(routerIdNumber(id)).toBe(-1);
});

test('a damaged row is refused with a clear error, never misread', () => {
  const data = encodeJournal([device()], [voucher()])!;
  expect(() => decodeJournal({ data: data.subarray(0, data.length - 8) })).toThrow(/cut short/);
  const other = Buffer.from(data);
  other.writeDoubleLE(99, 0);
  expect(() => decodeJournal({ data: other })).toThrow(/unknown format/);
  const badQueue = encodeJournal([device({ queueId: 'x' })], [])!;
  const fewer = Buffer.concat([
    badQueue.subarray(0, badQueue.length - Buffer.byteLength('["x"]')),
    Buffer.from('[]'),
  ]);
  expect(() => decodeJournal({ data: fewer })).toThrow(/queue ids/);
});
