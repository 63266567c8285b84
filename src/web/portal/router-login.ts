/**
 * `GET /hotspot/login.html?site=NAME`: the login page made for a site, where its router fetches it
 * (`/tool/fetch`, `pisonet router setup --apply`). Public like the portal: the page holds only the portal's
 * address and the site's name, which every customer's phone sees anyway.
 */
import { Router } from 'express';
import { ROUTER_LOGIN_PATH, asciiHtml } from '../../services/network/router-setup/wants';
import { siteLoginPage } from '../../services/business/sites/login-page';
import type { WebContext } from '../context';
import { ownAddress } from '../own-address';

export function routerLoginRouter(ctx: WebContext): Router {
  const r = Router();
  r.get(ROUTER_LOGIN_PATH, async (req, res) => {
    const ref = typeof req.query.site === 'string' && req.query.site !== '' ? req.query.site : 'default';
    const site = await ctx.services.sites.get(ref);
    res
      .type('html')
      .set('Cache-Control', 'no-store')
      .send(asciiHtml(siteLoginPage(ownAddress(ctx, req), site.name)));
  });
  return r;
}
