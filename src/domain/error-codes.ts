/**
 * The catalogue of error codes (errors.ts): each code a stable name that the web, the API and the terminal show
 * and scripts match, grouped by the area that raises it. RouterError's own codes come from network-errors.ts.
 */
import type { RouterErrorCode } from './network-errors';

/** The code of every error we show: AppError's, ValidationError's and RouterError's. */
export type ErrorCode =
  | RouterErrorCode
  | 'UNREACHABLE' // a usage source or enforcer out of reach (UnreachableError), whatever the mode
  | 'SETUP_UNKNOWN_ITEM'
  | 'SERVICE_NOT_STARTED' // systemd did not take the service (`pisonet service install`)
  | 'SETUP_NO_PORTAL'
  | 'INVALID_INPUT' // input and requests
  | 'INVALID_JSON'
  | 'BAD_REQUEST'
  | 'BAD_URL'
  | 'URL_TOO_LONG'
  | 'TOO_LARGE'
  | 'TOO_MANY_FIELDS'
  | 'UNSUPPORTED_BODY'
  | 'CONFIRM_REQUIRED'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'FORBIDDEN_ROLE' // accounts and their roles
  | 'ACCOUNT_EXISTS'
  | 'ACCOUNT_NOT_FOUND'
  | 'CREDIT_LIMIT'
  | 'REMITTANCE_ABOVE_OWED'
  | 'REMITTANCE_NOT_FOUND'
  | 'REMITTANCE_VOIDED'
  | 'UNAUTHENTICATED'
  | 'INTERNAL'
  | 'USAGE'
  | 'CONFIG_INVALID' // starting, configuration, database, admin login
  | 'PROFILES_FILE'
  | 'CONTROLLER_RUNNING'
  | 'PORT_IN_USE'
  | 'PORT_NOT_ALLOWED'
  | 'BIND_NOT_AVAILABLE'
  | 'DATABASE_UNREACHABLE'
  | 'SCHEMA_MISMATCH'
  | 'TARGET_NOT_EMPTY'
  | 'COPY_MISMATCH'
  | 'BACKUP_DAMAGED' // backups and restores
  | 'BACKUP_NOT_FOUND'
  | 'BACKUP_NEWER'
  | 'BACKUP_FAILED'
  | 'BACKUP_WRONG_ENGINE'
  | 'BACKUP_TOOL_MISSING'
  | 'RESTORE_NOT_EMPTY'
  | 'RESTORE_FAILED'
  | 'CREDENTIALS_KEY_FILE'
  | 'CREDENTIALS_KEY_WRONG'
  | 'ADMIN_LOCKOUT'
  | 'PORTAL_URL_INVALID'
  | 'ROUTER_ERROR' // the router as the services see it
  | 'ROUTER_SLOW'
  | 'ROUTER_CHANGED'
  | 'SAFE_MODE'
  | 'PROFILE_NOT_FOUND' // profiles and vouchers
  | 'PROFILE_EXISTS'
  | 'PROFILE_ARCHIVED'
  | 'PROFILE_NOT_SHARED'
  | 'PROFILE_OTHER_SITE'
  | 'PROFILE_USED_BY_VENDO'
  | 'PROFILE_MONTHLY'
  | 'PLAN_TOO_SHORT'
  | 'BATCH_NOT_FOUND'
  | 'CODES_EXHAUSTED'
  | 'VOUCHER_NOT_FOUND'
  | 'VOUCHER_NOT_ON_ROUTER'
  | 'VOUCHER_UNLIMITED'
  | 'VOUCHER_ENDED'
  | 'VOUCHER_EXPIRED'
  | 'VOUCHER_REVOKED'
  | 'INVALID_CODE' // customers on the portal
  | 'RATE_LIMITED'
  | 'DEVICE_LIMIT'
  | 'ROUTER_DEVICE_LIMIT'
  | 'DEVICE_NOT_FOUND'
  | 'DEVICE_NOT_PROVEN'
  | 'DEVICE_OTHER_SITE'
  | 'UNKNOWN_DEVICE'
  | 'UNKNOWN_SESSION'
  | 'LOGIN_REFUSED'
  | 'LOGIN_UNCONFIRMED'
  | 'NO_ACTIVE_VOUCHER'
  | 'WRONG_SITE'
  | 'TOPUP_CONFLICT'
  | 'ALREADY_QUEUED'
  | 'NOTHING_QUEUED'
  | 'PAUSE_LIMIT'
  | 'PAUSE_NOT_AVAILABLE'
  | 'NOT_PAUSED'
  | 'CODE_IN_USE'
  | 'MOVE_LIMIT'
  | 'MOVE_OTHER_SITE'
  | 'DATA_USED_UP' // extra data at the cap (overage)
  | 'DATA_NOT_USED_UP'
  | 'OVERAGE_NOT_OFFERED'
  | 'OVERAGE_CONFLICT'
  | 'EXTEND_CONFLICT'
  | 'CHARGE_NOT_FOUND' // a counter sale's void
  | 'CHARGE_VOIDED'
  | 'CHARGE_NOT_YOURS'
  | 'CHARGE_VOID_CONFLICT'
  | 'VOUCHER_NOT_ACTIVE'
  | 'EXTRA_DATA_CREDIT_TOO_SMALL'
  | 'PAYMENTS_OFF' // online payments (src/services/shop/payments)
  | 'PAYMENT_NOT_FOUND'
  | 'IDEMPOTENCY_KEY_REUSED' // a subscriber's payment: the key of another payment
  | 'PAYMENT_PROFILE_NOT_FOR_SALE'
  | 'PAYMENT_NO_DEVICE'
  | 'BILL_NOTHING_OWED' // a subscriber's bill paid online (src/services/subscriptions/billing/bill-payment.ts)
  | 'NOTHING_PAST_DUE' // a suspension by hand until paid while nothing is past due (src/services/subscriptions/subscribers/status.ts)
  | 'BILL_BELOW_MINIMUM'
  | 'PAYMENT_GATEWAY_UNREACHABLE'
  | 'PAYMENT_GATEWAY_REFUSED'
  | 'PAYMENT_GATEWAY_FAILED'
  | 'PAYMENT_SIGNATURE'
  | 'VENDO_NOT_FOUND' // coin vendos
  | 'VENDO_NAME_TAKEN'
  | 'VENDO_AUTH'
  | 'VENDO_BUSY'
  | 'VENDO_DEVICE_BUSY'
  | 'VENDO_DISABLED'
  | 'VENDO_OFFLINE'
  | 'VENDO_OTHER_SITE'
  | 'VENDO_HAS_HISTORY'
  | 'VENDO_SESSION_BUSY'
  | 'VENDO_SESSION_FINISHED'
  | 'VENDO_SESSION_NOT_FOUND'
  | 'NO_CREDIT'
  | 'CREDIT_TOO_SMALL'
  | 'SITE_NOT_FOUND' // sites
  | 'SITE_INVALID'
  | 'SITE_AMBIGUOUS'
  | 'SITE_NAME_TAKEN'
  | 'SITE_DEFAULT_FIXED'
  | 'SITE_HAS_VOUCHERS'
  | 'SITE_HAS_OWN_ITEMS'
  | 'SITE_AND_ROAMING'
  | 'SITE_UNREACHABLE'
  | 'NAS_ADDRESS_TAKEN' // RADIUS
  | 'RADIUS_NEEDS_POSTGRES'
  | 'NOTIFY_NOT_SET' // notifications to the owner
  | 'SUBSCRIBER_NOT_FOUND' // subscribers on monthly plans
  | 'INVOICE_NOT_FOUND' // subscribers' invoices
  | 'INVOICE_PAID'
  | 'INVOICE_VOIDED'
  | 'PAYMENT_NOT_FOUND'
  | 'PAYMENT_VOIDED'
  | 'SUBSCRIBER_EXISTS'
  | 'SUBSCRIBER_ENDED'
  | 'SUBSCRIBER_STATUS'
  | 'SUBSCRIBER_LOGIN'
  | 'STATIC_IP_TAKEN' // subscribers' fixed addresses
  | 'STATIC_POOL_FULL'
  | 'SUBSCRIBER_ADOPTED' // a router's PPP secret adopted already (src/services/subscriptions/subscribers/adopt.ts)
  | 'SITE_MODE'
  | 'DEMO_ONLY' // the demo's "Open as this subscriber" (src/web/portal/demo-as.ts)
  | 'DEMO_LINK_INVALID'
  | 'DEMO_LINK_EXPIRED';
