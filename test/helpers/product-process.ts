import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

// scripts/dist-state.js is the one judge of whether dist/ is current (the `pisonet` bin and `npm start` ask it).
const { distState } = require(path.join(ROOT, 'scripts', 'dist-state.js')) as { distState(): string };

/**
 * The node arguments that start the product's server as a shop does (`npm start`): the compiled dist/src/main.js
 * when dist/ is current (the install builds it), else the sources through tsx (a checkout before `npm run build`).
 * Compiling the sources at each start costs a few seconds of processor time that the tests spent again and again.
 */
export function productMainArgs(): string[] {
  return distState() === 'current'
    ? ['--enable-source-maps', path.join(ROOT, 'dist', 'src', 'main.js')]
    : ['--import', 'tsx', path.join(ROOT, 'src', 'main.ts')];
}
