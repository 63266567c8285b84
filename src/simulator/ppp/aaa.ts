/**
 * What the PPPoE server asks of the router's RADIUS client (docs/routeros.md "PPPoE", "RADIUS for PPP"): a
 * login for a name no local secret has, and accounting of the sessions. The RADIUS side implements it; the PPP
 * side knows only this.
 */
import type { Item } from '../table';
import type { PppActiveItem } from './tables';

/** What an Access-Accept gave a PPP session: each value, when present, overrides its profile's. */
export interface PppGrant {
  /** Framed-IP-Address. */
  address?: string;
  /** Framed-Pool. */
  pool?: string;
  /** Mikrotik-Rate-Limit. */
  rateLimit?: string;
  /** Mikrotik-Address-List. */
  addressList?: string;
  /** Mikrotik-Group: the PPP profile the session runs with. */
  profile?: string;
  /** Acct-Interim-Interval, seconds. */
  interimInterval?: number;
  /** Class attributes, echoed in accounting. */
  classes: Buffer[];
}

export interface PppDevice {
  user: string;
  password: string;
  mac: string;
  /** The PPPoE server the CPE dialled. */
  server: Item;
  acctSessionId: string;
}

export type PppLogin =
  { ok: true; grant: PppGrant } | { ok: false; reason: 'authentication-failed' | 'radius-timeout' };

export interface PppAaa {
  authenticate(device: PppDevice): Promise<PppLogin>;
  started(session: PppActiveItem): void;
  /** `cause`: the Acct-Terminate-Cause. */
  ended(session: PppActiveItem, cause: string): void;
}
