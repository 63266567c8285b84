/**
 * Host names customers must reach before they are logged in, beyond the portal: each becomes an
 * `/ip/hotspot/walled-garden` `dst-host` entry (comment `pisonet: HOST`) in the router setup. Features that
 * send customers elsewhere before login (an online payment's checkout pages) add theirs here.
 */
export function setupExtraHosts(): string[] {
  return [];
}
