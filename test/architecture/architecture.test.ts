/**
 * The architecture checks, one file of them per rule set (`*.checks.ts` beside this one), run as one test file:
 * they read the same sources, and in one file each source is parsed once (source.ts keeps the parsed files)
 * instead of once per file, with TypeScript's compiler loaded once. `npx jest test/architecture` runs them all;
 * `-t` picks checks by name.
 */
describe('layers', () => {
  require('./layers.checks');
});
describe('no import cycles', () => {
  require('./no-cycles.checks');
});
describe('owners of router objects and tables', () => {
  require('./owners.checks');
});
describe('the payments seam', () => {
  require('./payments-seam.checks');
});
describe('the shop-wide services', () => {
  require('./shop-wide.checks');
});
describe("a subscriber's speeds", () => {
  require('./subscriber-speeds.checks');
});
describe('the wings of src/services', () => {
  require('./wings.checks');
});
