import type { Harness } from '../helpers/harness';
import { demoDevice } from '../../src/simulator';
import { SYSTEM } from '../../src/services/types';

/** Active customers: vouchers generated, devices on the hotspot, codes redeemed, one poll cycle done. */
export async function seedActiveUsers(
  h: Harness,
  n: number,
  profile = 'STANDARD',
): Promise<{ code: string; mac: string; ip: string }[]> {
  const s = h.core!.services;
  const { vouchers } = await s.vouchers.generate({ profile, count: n }, SYSTEM);
  const out: { code: string; mac: string; ip: string }[] = [];
  for (let i = 0; i < n; i++) {
    const dev = demoDevice(100 + i);
    h.sim.addDevice(dev);
    await s.redemption.redeem({ code: vouchers[i].code, mac: dev.mac, ip: dev.ip });
    out.push({ code: vouchers[i].code, ...dev });
  }
  await s.usage.runCycle();
  return out;
}

/** Some traffic for each device, then time passes and a poll cycle counts it. */
export async function addTrafficAndPoll(
  h: Harness,
  devices: { mac: string }[],
  bytes = { up: 2_000_000, down: 20_000_000 },
  seconds = 30,
): Promise<void> {
  for (const d of devices) h.sim.addTraffic(d.mac, bytes, seconds);
  h.clock.advance(seconds * 1000);
  h.sim.tick(seconds);
  await h.core!.services.usage.runCycle();
}
