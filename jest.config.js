/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  // Browser and pseudo-terminal tests spawn real processes; give them room on a 2-core machine.
  testTimeout: 30000,
  maxWorkers: 2,
};
