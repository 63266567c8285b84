/**
 * A site's settings as `pisonet sites add|edit` read them: the flags, and the router password and RADIUS secret
 * from a hidden prompt or standard input (never echoed or printed).
 */
import { password as passwordPrompt } from '../lib/ask';
import { optionSpec } from '../lib/args';
import type { SiteInput } from '../../src/services/business/sites/types';
import { readStdin } from './shared';

export const FIELDS = `  --host HOST                 the router's address: host name, IPv4 or IPv6
  --port PORT                 its API port (default 8728, or 8729 with --tls)
  --user USER                 an API user (a group with the api, read and write policies)
  --password-stdin            read the API password from standard input (first line)
  --hotspot-server NAME       the hotspot server (default: all)
  --hotspot-user-profile NAME the hotspot user profile (default: default)
  --tz ZONE                   the site's time zone when it differs from the shop's, e.g. Asia/Manila
  --wifi-name NAME            the WiFi name printed on its cards when it differs from the shop's ("" for the shop's)
  --mode api|radius           api (default): the router's API meters and enforces; radius: FreeRADIUS
                              authenticates its vouchers and CoA enforces (needs PostgreSQL; docs/radius.md)
  --nas-address IP            radius: the address the router's RADIUS packets come from
  --radius-secret-stdin       radius: read the shared secret from standard input (after the API password's
                              line when --password-stdin is given too); a hidden prompt asks otherwise
  --coa-port PORT             radius: the router's CoA/Disconnect port (/radius incoming; default 3799)`;

/** The site's settings as options; each is the service's field with `_` for `-` (`wifi-name` → `wifi_name`). */
const SETTINGS = [
  'name',
  'host',
  'port',
  'user',
  'hotspot-server',
  'hotspot-user-profile',
  'tz',
  'wifi-name',
  'mode',
  'nas-address',
  'coa-port',
  'static-pool',
] as const;

export const fieldOptions = optionSpec(
  [...SETTINGS, 'password', 'radius-secret'],
  ['password-stdin', 'no-password', 'radius-secret-stdin', 'json'],
);

/** The password from the flags: stdin, a prompt, none, or (discouraged) the flag; undefined = not given. */
export async function passwordFrom(
  values: Record<string, string | boolean | undefined>,
  askByDefault: boolean,
): Promise<string | undefined> {
  if (values['no-password']) return '';
  if (values['password-stdin']) return (await stdinLines())[0];
  if (typeof values.password === 'string') return values.password;
  if (values['ask-password'] || (askByDefault && process.stdin.isTTY))
    return passwordPrompt({ message: 'Router API password:', mask: '*' });
  return undefined;
}

/** Standard input's lines, read once (the API password and the RADIUS secret may both come from it). */
let stdinRead: Promise<string[]> | undefined;
const stdinLines = (): Promise<string[]> => (stdinRead ??= readStdin().then((t) => t.split(/\r?\n/)));

/** The RADIUS secret from the flags: stdin (after the password's line), a prompt, or the flag; undefined = not given. */
export async function radiusSecretFrom(
  values: Record<string, string | boolean | undefined>,
  askByDefault: boolean,
): Promise<string | undefined> {
  if (values['radius-secret-stdin']) return (await stdinLines())[values['password-stdin'] ? 1 : 0] ?? '';
  if (typeof values['radius-secret'] === 'string') return values['radius-secret'];
  if (askByDefault && process.stdin.isTTY)
    return passwordPrompt({ message: 'RADIUS shared secret:', mask: '*' });
  return undefined;
}

export function siteInput(values: Record<string, string | boolean | undefined>): SiteInput {
  const s = (k: string) => (typeof values[k] === 'string' ? values[k] : undefined);
  return Object.fromEntries(SETTINGS.map((o) => [o.replace(/-/g, '_'), s(o)])) as SiteInput;
}
