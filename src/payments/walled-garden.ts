/**
 * The hosts a phone that is not logged in must reach to pay online: the hotspot lets them through its walled
 * garden (`/ip/hotspot/walled-garden`, `dst-host`, wildcards allowed). Where each comes from: docs/payments.md.
 */

/** PayMongo's hosted checkout page and the API its page calls. */
export const PAYMONGO_HOSTS = ['checkout.paymongo.com', '*.paymongo.com'] as const;
/** GCash's web pages where the customer authorises a payment, and its app's web links. */
export const GCASH_HOSTS = ['*.gcash.com'] as const;
/** Maya's pages ("Pay with Maya", its QR page); Maya's older name is PayMaya. */
export const MAYA_HOSTS = ['*.maya.ph', '*.paymaya.com'] as const;

/** Every host the payment pages need, each once, for the walled garden. */
export function paymentWalledGardenHosts(): string[] {
  return [...PAYMONGO_HOSTS, ...GCASH_HOSTS, ...MAYA_HOSTS];
}
