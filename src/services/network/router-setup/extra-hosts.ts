import { paymentWalledGardenHosts } from '../../../payments/walled-garden';

/**
 * Host names customers must reach before they are logged in, beyond the portal: each becomes an
 * `/ip/hotspot/walled-garden` `dst-host` entry (comment `pisonet: HOST`) in the router setup. Online payments
 * send a phone to the gateway's checkout and the wallets' pages before it is logged in, so those hosts are
 * wanted while payments are on (docs/payments.md lists them with their sources).
 */
export function setupExtraHosts(features: { payments: boolean }): string[] {
  return features.payments ? paymentWalledGardenHosts() : [];
}
