/**
 * The demo's payment gateway: the fake PayMongo (fake-paymongo.ts) on loopback with a test key of its own, so the
 * portal's "Pay with GCash / Maya" leads to a simulated checkout page ("Pay ₱20.00 with GCash (demo)") and back,
 * without a PayMongo account. Started only in demo mode (no ROUTER_HOST) when no PAYMONGO_SECRET_KEY is set;
 * its page sends the signed webhook to this server, as PayMongo would to a box it can reach.
 */
import crypto from 'node:crypto';
import type { AppConfig } from '../config/env';
import { DEMO_KEY_PREFIX } from '../config/env-payments';
import { FakePaymongo } from './fake-paymongo';

export async function startDemoGateway(config: AppConfig, serverUrl: string): Promise<FakePaymongo> {
  const key = `${DEMO_KEY_PREFIX}${crypto.randomBytes(12).toString('hex')}`;
  const secret = `whsk_demo${crypto.randomBytes(12).toString('hex')}`;
  const fake = new FakePaymongo(key, secret);
  const url = await fake.start();
  fake.webhookUrl = `${serverUrl}/api/payments/paymongo/webhook`;
  config.payments = { ...config.payments, secretKey: key, webhookSecret: secret, apiUrl: url };
  return fake;
}
