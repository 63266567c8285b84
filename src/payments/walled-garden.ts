/**
 * The hosts a phone that is not logged in must reach to pay online, for both of the hotspot's walled gardens
 * (docs/payments.md "The walled garden"): the HTTP-level list (`/ip/hotspot/walled-garden`, `dst-host` with
 * wildcards) and the IP-level list (`/ip/hotspot/walled-garden/ip`, where `dst-host` is an exact name the router
 * resolves to addresses when the entry is added, no wildcard). MikroTik's own texts disagree on whether the
 * HTTP-level list lets HTTPS through, and the payment pages are HTTPS, so each host goes in both where it can:
 * a wildcard only in the HTTP-level list, and the exact names behind it in both.
 */

/** PayMongo's hosted checkout page and the API its page calls. */
const PAYMONGO_HOSTS = ['checkout.paymongo.com', 'api.paymongo.com', '*.paymongo.com'] as const;
/** GCash's web pages where the customer authorises a payment, and its app's web links. */
const GCASH_HOSTS = ['gcash.com', 'www.gcash.com', 'm.gcash.com', '*.gcash.com'] as const;
/** Maya's pages ("Pay with Maya", its QR page); Maya's older name is PayMaya. */
const MAYA_HOSTS = [
  'maya.ph',
  'www.maya.ph',
  'paymaya.com',
  'www.paymaya.com',
  '*.maya.ph',
  '*.paymaya.com',
] as const;

/** Every host the payment pages need, each once: all of them for the HTTP-level walled garden. */
export function paymentWalledGardenHosts(): string[] {
  return [...PAYMONGO_HOSTS, ...GCASH_HOSTS, ...MAYA_HOSTS];
}

/** A name the IP-level walled garden can hold: exact, no wildcard. */
const exactHost = (host: string): boolean => !/[*?:]/.test(host);

/** The exact names among them, for the IP-level walled garden. */
export function paymentWalledGardenIpHosts(): string[] {
  return paymentWalledGardenHosts().filter(exactHost);
}
