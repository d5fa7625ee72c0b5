#!/usr/bin/env node
// The CLI entry. `npm ci` compiles the TypeScript to dist/ through the package's `prepare` script.
require('../dist/src/cli/launch.js')
  .launch()
  .then((code) => {
    process.exitCode = code;
  });
