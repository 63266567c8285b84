/**
 * A site's own hotspot login page: docs/router-login.html with the portal's address and the site's name filled
 * in, ready to upload to that router. The portal then knows which router a customer comes from without asking
 * every router (src/services/business/sites/dispatch.ts).
 */
import fs from 'node:fs';
import { AppError } from '../../../domain/errors';
import { projectPath } from '../../../lib/paths';

const TEMPLATE = projectPath('docs', 'router-login.html');

/** An http(s) origin (optionally with a path) safe to put in an HTML attribute and a URL. */
function checkPortalBase(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    url = new URL('invalid:');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || /["'<>\s&]/.test(base))
    throw new AppError(
      'PORTAL_URL_INVALID',
      `The portal address ${JSON.stringify(base)} is not an http(s) address; set PORTAL_URL, e.g. http://10.5.50.2:5000`,
      400,
      'portal',
    );
  return base.replace(/\/+$/, '');
}

/** The page for `site` (a validated site name: letters, digits, - and _) that sends customers to `portalBase`. */
export function siteLoginPage(portalBase: string, site: string): string {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(site)) throw new Error(`not a site name: ${site}`);
  const base = checkPortalBase(portalBase);
  const page = fs
    .readFileSync(TEMPLATE, 'utf8')
    .replaceAll('PORTAL_BASE', base)
    .replace('&amp;site=default"', `&amp;site=${site}"`)
    .replace(
      '<input type="hidden" name="site" value="default" />',
      `<input type="hidden" name="site" value="${site}" />`,
    );
  if (!page.includes(`name="site" value="${site}"`) || !page.includes(`site=${site}"`))
    throw new Error('docs/router-login.html no longer has the site placeholders');
  return page;
}
