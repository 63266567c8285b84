import { Router } from 'express';
import type { WebContext } from '../context';
import { pageLocals } from './pages/common';
import { dashboardRoutes } from './pages/dashboard';
import { voucherRoutes } from './pages/vouchers';
import { voucherDetailRoutes } from './pages/voucher-detail';
import { chargeReceiptRoutes } from './pages/charge-receipt';
import { paymentReceiptRoutes } from './pages/payment-receipt';
import { profileRoutes } from './pages/profiles';
import { bandwidthRoutes } from './pages/bandwidth';
import { userRoutes } from './pages/users';
import { reportRoutes } from './pages/reports';
import { settingsRoutes } from './pages/settings';
import { auditRoutes } from './pages/audit';
import { vendoRoutes } from './pages/vendos';
import { siteRoutes } from './pages/sites';
import { routerRoutes } from './pages/router';
import { routerRebootRoutes } from './pages/router-reboot';
import { routerSetupRoutes } from './pages/router-setup';
import { cardDesignRoutes } from './pages/card-design';
import { backupRoutes } from './pages/backups';
import { paymentRoutes } from './pages/payments';
import { accountRoutes } from './pages/accounts';
import { subscriberRoutes } from './pages/subscribers';
import { adoptRoutes } from './pages/subscribers-adopt';
import { invoiceRoutes } from './pages/invoices';

/**
 * The owner's web admin (server-rendered pages). Mounted at /admin after requireAdmin and csrfProtection;
 * every change goes through the services, which audit it.
 */
export function adminPagesRouter(ctx: WebContext): Router {
  const router = Router();
  router.use(pageLocals(ctx));
  router.use(dashboardRoutes(ctx));
  router.use(voucherRoutes(ctx));
  router.use(voucherDetailRoutes(ctx));
  router.use(chargeReceiptRoutes(ctx));
  router.use(paymentReceiptRoutes(ctx));
  router.use(profileRoutes(ctx));
  router.use(bandwidthRoutes(ctx));
  router.use(userRoutes(ctx));
  router.use(reportRoutes(ctx));
  router.use(settingsRoutes(ctx));
  router.use(auditRoutes(ctx));
  router.use(vendoRoutes(ctx));
  router.use(siteRoutes(ctx));
  router.use(routerRoutes(ctx));
  router.use(routerRebootRoutes(ctx));
  router.use(routerSetupRoutes(ctx));
  router.use(cardDesignRoutes(ctx));
  router.use(backupRoutes(ctx));
  router.use(paymentRoutes(ctx));
  router.use(adoptRoutes(ctx)); // before `/subscribers/:id`
  router.use(subscriberRoutes(ctx));
  router.use(invoiceRoutes(ctx));
  router.use(accountRoutes(ctx)); // accounts (owner), the end-of-shift slip (every login)
  return router;
}
