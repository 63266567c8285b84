/**
 * The online payment variables of `.env` (src/services/shop/payments): off while PAYMONGO_SECRET_KEY is empty. Read
 * beside the rest of the environment (env.ts), their problems listed with the others. The secret key and the
 * webhook secret are never echoed: describePaymentsConfig masks them.
 */
import { isHttpUrl } from '../domain/network';

export interface PaymentsConfig {
  /** PayMongo's secret key (`sk_test_…` or `sk_live_…`); undefined: online payments are off. */
  secretKey?: string;
  /** The webhook's signing secret (`whsk_…`); undefined: webhooks are refused, polling still credits. */
  webhookSecret?: string;
  /** Without a trailing slash. */
  apiUrl: string;
  /** The payment methods offered at checkout, in order. */
  methods: string[];
}

const PAYMONGO_API_URL = 'https://api.paymongo.com';
const DEFAULT_METHODS = ['gcash', 'paymaya', 'qrph'];
/** A PayMongo secret key: its mode, then letters and digits. */
export const SECRET_KEY = /^sk_(test|live)_[A-Za-z0-9]{8,100}$/;
export const WEBHOOK_SECRET = /^whsk_[A-Za-z0-9]{8,100}$/;
/** PayMongo's names of payment methods: lower-case words with underscores (gcash, paymaya, qrph, grab_pay). */
export const METHOD = /^[a-z][a-z0-9_]{1,29}$/;

const text = (v: string | undefined) => (v === undefined ? '' : v.trim());

/** `gcash, paymaya` → ['gcash', 'paymaya']; undefined when a name is not a method's. */
export function parseMethods(raw: string): string[] | undefined {
  const list = raw
    .split(',')
    .map((m) => m.trim().toLowerCase())
    .filter(Boolean);
  if (list.length === 0 || list.length > 10 || !list.every((m) => METHOD.test(m))) return undefined;
  return [...new Set(list)];
}

export function readPaymentsEnv(env: NodeJS.ProcessEnv, problems: string[]): PaymentsConfig {
  const key = text(env.PAYMONGO_SECRET_KEY);
  if (key && !SECRET_KEY.test(key))
    problems.push('PAYMONGO_SECRET_KEY must be a PayMongo secret key like sk_test_… or sk_live_…');
  const hook = text(env.PAYMONGO_WEBHOOK_SECRET);
  if (hook && !WEBHOOK_SECRET.test(hook))
    problems.push("PAYMONGO_WEBHOOK_SECRET must be the webhook's secret key PayMongo gave, like whsk_…");
  const api = text(env.PAYMONGO_API_URL) || PAYMONGO_API_URL;
  if (!isHttpUrl(api))
    problems.push(`PAYMONGO_API_URL must be an http:// or https:// address like ${PAYMONGO_API_URL}`);
  const rawMethods = text(env.PAYMONGO_METHODS);
  const methods = rawMethods ? parseMethods(rawMethods) : DEFAULT_METHODS;
  if (!methods)
    problems.push(
      `PAYMONGO_METHODS must be PayMongo's payment method names separated by commas, like gcash,paymaya,qrph (got "${rawMethods}")`,
    );
  return {
    secretKey: key && SECRET_KEY.test(key) ? key : undefined,
    webhookSecret: hook && WEBHOOK_SECRET.test(hook) ? hook : undefined,
    apiUrl: api.replace(/\/+$/, ''),
    methods: methods ?? DEFAULT_METHODS,
  };
}

/** The test key the demo's fake PayMongo makes for itself (src/payments/demo.ts): `sk_test_demo` and random hex. */
export const DEMO_KEY_PREFIX = 'sk_test_demo';

/**
 * Whether online payments go to the demo's fake PayMongo on loopback: in demo mode (the simulated router) with no
 * PAYMONGO_SECRET_KEY of the owner's, before the fake starts (no key yet) or after (its own key).
 */
export function fakesPaymongo(c: { router: { simulated: boolean }; payments: PaymentsConfig }): boolean {
  return c.router.simulated && (!c.payments.secretKey || c.payments.secretKey.startsWith(DEMO_KEY_PREFIX));
}

const FAKE_PAYMONGO_SHOWN = 'demo (fake PayMongo on loopback)';

/** `demo`: the demo's fake PayMongo takes the payments (fakesPaymongo): said so, its key and address not shown. */
export function describePaymentsConfig(p: PaymentsConfig, demo = false): Record<string, string> {
  const mask = (v?: string) => (v ? '********' : '(not set)');
  return {
    PAYMONGO_SECRET_KEY: demo
      ? FAKE_PAYMONGO_SHOWN
      : p.secretKey
        ? `${p.secretKey.slice(0, 8)}********`
        : '(not set: online payments off)',
    PAYMONGO_WEBHOOK_SECRET: demo ? FAKE_PAYMONGO_SHOWN : mask(p.webhookSecret),
    PAYMONGO_API_URL: demo ? FAKE_PAYMONGO_SHOWN : p.apiUrl,
    PAYMONGO_METHODS: p.methods.join(','),
  };
}
