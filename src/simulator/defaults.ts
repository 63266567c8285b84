/**
 * What a RouterOS 7 router holds before anyone changes it, as the simulator installs it (state.ts): the menus'
 * default rows and values, the services' ports, the factory hotspot files.
 */
/** ◐ `/radius/incoming` on a router nobody changed (the API's defaults, as published router data shows them). */
export const RADIUS_INCOMING_DEFAULTS: Record<string, string> = {
  accept: 'false',
  port: '3799',
  vrf: 'main',
};

export const PROFILE_DEFAULTS: Record<string, string> = {
  'shared-users': '1',
  'session-timeout': '0s',
  'idle-timeout': 'none',
  'keepalive-timeout': '2m',
  'status-autorefresh': '1m',
  'mac-cookie-timeout': '3d',
  'add-mac-cookie': 'true',
  'open-status-page': 'always',
  'transparent-proxy': 'false',
  'insert-queue-before': 'first',
  'parent-queue': 'none',
  advertise: 'false',
};

/** What `/ip/hotspot/profile/print` shows for a profile added with only a name (RouterOS 7). */
export const SERVER_PROFILE_DEFAULTS: Record<string, string> = {
  'hotspot-address': '0.0.0.0',
  'dns-name': '',
  'html-directory': 'hotspot',
  'html-directory-override': '',
  'rate-limit': '',
  'http-proxy': '0.0.0.0:0',
  'smtp-server': '0.0.0.0',
  'login-by': 'cookie,http-chap',
  'http-cookie-lifetime': '3d',
  'split-user-domain': 'false',
  'install-hotspot-queue': 'false',
  'use-radius': 'false',
};

/**
 * A server profile's RADIUS settings as RouterOS 7 defaults them (◐ the API's defaults, as published router
 * data shows them). RouterOS lists them only while `use-radius` is on (◐ a published 7.x `print` of a profile
 * with `use-radius=false` has none of them), so a profile keeps only what was set, and these fill the rest.
 */
export const SERVER_PROFILE_RADIUS_DEFAULTS: Record<string, string> = {
  'nas-port-type': 'wireless-802.11',
  'radius-accounting': 'true',
  'radius-default-domain': '',
  'radius-interim-update': 'received',
  'radius-location-id': '',
  'radius-location-name': '',
  'radius-mac-format': 'XX:XX:XX:XX:XX:XX',
};

/** A server profile's value, its RADIUS default when it was never set. */
export function serverProfileValue(cfg: Record<string, string>, key: string): string {
  return cfg[key] ?? SERVER_PROFILE_RADIUS_DEFAULTS[key] ?? SERVER_PROFILE_DEFAULTS[key] ?? '';
}

/** ✔ RouterOS 7's services and their default ports. */
export const SERVICE_PORTS: [string, number][] = [
  ['telnet', 23],
  ['ftp', 21],
  ['www', 80],
  ['ssh', 22],
  ['www-ssl', 443],
  ['api', 8728],
  ['winbox', 8291],
  ['api-ssl', 8729],
];

/**
 * The factory `login.html` as the simulator has it: a form posting to `$(link-login-only)` (✔ the factory page
 * does; ✖ the real page is longer and logs in with CHAP). Served through the simulator's own built-in page.
 */
export const FACTORY_LOGIN_HTML =
  '<html><head><title>hotspot login</title></head><body>' +
  '<form name="login" action="$(link-login-only)" method="post">' +
  '<input type="hidden" name="dst" value="$(link-orig)"><input type="hidden" name="popup" value="true">' +
  '<input name="username" type="text" value="$(username)"><input name="password" type="password">' +
  '<input type="submit" value="OK"></form>$(if error)<p>$(error)</p>$(endif)</body></html>';

export const HOTSPOT_PLACEHOLDER_COMMENT = 'place hotspot rules here';

/** What a filter rule added with only a chain prints (`log=false`, empty `log-prefix`, enabled). */
export const FILTER_DEFAULTS: Record<string, string> = {
  action: 'accept',
  log: 'false',
  'log-prefix': '',
  disabled: 'false',
  comment: '',
};

export const SERVER_DEFAULTS: Record<string, string> = {
  'address-pool': 'none',
  'idle-timeout': '5m',
  'keepalive-timeout': 'none',
  'login-timeout': 'none',
  'addresses-per-mac': 'unlimited',
  disabled: 'false',
  invalid: 'false',
};
