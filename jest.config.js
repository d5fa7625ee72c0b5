/** jest runs TypeScript through swc (fast, no type-check); `npm test` runs tsc --noEmit first for types. */
const swc = [
  '@swc/jest',
  { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
];
module.exports = {
  // The node environment with the Kusto parser loaded once per worker (see the file).
  testEnvironment: '<rootDir>/test/support/parserEnvironment.js',
  transform: { '^.+\\.ts$': swc },
  // @microsoft/app-manifest require()s strip-bom 5, which is ESM-only: Node 20.19 loads it, jest's loader
  // cannot. Manifest validation never calls it, so tests use a CommonJS equivalent of its one function.
  moduleNameMapper: { '^strip-bom$': '<rootDir>/test/support/stripBom.js' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
  // jest's default leaves one core idle; most suites wait on the Kusto parser or on sockets, so two workers on a
  // two-core machine roughly halve the wall time.
  maxWorkers: 2,
};
