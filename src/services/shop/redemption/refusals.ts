/**
 * What a customer is told when a code cannot be used: the portal's refusals, and the router's refusals of the
 * login in the customer's words.
 */
import { AppError, RouterError, WrongSiteError } from '../../../domain/errors';
import { confirmedLoginRefusal } from '../../../router/login-refusals';
import type { SiteDeps } from '../../deps';
import { shopName } from '../../business/settings';
import { DEFAULT_SITE_ID } from '../../business/sites/types';

export const unreachable = () =>
  new AppError(
    'ROUTER_UNREACHABLE',
    'The internet service is not reachable right now. Your code was not used; please try again in a minute.',
    503,
  );
/**
 * The router did not answer the login: the device may be online. Its claim stays until the poll sees the router's
 * sessions: confirmed if the device is online, else given back (a first use back to unused, its time not started).
 */
export const loginUnconfirmed = () =>
  new AppError(
    'LOGIN_UNCONFIRMED',
    'The hotspot was slow to answer, so your login is not confirmed yet. You may already be online: open a website to check. If you are not, enter your code again in a minute; a login that did not go through does not use up your code.',
    503,
  );
/** The redemption's answer for a login the router did not answer (a caller that undoes its own work reads it). */
export const isLoginUnconfirmed = (err: unknown): boolean =>
  err instanceof AppError && err.code === 'LOGIN_UNCONFIRMED';
export const unknownDevice = () =>
  new AppError(
    'UNKNOWN_DEVICE',
    'Your device is not connected to this WiFi hotspot. Reconnect to the WiFi and open the login page again.',
    403,
  );
/** One answer for a wrong code and a wrong password (the words follow what was sent, never the voucher). */
export const invalidCode = (withPassword = false) =>
  withPassword
    ? new AppError(
        'INVALID_CODE',
        'That code or password is not valid. Check them and try again.',
        404,
        'code',
      )
    : new AppError('INVALID_CODE', 'That code is not valid. Check it and try again.', 404, 'code');
export const deviceLimit = () =>
  new AppError('DEVICE_LIMIT', 'This code is already in use on another device.', 409, 'code');
export const expired = () =>
  new AppError('VOUCHER_EXPIRED', 'This code has expired or its data is used up.', 410, 'code');
/** A code waiting at its cap for extra data (its plan sells some): it is kept, with its time, until bought. */
export const dataUsedUp = () =>
  new AppError(
    'DATA_USED_UP',
    "This code's data is used up. To go online again, buy extra data: enter a code of a plan with data, or pay with coins at the coin box.",
    409,
    'code',
  );

/** Where another site's code works (WrongSiteError); a site gone meanwhile gets the message without it. */
export async function otherSite(deps: SiteDeps, siteId: number | null): Promise<AppError> {
  const row =
    siteId === null
      ? undefined
      : ((await deps.db('sites').where({ id: siteId }).first('name', 'wifi_name')) as
          { name: string; wifi_name: string | null } | undefined);
  if (!row)
    return new AppError(
      'WRONG_SITE',
      "This code is for another of the shop's WiFi hotspots. Your code was not used; connect to that hotspot to use it.",
      409,
      'code',
    );
  const main = siteId === DEFAULT_SITE_ID;
  const wifi = (!main && row.wifi_name) || deps.config.wifiName || (await shopName(deps.settings));
  return new WrongSiteError(main ? null : row.name, wifi);
}

const notOnRouter = () =>
  new AppError(
    'VOUCHER_NOT_ON_ROUTER',
    'The hotspot is not ready for this code yet. Your code was not used; please try again in a minute.',
    503,
  );

/**
 * The hotspot's refusal of the login, in the customer's words, for the texts a real router is known to send
 * (src/router/login-refusals.ts). Any other text was checked against the device's session on the router before
 * it reached here, and is told as the router's own refusal.
 */
function refusal(err: RouterError, users: number): AppError | undefined {
  switch (confirmedLoginRefusal(err.routerMessage ?? '')) {
    case 'uptime-limit':
    case 'traffic-limit':
      return expired(); // the router's own accounting used the code up (on its login page, say)
    case 'too-many-sessions':
      // A plan of several devices: the router's user profile allows fewer (its shared-users), not another phone.
      return users > 1 ? fewerDevicesOnRouter() : deviceLimit();
    case 'mac-not-allowed':
      return deviceLimit();
    case 'unknown-host':
    case 'wrong-mac':
      return unknownDevice();
    case 'bad-credentials':
      return notOnRouter(); // the voucher's hotspot user is missing or altered: the users' check repairs it
    default:
      return undefined;
  }
}

/** The router's user profile lets fewer devices use one code than the code's plan sells. */
const fewerDevicesOnRouter = () =>
  new AppError(
    'ROUTER_DEVICE_LIMIT',
    "The hotspot lets fewer devices use one code than this code's plan allows. Your code was not used on this device; please ask the shop.",
    503,
  );

/**
 * What the customer is told when the login failed: a refusal in their words, else "try again". `users`: the
 * devices the code's plan allows.
 */
export function routerFailure(err: unknown, users = 1): AppError {
  // Safe mode (the database does not know this router): nothing was written; the customer needs the shop.
  if (err instanceof AppError && err.code === 'SAFE_MODE')
    return new AppError(
      'SAFE_MODE',
      'The hotspot is being set up by the shop. Your code was not used; please ask the shop for help.',
      503,
    );
  if (err instanceof AppError) return err;
  const known = err instanceof RouterError && err.code === 'ROUTER_TRAP' ? refusal(err, users) : undefined;
  if (known) return known;
  if (err instanceof RouterError && !err.transient && err.code !== 'ROUTER_LOGIN_FAILED') {
    return new AppError(
      'LOGIN_REFUSED',
      `The hotspot refused the login (${err.routerMessage ?? err.message}). Your code was not used.`,
      502,
    );
  }
  return unreachable();
}
