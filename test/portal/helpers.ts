import type { Harness } from '../helpers/harness';
import { SYSTEM } from '../../src/services/types';

export const AUTH = { Authorization: 'Bearer test-token-0123456789abcdef' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read arbitrary JSON
export type Json = Record<string, any>;

/** A call to the admin API with the harness's token: its status and JSON answer. */
export async function adminApi(h: Harness, method: string, path: string, body?: unknown) {
  const res = await fetch(`${h.app!.url}/admin/api${path}`, {
    method,
    headers: { ...AUTH, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: (await res.json()) as Json };
}

/** Device n on the simulated hotspot: 02:AA:00:00:00:0n at 10.5.50.(100+n). */
export function device(n: number): { mac: string; ip: string } {
  const hex = n.toString(16).toUpperCase().padStart(2, '0');
  return { mac: `02:AA:00:00:00:${hex}`, ip: `10.5.50.${100 + n}` };
}

export function addDevice(h: Harness, n: number): { mac: string; ip: string } {
  const d = device(n);
  h.sim.addDevice(d);
  return d;
}

export async function makeVouchers(
  h: Harness,
  profile: string,
  count: number,
  extra: Record<string, unknown> = {},
): Promise<string[]> {
  const out = await h.core!.services.vouchers.generate({ profile, count, ...extra }, SYSTEM);
  return out.vouchers.map((v) => v.code);
}

/** Opens the portal form like a phone's browser: its page, and the form-token cookie it set. */
export async function openForm(url: string): Promise<{ page: string; cookie: string; token: string }> {
  const res = await fetch(url);
  // Every cookie the page set (its form token, the browser's portal token), as a browser sends them back.
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const page = await res.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  return { page, cookie, token };
}

export async function redeemApi(
  h: Harness,
  body: { code: string; mac: string; ip: string },
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${h.app!.url}/api/portal/redeem`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/** A voucher of `profile` first used now, on the `n`th simulated phone. */
export async function usedVoucher(h: Harness, profile: string, n: number): Promise<string> {
  const [code] = await makeVouchers(h, profile, 1);
  const r = await redeemApi(h, { code, ...addDevice(h, n) });
  if (r.status !== 200) throw new Error(`${code} was not redeemed: ${r.status} ${JSON.stringify(r.json)}`);
  return code;
}

export async function voucherRow(h: Harness, code: string): Promise<Record<string, unknown>> {
  return h.core!.db('vouchers').where({ code }).first();
}

/**
 * ONLINE: a plan that counts connected time only (the one a customer may pause), with `extra` (its longest pause,
 * pauses a day) as each test wants it.
 */
export const onlinePlan = (extra: Record<string, unknown> = {}) => ({
  name: 'ONLINE',
  price: 10,
  validity: '1h',
  users: 1,
  rate_up: '1M',
  rate_down: '2M',
  time_mode: 'uptime',
  ...extra,
});

/** A portal call as the phone's browser makes it: its answer, and the device cookie a redemption leaves. */
export async function portalPost(h: Harness, path: string, body: Record<string, unknown>, cookie?: string) {
  const res = await fetch(`${h.app!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const device = res.headers.getSetCookie().find((x) => x.startsWith('pisonet_device='));
  return { status: res.status, json: (await res.json()) as Json, cookie: device?.split(';')[0] };
}
