/**
 * jest's node environment, with the Kusto parser loaded once per jest worker instead of once per test file.
 * jest gives each test file a fresh global context and module registry, so every file that touched the embedded
 * engine paid the parser's load and first analysis again (about 2 s each, most of the suite's time). The parser
 * is stateless between analyses; src/kql/bridge.ts uses the `Kusto` and `System` globals when they exist (the
 * CLI's start-up snapshot hands them over the same way), so here they are loaded in the worker and shared.
 */
const NodeEnvironment = require('jest-environment-node').TestEnvironment;

let parser;

function loadParser() {
  if (!parser) {
    // The scripts define the globals on the worker's own global object.
    require('@kusto/language-service-next/bridge.js');
    require('@kusto/language-service-next');
    const { Kusto, System } = globalThis;
    // Its first analysis finishes the parser's own lazy set-up.
    Kusto.Language.KustoCode.ParseAndAnalyze('print x = 1 | extend y = strcat(tostring(x), "a") | where y has "a"');
    parser = { Kusto, System };
  }
  return parser;
}

class ParserEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    const { Kusto, System } = loadParser();
    this.global.Kusto = Kusto;
    this.global.System = System;
  }
}

module.exports = ParserEnvironment;
