/**
 * Monthly billing's variables of `.env` (subscribers' invoices, reminders and suspension; SMS through Semaphore),
 * read beside the rest of the environment (env.ts), their problems listed with the others. The Semaphore key is
 * never echoed: describeBillingConfig masks it. SMS is off while SEMAPHORE_API_KEY is empty.
 */
import { isHttpUrl } from '../domain/network';
import { SEMAPHORE_API_URL } from '../sms/semaphore';

export interface BillingConfig {
  /** Days from an invoice's issue to its due date. */
  dueDays: number;
  /** Days after the due date before an unpaid subscriber is suspended. */
  graceDays: number;
  /** Days before the due date the reminder goes. */
  remindDays: number;
  /** Put before an invoice's six digits: `INV-000001`. */
  invoicePrefix: string;
  sms: { apiKey?: string; senderName: string; apiUrl: string };
}

export const INVOICE_PREFIX = /^[A-Z0-9][A-Z0-9-]{0,9}$/;
/** The most days each may be, in .env and in the admin's Settings (src/services/subscriptions/billing/settings.ts). */
export const BILLING_DAYS_MAX = { dueDays: 90, graceDays: 60, remindDays: 30 } as const;
/** Semaphore's Sender Names: up to 11 letters and digits. */
const SENDER_NAME = /^[A-Za-z0-9 ]{1,11}$/;

const text = (v: string | undefined) => (v === undefined ? '' : v.trim());

function days(env: NodeJS.ProcessEnv, name: string, dflt: number, max: number, problems: string[]): number {
  const v = text(env[name]);
  if (v === '') return dflt;
  if (!/^\d{1,3}$/.test(v) || Number(v) > max) {
    problems.push(`${name} must be a whole number of days from 0 to ${max} (got "${v}")`);
    return dflt;
  }
  return Number(v);
}

export function readBillingEnv(env: NodeJS.ProcessEnv, problems: string[]): BillingConfig {
  const prefix = env.INVOICE_PREFIX === undefined ? 'INV-' : text(env.INVOICE_PREFIX);
  if (!INVOICE_PREFIX.test(prefix))
    problems.push(
      `INVOICE_PREFIX must be 1 to 10 capital letters, digits or dashes, starting with a letter or digit, e.g. INV- (got "${prefix}")`,
    );
  const sender = text(env.SEMAPHORE_SENDER_NAME);
  if (sender && !SENDER_NAME.test(sender))
    problems.push(
      `SEMAPHORE_SENDER_NAME must be up to 11 letters and digits, your approved Sender Name (got "${sender}")`,
    );
  const api = text(env.SEMAPHORE_API_URL) || SEMAPHORE_API_URL;
  if (!isHttpUrl(api))
    problems.push(`SEMAPHORE_API_URL must be an http:// or https:// address like ${SEMAPHORE_API_URL}`);
  return {
    dueDays: days(env, 'BILLING_DUE_DAYS', 7, BILLING_DAYS_MAX.dueDays, problems),
    graceDays: days(env, 'BILLING_GRACE_DAYS', 0, BILLING_DAYS_MAX.graceDays, problems),
    remindDays: days(env, 'BILLING_REMIND_DAYS', 3, BILLING_DAYS_MAX.remindDays, problems),
    invoicePrefix: INVOICE_PREFIX.test(prefix) ? prefix : 'INV-',
    sms: {
      apiKey: text(env.SEMAPHORE_API_KEY) || undefined,
      senderName: SENDER_NAME.test(sender) ? sender : '',
      apiUrl: api.replace(/\/+$/, ''),
    },
  };
}

export function describeBillingConfig(b: BillingConfig): Record<string, string> {
  return {
    BILLING_DUE_DAYS: String(b.dueDays),
    BILLING_GRACE_DAYS: String(b.graceDays),
    BILLING_REMIND_DAYS: String(b.remindDays),
    INVOICE_PREFIX: b.invoicePrefix,
    SEMAPHORE_API_KEY: b.sms.apiKey ? '********' : '(not set: no SMS)',
    SEMAPHORE_SENDER_NAME: b.sms.senderName || "(not set: Semaphore's default)",
    SEMAPHORE_API_URL: b.sms.apiUrl,
  };
}
