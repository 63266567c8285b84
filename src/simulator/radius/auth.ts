/**
 * A hotspot login asked of the RADIUS servers (docs/routeros.md "RADIUS", "Login through RADIUS"): one PAP
 * Access-Request, and what an Access-Accept gives the session.
 */
import { LOGIN_ERR_BAD_CREDENTIALS, LOGIN_ERR_RADIUS_TIMEOUT, Trap } from '../messages';
import type { RadiusGrant, RouterState } from '../state';
import { parseRateLimit } from '../values';
import { attr, attrs, RadiusError, type RadiusPacket } from './codec';
import { deviceAttributes, type DeviceContext } from './nas';
import type { RadiusServers } from './servers';

export interface RadiusLogin {
  grant: RadiusGrant;
  /** The hotspot user profile the session runs with. */
  profile: string;
}

/**
 * Asks the `hotspot` entries in turn. Resolves with the session's grant on Access-Accept; rejects a Trap with
 * the text the login page would show: ◐ a reject's Reply-Message, else `invalid username or password`; ◐ `RADIUS
 * server is not responding` when none answers (the hotspot's `errors.txt`).
 */
export async function authenticate(
  state: RouterState,
  servers: RadiusServers,
  device: DeviceContext,
  password: string,
  listenHost: string,
): Promise<RadiusLogin> {
  let reply: RadiusPacket;
  try {
    const answer = await servers.ask('hotspot', 'Access-Request', 'auth', (entry) => [
      ...deviceAttributes(state, device, entry, listenHost),
      ['User-Password', password],
    ]);
    reply = answer.reply;
  } catch (err) {
    if (err instanceof RadiusError && err.code === 'TIMEOUT') throw new Trap(LOGIN_ERR_RADIUS_TIMEOUT);
    throw err;
  }
  if (reply.code !== 'Access-Accept') {
    const message = attrs(reply, 'Reply-Message').filter((m): m is string => typeof m === 'string');
    throw new Trap(message.length ? message.join('') : LOGIN_ERR_BAD_CREDENTIALS);
  }
  return { grant: grantOf(reply), profile: profileOf(state, reply) };
}

/**
 * ✔ The reply attributes RouterOS honours for a hotspot user (MikroTik's RADIUS client manual): each one
 * present overrides the user profile's value. ✖ A Mikrotik-Rate-Limit that does not parse is ignored.
 */
function grantOf(reply: RadiusPacket): RadiusGrant {
  const num = (name: string): number | undefined => {
    const v = attr(reply, name);
    return typeof v === 'number' ? v : undefined;
  };
  const grant: RadiusGrant = {
    classes: attrs(reply, 'Class').filter((c): c is Buffer => Buffer.isBuffer(c)),
  };
  const rate = attr(reply, 'Mikrotik-Rate-Limit');
  if (typeof rate === 'string' && parseRateLimit(rate)) grant.rateLimit = rate;
  const sessionTimeout = num('Session-Timeout');
  if (sessionTimeout !== undefined) grant.sessionTimeout = sessionTimeout;
  const idleTimeout = num('Idle-Timeout');
  if (idleTimeout !== undefined) grant.idleTimeout = idleTimeout;
  const interim = num('Acct-Interim-Interval');
  if (interim !== undefined) grant.interimInterval = interim;
  const total = num('Mikrotik-Total-Limit');
  const giga = num('Mikrotik-Total-Limit-Gigawords');
  if (total !== undefined || giga !== undefined) grant.limitBytesTotal = (giga ?? 0) * 2 ** 32 + (total ?? 0);
  return grant;
}

/** ✔ Mikrotik-Group names the hotspot user profile; one the router does not have leaves `default`. */
function profileOf(state: RouterState, reply: RadiusPacket): string {
  const group = attr(reply, 'Mikrotik-Group');
  return typeof group === 'string' && state.profiles.byNameGet(group) ? group : 'default';
}
