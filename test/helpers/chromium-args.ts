/**
 * Debian's chromium, headless, with background networking off (this network is closed: Chromium's own
 * connections would be refused, many at a time).
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
