import type { Harness } from '../helpers/harness';
import { SYSTEM } from '../../src/services/types';

export const AUTH = { Authorization: 'Bearer test-token-0123456789abcdef' };

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

export async function voucherRow(h: Harness, code: string): Promise<Record<string, unknown>> {
  return h.core!.db('vouchers').where({ code }).first();
}
