/**
 * The online payment settings: `.env` gives the defaults (src/config/env-payments.ts); a value saved in the admin
 * overrides it until it is reset (''). Saved in the settings table under `payments.<field>`; the secret key and
 * the webhook secret sealed with the key of the routers' passwords (as the notifications' secrets are) and never
 * shown back: the view says only whether each is set. Read fresh on every use.
 */
import {
  METHOD,
  parseMethods,
  SECRET_KEY,
  WEBHOOK_SECRET,
  type PaymentsConfig,
} from '../../../config/env-payments';
import type { Db } from '../../../db/knex';
import { ErrorCollector } from '../../../domain/error-collector';
import { ValidationError } from '../../../domain/errors';
import { secretMatching, webAddress } from '../../../domain/setting-fields';
import { parseGiven } from '../../business/settings/overrides';
import {
  sealedRead,
  sealedStored,
  type SealedFields,
  type SealedSettingsStore,
} from '../../business/settings/sealed';
import type { SettingsService } from '../../business/settings/types';
import type { CredentialsBox } from '../../business/sites/credentials';

export const PAYMENT_FIELDS = ['secret_key', 'webhook_secret', 'api_url', 'methods'] as const;
export type PaymentField = (typeof PAYMENT_FIELDS)[number];
const SECRETS: readonly PaymentField[] = ['secret_key', 'webhook_secret'];
const PREFIX = 'payments.';

export interface PaymentSettingsView {
  enabled: boolean;
  secret_key_set: boolean;
  /** test or live, from the key; null without one. */
  mode: 'test' | 'live' | null;
  webhook_secret_set: boolean;
  api_url: string;
  methods: string[];
  /** The fields the admin overrides (.env's values apply to the others). */
  overridden: PaymentField[];
  /** A saved secret that cannot be opened with this key: say so rather than fail. */
  problems: string[];
}

function text(v: unknown, field: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'string') throw ValidationError.invalid(field, v, 'text', 'send a string');
  return v.trim();
}

const parsers: Record<PaymentField, (v: unknown) => string> = {
  secret_key: (v) =>
    secretMatching(
      text(v, 'secret_key'),
      'secret_key',
      SECRET_KEY,
      "is not a PayMongo secret key; paste the one from PayMongo's dashboard (Developers → API keys), like sk_test_… or sk_live_…",
    ),
  webhook_secret: (v) =>
    secretMatching(
      text(v, 'webhook_secret'),
      'webhook_secret',
      WEBHOOK_SECRET,
      'is not a webhook secret; paste the secret_key PayMongo gave when the webhook was made, like whsk_…',
    ),
  api_url: (v) =>
    webAddress(text(v, 'api_url'), v, 'api_url', 300, 'https://api.paymongo.com').replace(/\/+$/, ''),
  methods(v) {
    const s = Array.isArray(v) ? v.map(String).join(',') : text(v, 'methods');
    if (s === '') return '';
    const list = parseMethods(s);
    if (!list)
      throw ValidationError.invalid(
        'methods',
        v,
        'payment methods',
        `use PayMongo's method names separated by commas, like gcash,paymaya,qrph (each like ${METHOD.source})`,
      );
    return list.join(',');
  },
};

type PaymentSettingsStore = SealedSettingsStore<PaymentField, PaymentsConfig, PaymentSettingsView>;

/** `env` is read on every call: the demo points it at its own simulated gateway after start. */
export function paymentSettingsStore(
  db: Db,
  env: () => PaymentsConfig,
  settings: SettingsService,
  box: CredentialsBox,
): PaymentSettingsStore {
  const defaults = (): Record<PaymentField, string> => {
    const e = env();
    return {
      secret_key: e.secretKey ?? '',
      webhook_secret: e.webhookSecret ?? '',
      api_url: e.apiUrl,
      methods: e.methods.join(','),
    };
  };

  const fields: SealedFields<PaymentField> = {
    prefix: PREFIX,
    fields: PAYMENT_FIELDS,
    secrets: SECRETS,
    purpose: 'online payments',
    parsers,
    secretName: (f) => `PayMongo ${f === 'secret_key' ? 'secret key' : 'webhook secret'}`,
  };
  const read = () =>
    sealedRead(db, box, fields, defaults(), (v) => ({
      secretKey: v.secret_key || undefined,
      webhookSecret: v.webhook_secret || undefined,
      apiUrl: v.api_url,
      methods: v.methods.split(',').filter(Boolean),
    }));

  return {
    read,
    async view() {
      const { settings: s, overridden, problems } = await read();
      return {
        enabled: s.secretKey !== undefined,
        secret_key_set: s.secretKey !== undefined,
        mode: s.secretKey === undefined ? null : s.secretKey.startsWith('sk_live_') ? 'live' : 'test',
        webhook_secret_set: s.webhookSecret !== undefined,
        api_url: s.apiUrl,
        methods: s.methods,
        overridden,
        problems,
      };
    },
    async update(input, actor) {
      const c = new ErrorCollector();
      const parsed = parseGiven(c, PAYMENT_FIELDS, input, parsers);
      c.throwIfAny('Payment settings not saved');
      const { own } = await sealedStored(db, box, fields);
      const changed: PaymentField[] = [];
      for (const [f, v] of parsed) {
        if ((own[f] ?? '') === v) continue;
        await settings.set(`${PREFIX}${f}`, v === '' ? null : SECRETS.includes(f) ? box.seal(v) : v, actor);
        changed.push(f);
      }
      return changed;
    },
  };
}
