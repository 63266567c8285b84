'use strict';
/**
 * Jest's order of the test files: the longest first, so the two workers end together instead of one finishing a
 * minute-long browser file alone at the end. Jest's own sequencer knows a file's time only from an earlier run in
 * the same folder (its cache); a fresh clone has none, and it then orders by file size, which left some of the
 * slowest files (a browser walk over every page, the terminal menus) to the end. A file with no time from an
 * earlier run is given an estimate from what it starts: a browser or the compiler's whole-source walk weighs most,
 * then processes (the terminal, the server), then a product harness. Files that failed last time still go first.
 */
const fs = require('node:fs');
const TestSequencer = require('@jest/test-sequencer').default;

/** Bytes of test text per second of run, roughly, for a file that starts nothing (fitted on earlier runs). */
const BYTES_PER_SECOND = 1200;

function weight(text, file) {
  if (/\/test\/architecture\//.test(file) || /helpers\/browser'|playwright-core/.test(text)) return 4;
  if (/runCli|TmuxCli|child_process/.test(text)) return 3;
  if (/createHarness/.test(text)) return 1.5;
  return 1;
}

/** Seconds a file is expected to take when no earlier run timed it. */
function estimate(file) {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return 0;
  }
  return ((text.length * weight(text, file)) / BYTES_PER_SECOND) * 1000;
}

class LongestFirst extends TestSequencer {
  sort(tests) {
    // Jest's sort fills in each test's duration from its cache (undefined when unknown).
    super.sort(tests);
    const expected = new Map(tests.map((t) => [t, t.duration ?? estimate(t.path)]));
    return tests.sort((a, b) => {
      const failedA = this.hasFailed(a);
      if (failedA !== this.hasFailed(b)) return failedA ? -1 : 1;
      return expected.get(b) - expected.get(a);
    });
  }
}

module.exports = LongestFirst;
