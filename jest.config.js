const os = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  // Browser and pseudo-terminal tests spawn real processes (a Chromium, a terminal per command): give them room on
  // a busy 2-core machine. A bound, not a wait: a test that passes is as fast as before.
  testTimeout: 60000,
  // One shared Chromium per worker for the browser tests (test/helpers/browser-servers.ts).
  globalSetup: '<rootDir>/test/helpers/jest-global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/jest-global-teardown.ts',
  // One worker more than the machine has cores. The suite waits as much as it computes: on its children (a
  // Chromium, the `pisonet` commands, tmux) and on real timers (a router's timeout, a server's poll). On a 2-core
  // machine, two workers left 15-16 % of it idle through `npm test` (503-530 s); three leave 4 % (470-492 s).
  maxWorkers: os.availableParallelism() + 1,
};
