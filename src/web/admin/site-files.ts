import { Router } from 'express';
import { siteLoginPage } from '../../services/business/sites/login-page';
import type { WebContext } from '../context';
import { ownAddress } from '../own-address';

/**
 * Files the owner uploads to a site's router: its hotspot login page (docs/router-login.html with the portal's
 * address and the site's name filled in), so the portal knows which router each customer comes from.
 */
export function siteFilesRouter(ctx: WebContext): Router {
  const r = Router();
  r.get('/sites/:id/login.html', async (req, res) => {
    const site = await ctx.services.sites.get(req.params.id);
    const page = siteLoginPage(ownAddress(ctx, req), site.name);
    res
      .type('html')
      .set('Content-Disposition', `attachment; filename="login-${site.name}.html"`)
      .set('Cache-Control', 'no-store')
      .send(page);
  });
  return r;
}
