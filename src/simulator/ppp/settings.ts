/**
 * How a PPPoE dial-in is judged and what a session gets (docs/routeros.md "PPPoE"), as plain functions of the
 * router's configuration. ✔ (PPP AAA page) A secret's settings win over its profile's, the profile's over the
 * server's default profile, and a single address always wins over a pool; `only-one=default` takes the default
 * profile's value, and means `no` on the default profile itself.
 */
import { ipToInt } from '../values';
import type { Item, Table } from '../table';
import type { PppState, PppSettings } from './tables';

/** Why a dial-in fails, in the words tests and the demo use. */
export type DialRefusal =
  'no-server' | 'authentication-failed' | 'radius-timeout' | 'only-one' | 'no-address' | 'router-down';

export interface DialResult {
  ok: boolean;
  /** The address the CPE got (ok only). */
  address?: string;
  reason?: DialRefusal;
}

export interface DialRequest {
  /** The CPE's MAC address (its PPPoE caller-id). */
  mac: string;
  user: string;
  password: string;
  /** The service name the CPE asks for; empty or absent: any server that accepts an empty one. */
  serviceName?: string;
}

/** The enabled PPPoE server that answers a CPE's discovery for this service name, if any. */
export function answeringServer(servers: Table<Item>, serviceName: string): Item | undefined {
  return servers.list.find(
    (s) =>
      s.cfg.disabled !== 'true' &&
      (serviceName === ''
        ? s.cfg['accept-empty-service'] !== 'false' || s.cfg['service-name'] === ''
        : s.cfg['service-name'] === serviceName),
  );
}

/** The secret a dial-in may use: it exists, is enabled, the password and caller-id match, PPPoE is allowed. */
export function matchingSecret(ppp: PppState, req: DialRequest): Item | undefined {
  const secret = ppp.secrets.byNameGet(req.user);
  if (!secret || secret.cfg.disabled === 'true') return undefined;
  if (secret.cfg.password !== req.password) return undefined;
  if (secret.cfg.service !== 'any' && secret.cfg.service !== 'pppoe') return undefined;
  const callerId = secret.cfg['caller-id'] ?? '';
  if (callerId !== '' && callerId.toUpperCase() !== req.mac.toUpperCase()) return undefined;
  return secret;
}

/** A setting from the profile, else from the server's default profile (empty or `default` fall through). */
function layered(profile: Item | undefined, fallback: Item | undefined, field: string): string {
  const own = profile?.cfg[field] ?? '';
  if (own !== '' && own !== 'default') return own;
  return fallback?.cfg[field] ?? '';
}

/** What the session takes at its start: later changes to the secret or profiles do not reach it. */
export function sessionSettings(ppp: PppState, secret: Item, server: Item): PppSettings {
  const profile = ppp.profiles.byNameGet(secret.cfg.profile) ?? ppp.profiles.byNameGet('default');
  const fallback = ppp.profiles.byNameGet(server.cfg['default-profile']) ?? ppp.profiles.byNameGet('default');
  const onlyOne = layered(profile, fallback, 'only-one');
  return {
    profile: profile?.cfg.name ?? 'default',
    rateLimit: layered(profile, fallback, 'rate-limit'),
    addressList: layered(profile, fallback, 'address-list'),
    onlyOne: onlyOne === 'yes',
  };
}

/**
 * Where an address comes from: the secret's own address, else a single address on the profile (or the default
 * profile), else a pool named there; undefined when none is set.
 */
export function addressSource(
  ppp: PppState,
  secret: Item,
  server: Item,
  field: 'remote-address' | 'local-address',
): { address: string } | { pool: string } | undefined {
  const own = secret.cfg[field] ?? '';
  if (own !== '') return { address: own };
  const profile = ppp.profiles.byNameGet(secret.cfg.profile);
  const fallback = ppp.profiles.byNameGet(server.cfg['default-profile']);
  const values = [profile?.cfg[field] ?? '', fallback?.cfg[field] ?? ''].filter((v) => v !== '');
  const single = values.find((v) => ipToInt(v) !== null);
  if (single) return { address: single };
  return values[0] !== undefined ? { pool: values[0] } : undefined;
}
