/**
 * The router's PPP objects that carry our subscribers: `/ppp/profile` (a plan), `/ppp/secret` (a subscriber)
 * and `/ppp/active` (their running sessions), as the PPP room (src/services/ppp-subscribers/) asks for them.
 * Ours carry `pisonet` in their comment; this module refuses to add, change or remove anything else.
 */
import { RouterError } from '../domain/errors';
import { isOurs, type PppAttrs, type PppProfileHave, type PppSecretHave } from '../domain/ppp-plan';
import type { RouterClient } from './types';

const PROFILE_MENU = '/ppp/profile';
const SECRET_MENU = '/ppp/secret';
const ACTIVE_MENU = '/ppp/active';

const PROFILE_PROPS = ['.id', 'name', 'rate-limit', 'only-one', 'remote-address', 'comment'];
const SECRET_PROPS = ['.id', 'name', 'password', 'profile', 'service', 'disabled', 'comment'];

export interface RouterPpp {
  profiles(): Promise<PppProfileHave[]>;
  secrets(): Promise<PppSecretHave[]>;
  /** The names of the running PPP sessions. */
  activeNames(): Promise<string[]>;
  /** The name of the running PPP session holding this address (the address it was given), or null. */
  sessionAt(address: string): Promise<string | null>;
  addProfile(attrs: PppAttrs): Promise<string>;
  setProfile(have: PppProfileHave, attrs: PppAttrs): Promise<void>;
  removeProfile(have: PppProfileHave): Promise<void>;
  addSecret(attrs: PppAttrs): Promise<string>;
  setSecret(have: PppSecretHave, attrs: PppAttrs): Promise<void>;
  removeSecret(have: PppSecretHave): Promise<void>;
  /** Ends every running session of this name (none: nothing to do). */
  endSession(name: string): Promise<number>;
}

function notOurs(what: string, name: string): RouterError {
  return new RouterError(
    'ROUTER_DUPLICATE',
    `${what} ${name} on the router has no "pisonet" in its comment: not ours, left alone`,
  );
}

function mustBeOurs(what: string, have: { name: string; ours: boolean }, attrs?: PppAttrs): void {
  if (!have.ours) throw notOurs(what, have.name);
  // A change of comment must keep the mark, or the object would leave our hands.
  if (attrs?.comment !== undefined && !isOurs(attrs.comment)) throw notOurs(what, have.name);
}

export function createRouterPpp(router: RouterClient): RouterPpp {
  return {
    async profiles() {
      const rows = await router.print(PROFILE_MENU, { proplist: PROFILE_PROPS });
      return rows.map((r) => ({
        id: r['.id'] ?? '',
        name: r.name ?? '',
        ours: isOurs(r.comment),
        rateLimit: r['rate-limit'] ?? '',
        onlyOne: r['only-one'] ?? 'default',
        remoteAddress: r['remote-address'] ?? '',
        comment: r.comment ?? '',
      }));
    },
    async secrets() {
      const rows = await router.print(SECRET_MENU, { proplist: SECRET_PROPS });
      return rows.map((r) => ({
        id: r['.id'] ?? '',
        name: r.name ?? '',
        ours: isOurs(r.comment),
        password: r.password ?? '',
        profile: r.profile ?? 'default',
        service: r.service ?? 'any',
        disabled: r.disabled === 'true' || r.disabled === 'yes',
        comment: r.comment ?? '',
      }));
    },
    async activeNames() {
      const rows = await router.print(ACTIVE_MENU, { proplist: ['.id', 'name'] });
      return rows.map((r) => r.name ?? '');
    },
    async sessionAt(address) {
      // The router filters: one row at most, whatever the number of subscribers online.
      const rows = await router.print(ACTIVE_MENU, {
        proplist: ['name', 'address'],
        query: [`address=${address}`],
      });
      return rows.find((r) => r.address === address)?.name ?? null;
    },
    async addProfile(attrs) {
      if (!isOurs(attrs.comment)) throw notOurs('PPP profile', attrs.name ?? '');
      return router.add(PROFILE_MENU, attrs);
    },
    async setProfile(have, attrs) {
      mustBeOurs('PPP profile', have, attrs);
      await router.set(PROFILE_MENU, have.id, attrs);
    },
    async removeProfile(have) {
      mustBeOurs('PPP profile', have);
      await router.remove(PROFILE_MENU, have.id);
    },
    async addSecret(attrs) {
      if (!isOurs(attrs.comment)) throw notOurs('PPP secret', attrs.name ?? '');
      return router.add(SECRET_MENU, attrs);
    },
    async setSecret(have, attrs) {
      mustBeOurs('PPP secret', have, attrs);
      await router.set(SECRET_MENU, have.id, attrs);
    },
    async removeSecret(have) {
      mustBeOurs('PPP secret', have);
      await router.remove(SECRET_MENU, have.id);
    },
    async endSession(name) {
      const rows = await router.print(ACTIVE_MENU, { proplist: ['.id'], query: [`name=${name}`] });
      const ids = rows.map((r) => r['.id']).filter((id): id is string => Boolean(id));
      if (ids.length) await router.remove(ACTIVE_MENU, ids);
      return ids.length;
    },
  };
}
