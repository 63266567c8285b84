/**
 * What the product needs of a router, item by item (docs/router-setup.md): the items are decided in
 * shop-items.ts and access-items.ts from the facts and wants of core.ts; this module puts them together.
 */
import { SETUP_ITEM_IDS } from './core';
import type { SetupFacts, SetupItem, SetupWants } from './core';
import { hotspotItem, userProfileItem, walledGardenItem, loginPageItem, fastTrackItem } from './shop-items';
import { radiusItems, bypassItem, apiServiceItem } from './access-items';
import { pppoeServerItem, suspendedRedirectItem } from './ppp-items';

export * from './core';
export { hotspotFastTrackRules, loginPageFiles } from './shop-items';
export { PAYMENT_LIST } from './ppp-items';

/**
 * Every item for a site. With no hotspot server, only that item is decided (the others depend on it), and
 * nothing is to be written.
 */
export function planSetup(facts: SetupFacts, wants: SetupWants): SetupItem[] {
  const hotspot = hotspotItem(facts, wants);
  if (hotspot.state !== 'ok') return [hotspot];
  const items: (SetupItem | null)[] = [
    hotspot,
    userProfileItem(facts, wants),
    walledGardenItem(facts, wants),
    loginPageItem(facts, wants),
    fastTrackItem(facts),
    ...radiusItems(facts, wants),
    bypassItem(facts, wants),
    apiServiceItem(facts, wants),
    pppoeServerItem(facts, wants),
    suspendedRedirectItem(facts, wants),
  ];
  return items.filter((i): i is SetupItem => i !== null);
}

/** Items limited to `only` (ids); an unknown id is the caller's error to report. */
export function unknownItemIds(only: string[]): string[] {
  return only.filter((id) => !(SETUP_ITEM_IDS as readonly string[]).includes(id));
}

export const setupOk = (items: SetupItem[]): boolean => items.every((i) => i.state === 'ok');
