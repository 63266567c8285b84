/** A parsed site input as the `sites` table's columns, and what the audit log keeps of them. */
import type { CredentialsBox } from './credentials';
import type { ParsedSite } from './validate';

/** Columns for a parsed input; the password only when one was given. */
export function columns(p: ParsedSite, box: CredentialsBox): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  if (p.name !== undefined) c.name = p.name;
  if (p.host !== undefined) c.host = p.host;
  if (p.port !== undefined) c.port = p.port;
  if (p.user !== undefined) c.username = p.user;
  // An empty password (a RouterOS user may have none) is stored as none.
  if (p.password !== undefined) c.password_enc = p.password === '' ? null : box.seal(p.password);
  if (p.tls !== undefined) c.tls = p.tls;
  if (p.hotspotServer !== undefined) c.hotspot_server = p.hotspotServer;
  if (p.hotspotUserProfile !== undefined) c.hotspot_user_profile = p.hotspotUserProfile;
  if (p.tz !== undefined) c.tz = p.tz;
  if (p.wifiName !== undefined) c.wifi_name = p.wifiName;
  if (p.mode !== undefined) c.mode = p.mode;
  if (p.nasAddress !== undefined) c.nas_address = p.nasAddress;
  if (p.radiusSecret !== undefined) c.radius_secret_enc = box.seal(p.radiusSecret);
  if (p.coaPort !== undefined) c.coa_port = p.coaPort;
  if (p.staticPool !== undefined) c.static_pool = p.staticPool;
  // A RADIUS site without API access keeps no connection details.
  if (p.host === '') Object.assign(c, { host: null, username: null, password_enc: null });
  return c;
}

/** What the audit log keeps of a change: every field but the password, which is only said to have changed. */
export function auditDetails(c: Record<string, unknown>, adding: boolean): Record<string, unknown> {
  const { password_enc, username, radius_secret_enc, ...rest } = c;
  return {
    ...rest,
    ...(radius_secret_enc !== undefined ? { radius_secret_set: true } : {}),
    ...(username !== undefined ? { user: username } : {}),
    ...(adding
      ? { password_set: password_enc != null }
      : password_enc !== undefined
        ? { password_changed: true }
        : {}),
  };
}
