#!/usr/bin/env node
// The CLI entry. `npm ci` compiles TypeScript to dist/ through the `prepare` script.
require('../dist/src/cli.js');
