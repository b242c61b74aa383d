// One `npm test` runs the three tiers of tests. Integration and e2e suites talk to real
// Redis and PostgreSQL; each test file isolates itself (own queue prefix, own schema).
// @swc/jest, with the decorator helpers swc inlines kept out of coverage (see the transform).
const swc = [
  '<rootDir>/tests/support/swc-coverage-transform.js',
  JSON.parse(require('fs').readFileSync(`${__dirname}/.swcrc`, 'utf8')),
];
const moduleNameMapper = {
  '^@switchboard/migrations$': '<rootDir>/migrations',
  '^@switchboard/(.*)$': '<rootDir>/libs/$1/src',
};
const base = { transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node' };

module.exports = {
  // Per-project testTimeout is ignored by Jest; this global one covers the slow tiers.
  testTimeout: 120000,
  // Coverage (`npm test` passes --coverage): every source file of the apps, libs and scripts
  // counts, tested or not. Code the e2e tier runs in the app processes is not seen here.
  collectCoverageFrom: [
    '{apps,libs,scripts}/**/*.ts',
    '!**/*.spec.ts',
    '!**/*.d.ts',
    '!**/main.ts',
    '!**/node_modules/**',
  ],
  coverageDirectory: '<rootDir>/coverage',
  coverageReporters: ['text-summary', 'html', 'json-summary'],
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/tests/integration/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/tests/support/global-setup.ts',
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/tests/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/tests/support/global-setup.ts',
    },
  ],
};
